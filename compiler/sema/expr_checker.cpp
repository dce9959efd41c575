#include "sema/expr_checker.hpp"

#include <set>

namespace fnd::sema {

using namespace fnd::ast;
using diag::Code;

namespace {
std::string q(const Type* t) { return "'" + t->str() + "'"; }
}  // namespace

bool ExprChecker::assignable(const Type* to, const Type* from) {
  if (!to || !from || to->isError() || from->isError()) return true;
  if (to == from) return true;
  // `ref` (any actor) accepts every ref<A>.
  return to->kind == TypeKind::Ref && to->actor == nullptr && from->kind == TypeKind::Ref;
}

bool ExprChecker::comparable(const Type* t) {
  switch (t->kind) {
    case TypeKind::Int: case TypeKind::Float: case TypeKind::Bool: case TypeKind::String:
    case TypeKind::Bytes: case TypeKind::Duration: case TypeKind::Ref: case TypeKind::Error:
      return true;
    default:
      return false;
  }
}

const Type* ExprChecker::check(Expr& e, const Type* expected) {
  const Type* t = infer(e, expected);
  if (expected && !assignable(expected, t)) {
    if (t->kind == TypeKind::Void) {
      cx_.error(Code::E0222, e.range, "expression has no value (it is an action)");
      return cx_.types().error();
    }
    auto d = cx_.error(Code::E0201, e.range, "expected " + q(expected) + ", found " + q(t));
    if (expected->kind == TypeKind::Float && t->kind == TypeKind::Int)
      d.note({}, e.is<IntLit>() ? "write a float literal such as 1.0" : "convert with float(...)");
    else if (expected->kind == TypeKind::Int && t->kind == TypeKind::Float)
      d.note({}, "convert with int(...), which truncates toward zero");
    else if (expected->kind == TypeKind::String && t->isFormattable())
      d.note({}, "convert with string(...) or interpolate: \"{...}\"");
    else if (expected->kind == TypeKind::Ref && t->kind == TypeKind::Ref && !t->actor)
      d.note({}, "a plain 'ref' (e.g. 'sender') may point to any actor; declare the target as 'ref'");
    return cx_.types().error();
  }
  return t;
}

const Type* ExprChecker::infer(Expr& e, const Type* hint) {
  const Type* t = inferImpl(e, hint);
  if (!t) t = cx_.types().error();
  e.type = t;
  return t;
}

void ExprChecker::constantViolation(diag::SourceRange r, const std::string& what) {
  if (env_.kind == EnvKind::ParamDefault)
    cx_.error(Code::E0226, r, "parameter defaults must be constant; " + what + " is not")
        .note({}, "defaults may use literals and operators only");
  else if (env_.kind == EnvKind::TimerInterval)
    cx_.error(Code::E0224, r, "a timer interval may use only literals and parameters; " + what + " is not")
        .note({}, "the interval is computed once, when the actor starts");
  else if (env_.kind == EnvKind::StateInit)
    cx_.error(Code::E0226, r, "a state initializer may use literals, parameters, earlier states and 'self'; " + what + " is not");
  else
    cx_.error(Code::E0226, r, "start arguments may use literals, sibling children and roles; " + what + " is not");
}

bool ExprChecker::requireHandler(diag::SourceRange r, const std::string& what) {
  if (env_.kind == EnvKind::Handler) return true;
  cx_.error(Code::E0228, r, what + " can only be used inside a handler");
  return false;
}

bool ExprChecker::checkArity(diag::SourceRange r, const std::string& what, std::size_t got, std::size_t want) {
  if (got == want) return true;
  cx_.error(Code::E0211, r, what + " takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") +
                                ", " + std::to_string(got) + " given");
  return false;
}

const Type* ExprChecker::checkString(StringLit& e) {
  for (auto& p : e.parts) {
    if (!p.expr) continue;
    const Type* t = infer(*p.expr);
    if (t->kind == TypeKind::Void)
      cx_.error(Code::E0222, p.expr->range, "interpolated expression has no value");
    else if (!t->isFormattable())
      cx_.error(Code::E0212, p.expr->range, "cannot interpolate a value of type " + q(t))
          .note({}, "int, float, bool, string, duration and ref values can be formatted");
  }
  return cx_.types().stringType();
}

std::vector<const RoleDecl*> ExprChecker::lookupRole(const Ident& name, bool report) {
  std::vector<const RoleDecl*> out;
  if (env_.kind == EnvKind::StartArgs && env_.society) {
    if (auto* r = env_.society->findRole(name.name)) out.push_back(r);
    return out;
  }
  if (!env_.actor) return out;
  const SocietyDecl* missingIn = nullptr;
  for (const SocietyDecl* s : env_.actor->societies) {
    if (auto* r = s->findRole(name.name)) out.push_back(r);
    else missingIn = s;
  }
  if (!out.empty() && missingIn) {
    if (report)
      cx_.error(Code::E0408, name.range,
                "role '" + name.name + "' is not defined in society '" + missingIn->name.name +
                    "', which also has '" + env_.actor->name.name + "' as a member")
          .note(out[0]->range, "the role is defined here");
    return {};
  }
  return out;
}

const Type* ExprChecker::checkName(NameExpr& e) {
  const std::string& n = e.name.name;
  if (n.empty()) return cx_.types().error();
  auto& types = cx_.types();
  if (auto* v = scope_.find(n)) {
    e.ref = NameRef::Local;
    e.local = v;
    return v->type ? v->type : types.error();
  }
  if (env_.actor) {
    if (auto* p = env_.actor->findParam(n)) {
      e.ref = NameRef::Param;
      e.param = p;
      if (env_.kind == EnvKind::ParamDefault) constantViolation(e.range, "parameter '" + n + "'");
      return p->type ? p->type : types.error();
    }
    if (auto* s = env_.actor->findState(n)) {
      e.ref = NameRef::State;
      e.state = s;
      if (env_.kind == EnvKind::ParamDefault || env_.kind == EnvKind::TimerInterval ||
          (env_.kind == EnvKind::StateInit && s->index >= env_.visibleStates))
        constantViolation(e.range, "state '" + n + "'");
      return s->type ? s->type : types.error();
    }
  }
  if (env_.kind == EnvKind::StartArgs && env_.supervisor) {
    if (auto* c = env_.supervisor->findChild(n)) {
      e.ref = NameRef::Child;
      e.child = c;
      if (c->start.targetKind == TargetKind::Actor) return types.ref(c->start.actor);
      if (c->start.targetKind == TargetKind::Unresolved) return types.error();
      cx_.error(Code::E0201, e.range, "child '" + n + "' is a supervisor or society, not an actor")
          .note(c->name.range, "declared here");
      return types.error();
    }
  }
  auto roles = lookupRole(e.name, true);
  if (!roles.empty()) {
    e.ref = NameRef::Role;
    e.roles = roles;
    if (env_.kind == EnvKind::ParamDefault || env_.kind == EnvKind::TimerInterval || env_.kind == EnvKind::StateInit)
      constantViolation(e.range, "role '" + n + "'");
    const ActorDecl* a = roles[0]->start.actor;
    for (auto* r : roles)
      if (r->start.actor != a) a = nullptr;
    return a ? types.list(types.ref(a)) : types.list(types.ref(nullptr));
  }
  if (env_.actor) {
    // lookupRole reported E0408 if the role exists in only some societies.
    for (const SocietyDecl* s : env_.actor->societies)
      if (s->findRole(n)) return types.error();
  }
  std::vector<std::string> candidates = scope_.names();
  if (env_.actor) {
    for (auto& p : env_.actor->params) candidates.push_back(p->name.name);
    for (auto& s : env_.actor->states) candidates.push_back(s->name.name);
  }
  if (env_.supervisor)
    for (auto& c : env_.supervisor->children) candidates.push_back(c->name.name);
  auto d = cx_.error(Code::E0102, e.range, "unknown name '" + n + "'");
  if (auto s = closestName(n, candidates); !s.empty()) d.note({}, "did you mean '" + s + "'?");
  else if (cx_.program.actors.count(n) || cx_.program.supervisors.count(n))
    d.note({}, "'" + n + "' is a declaration, not a value; start it with 'spawn " + n + "(...)' or as a child");
  else if (cx_.program.messages.count(n))
    d.note({}, "'" + n + "' is a message type; a message value is written '" + n + " { ... }' ('" + n + " {}' without fields)");
  return types.error();
}

const Type* ExprChecker::checkField(FieldExpr& e) {
  const Type* base = infer(*e.base);
  if (base->isError()) return cx_.types().error();
  if (base->kind != TypeKind::Message) {
    cx_.error(Code::E0217, e.field.range, "type " + q(base) + " has no field '" + e.field.name + "'")
        .note({}, base->kind == TypeKind::List || base->kind == TypeKind::Map || base->kind == TypeKind::String
                      ? "methods are called with parentheses, e.g. '.len()'"
                      : "only messages have fields");
    return cx_.types().error();
  }
  const FieldDecl* f = base->message->findField(e.field.name);
  if (!f) {
    std::vector<std::string> names;
    for (auto& fd : base->message->fields) names.push_back(fd.name.name);
    auto d = cx_.error(Code::E0110, e.field.range, "message '" + base->message->name.name + "' has no field '" + e.field.name + "'");
    if (auto s = closestName(e.field.name, names); !s.empty()) d.note({}, "did you mean '" + s + "'?");
    d.note(base->message->name.range, "'" + base->message->name.name + "' is declared here");
    return cx_.types().error();
  }
  e.decl = f;
  return f->type ? f->type : cx_.types().error();
}

const Type* ExprChecker::checkIndex(IndexExpr& e) {
  const Type* base = infer(*e.base);
  if (base->isError()) {
    infer(*e.index);
    return cx_.types().error();
  }
  if (base->kind == TypeKind::List) {
    check(*e.index, cx_.types().intType());
    return base->elem;
  }
  if (base->kind == TypeKind::Map) {
    check(*e.index, base->key);
    return base->elem;
  }
  infer(*e.index);
  cx_.error(Code::E0215, e.range, "type " + q(base) + " cannot be indexed")
      .note({}, "lists are indexed by int and maps by their key type");
  return cx_.types().error();
}

const Type* ExprChecker::checkMethod(MethodCallExpr& e) {
  auto& T = cx_.types();
  const Type* base = infer(*e.base);
  const std::string& m = e.method.name;
  if (base->isError()) {
    for (auto& a : e.args) infer(*a);
    return T.error();
  }
  auto arity = [&](std::size_t n) { return checkArity(e.range, "'" + m + "'", e.args.size(), n); };
  auto args = [&](std::initializer_list<const Type*> want) {
    if (!arity(want.size())) {
      for (auto& a : e.args) infer(*a);
      return false;
    }
    std::size_t i = 0;
    for (const Type* w : want) check(*e.args[i++], w);
    return true;
  };
  auto mutating = [&] { requireMutablePlace(*e.base, ("call '" + m + "' on").c_str()); };
  TypeKind k = base->kind;
  bool sized = k == TypeKind::List || k == TypeKind::Map || k == TypeKind::String || k == TypeKind::Bytes;
  if (sized && m == "len") { e.resolved = Method::Len; args({}); return T.intType(); }
  if (sized && m == "is_empty") { e.resolved = Method::IsEmpty; args({}); return T.boolType(); }
  if (k == TypeKind::List) {
    if (m == "push") { e.resolved = Method::Push; args({base->elem}); mutating(); return T.voidType(); }
    if (m == "pop") { e.resolved = Method::Pop; args({}); mutating(); return base->elem; }
    if (m == "clear") { e.resolved = Method::Clear; args({}); mutating(); return T.voidType(); }
    if (m == "contains") {
      e.resolved = Method::Contains;
      args({base->elem});
      if (!comparable(base->elem))
        cx_.error(Code::E0221, e.method.range, "'contains' needs comparable elements; " + q(base->elem) + " is not");
      return T.boolType();
    }
  }
  if (k == TypeKind::Map) {
    if (m == "contains") { e.resolved = Method::Contains; args({base->key}); return T.boolType(); }
    if (m == "get") { e.resolved = Method::Get; args({base->key, base->elem}); return base->elem; }
    if (m == "remove") { e.resolved = Method::Remove; args({base->key}); mutating(); return T.voidType(); }
    if (m == "clear") { e.resolved = Method::Clear; args({}); mutating(); return T.voidType(); }
    if (m == "keys") { e.resolved = Method::Keys; args({}); return T.list(base->key); }
    if (m == "values") { e.resolved = Method::Values; args({}); return T.list(base->elem); }
  }
  if (k == TypeKind::String) {
    if (m == "contains") { e.resolved = Method::Contains; args({T.stringType()}); return T.boolType(); }
    if (m == "starts_with") { e.resolved = Method::StartsWith; args({T.stringType()}); return T.boolType(); }
    if (m == "ends_with") { e.resolved = Method::EndsWith; args({T.stringType()}); return T.boolType(); }
    if (m == "split") { e.resolved = Method::Split; args({T.stringType()}); return T.list(T.stringType()); }
  }
  for (auto& a : e.args) infer(*a);
  std::vector<std::string> known;
  if (sized) known = {"len", "is_empty"};
  if (k == TypeKind::List) known.insert(known.end(), {"push", "pop", "clear", "contains"});
  if (k == TypeKind::Map) known.insert(known.end(), {"contains", "get", "remove", "clear", "keys", "values"});
  if (k == TypeKind::String) known.insert(known.end(), {"contains", "starts_with", "ends_with", "split"});
  auto d = cx_.error(Code::E0111, e.method.range, "type " + q(base) + " has no method '" + m + "'");
  if (auto s = closestName(m, known); !s.empty()) d.note({}, "did you mean '" + s + "'?");
  else if (k == TypeKind::Message) d.note({}, "message fields are read without parentheses: '." + m + "'");
  return T.error();
}

const Type* ExprChecker::checkCall(CallExpr& e) {
  auto& T = cx_.types();
  const std::string& n = e.callee.name;
  struct Info {
    Builtin b;
    bool action;  // only in handlers
  };
  static const std::map<std::string, Info> kBuiltins = {
      {"print", {Builtin::Print, true}},       {"crash", {Builtin::Crash, true}},
      {"shutdown", {Builtin::Shutdown, true}}, {"link", {Builtin::Link, true}},
      {"unlink", {Builtin::Unlink, true}},     {"monitor", {Builtin::Monitor, true}},
      {"demonitor", {Builtin::Demonitor, true}}, {"neighbors", {Builtin::Neighbors, true}},
      {"abs", {Builtin::Abs, false}},          {"min", {Builtin::Min, false}},
      {"max", {Builtin::Max, false}}};
  auto it = kBuiltins.find(n);
  if (it == kBuiltins.end()) {
    for (auto& a : e.args) infer(*a);
    std::vector<std::string> names;
    for (auto& [k, v] : kBuiltins) names.push_back(k);
    auto d = cx_.error(Code::E0112, e.callee.range, "unknown function '" + n + "'");
    if (auto s = closestName(n, names); !s.empty()) d.note({}, "did you mean '" + s + "'?");
    else if (cx_.program.actors.count(n)) d.note({}, "start an actor with 'spawn " + n + "(...)'");
    else d.note({}, "there are no user-defined functions; see \"Built-in functions\" in docs/language.md");
    return T.error();
  }
  e.builtin = it->second.b;
  if (it->second.action && !requireHandler(e.range, "'" + n + "'")) {
    for (auto& a : e.args) infer(*a);
    return T.error();
  }
  auto fail = [&] {
    for (auto& a : e.args) if (!a->type) infer(*a);
    return T.error();
  };
  switch (e.builtin) {
    case Builtin::Print: {
      if (!checkArity(e.range, "'print'", e.args.size(), 1)) return fail();
      const Type* t = infer(*e.args[0]);
      if (t->kind == TypeKind::Void) cx_.error(Code::E0222, e.args[0]->range, "expression has no value");
      else if (!t->isFormattable())
        cx_.error(Code::E0212, e.args[0]->range, "cannot print a value of type " + q(t))
            .note({}, "int, float, bool, string, duration and ref values can be formatted");
      return T.voidType();
    }
    case Builtin::Crash:
      if (!checkArity(e.range, "'crash'", e.args.size(), 1)) return fail();
      check(*e.args[0], T.stringType());
      return T.voidType();
    case Builtin::Shutdown:
      if (!checkArity(e.range, "'shutdown'", e.args.size(), 1)) return fail();
      check(*e.args[0], T.intType());
      return T.voidType();
    case Builtin::Link: case Builtin::Unlink: case Builtin::Monitor: case Builtin::Demonitor:
      if (!checkArity(e.range, "'" + n + "'", e.args.size(), 1)) return fail();
      check(*e.args[0], T.ref(nullptr));
      return T.voidType();
    case Builtin::Neighbors:
      if (!checkArity(e.range, "'neighbors'", e.args.size(), 0)) return fail();
      if (env_.actor && env_.actor->societies.empty())
        cx_.error(Code::E0411, e.range, "'neighbors()' needs a society, but actor '" + env_.actor->name.name +
                                            "' is not a member of any");
      return T.list(T.ref(nullptr));
    case Builtin::Abs: {
      if (!checkArity(e.range, "'abs'", e.args.size(), 1)) return fail();
      const Type* t = infer(*e.args[0]);
      if (!t->isError() && !t->isNumeric() && t->kind != TypeKind::Duration) {
        cx_.error(Code::E0201, e.args[0]->range, "'abs' needs an int, float or duration, found " + q(t));
        return T.error();
      }
      return t;
    }
    case Builtin::Min: case Builtin::Max: {
      if (!checkArity(e.range, "'" + n + "'", e.args.size(), 2)) return fail();
      const Type* a = infer(*e.args[0]);
      const Type* b = check(*e.args[1], a);
      if (a->isError() || b->isError()) return T.error();
      if (!a->isNumeric() && a->kind != TypeKind::Duration && a->kind != TypeKind::String) {
        cx_.error(Code::E0201, e.args[0]->range, "'" + n + "' needs int, float, duration or string values, found " + q(a));
        return T.error();
      }
      return a;
    }
    default:
      return T.error();
  }
}

const Type* ExprChecker::checkConvert(ConvertExpr& e) {
  auto& T = cx_.types();
  const Type* from = infer(*e.arg);
  const Type* to = e.target == TypeKind::Int ? T.intType()
                   : e.target == TypeKind::Float ? T.floatType()
                   : e.target == TypeKind::String ? T.stringType() : T.bytesType();
  if (from->isError()) return to;
  bool ok = false;
  switch (e.target) {
    case TypeKind::Int:
      ok = from->kind == TypeKind::Int || from->kind == TypeKind::Float || from->kind == TypeKind::String ||
           from->kind == TypeKind::Duration || from->kind == TypeKind::Bool;
      break;
    case TypeKind::Float:
      ok = from->kind == TypeKind::Int || from->kind == TypeKind::Float || from->kind == TypeKind::String;
      break;
    case TypeKind::String:
      ok = from->isFormattable() || from->kind == TypeKind::Bytes;
      break;
    default:
      ok = from->kind == TypeKind::String || from->kind == TypeKind::Bytes;
      break;
  }
  if (!ok)
    cx_.error(Code::E0216, e.range, "cannot convert " + q(from) + " to " + q(to))
        .note({}, "see \"Conversions\" in docs/language.md");
  return to;
}

const Type* ExprChecker::checkUnary(UnaryExpr& e) {
  auto& T = cx_.types();
  const Type* t = infer(*e.operand);
  if (t->isError()) return T.error();
  if (e.op == UnaryOp::Not) {
    if (t->kind != TypeKind::Bool) {
      cx_.error(Code::E0203, e.range, "'not' needs a bool operand, found " + q(t));
      return T.error();
    }
    return t;
  }
  if (e.op == UnaryOp::BitNot) {
    if (t->kind != TypeKind::Int) {
      auto d = cx_.error(Code::E0203, e.range, "'~' needs an int operand, found " + q(t));
      if (t->kind == TypeKind::Bool) d.note({}, "'not' negates a bool");
      return T.error();
    }
    return t;
  }
  if (!t->isNumeric() && t->kind != TypeKind::Duration) {
    cx_.error(Code::E0203, e.range, "unary '-' needs an int, float or duration operand, found " + q(t));
    return T.error();
  }
  return t;
}

const Type* ExprChecker::checkBinary(BinaryExpr& e) {
  auto& T = cx_.types();
  const Type* l = infer(*e.lhs);
  // An empty literal on the right takes the left side's type.
  const Type* r = infer(*e.rhs, l->isError() ? nullptr : l);
  if (l->isError() || r->isError()) {
    bool logical = e.op == BinaryOp::And || e.op == BinaryOp::Or;
    bool cmp = e.op >= BinaryOp::Eq && e.op <= BinaryOp::Ge;
    return logical || cmp ? T.boolType() : T.error();
  }
  // `print("a") + 1`: an action has no value to operate on (E0222, as anywhere a value is needed).
  if (l->kind == TypeKind::Void || r->kind == TypeKind::Void) {
    cx_.error(Code::E0222, (l->kind == TypeKind::Void ? e.lhs : e.rhs)->range, "expression has no value (it is an action)");
    return T.error();
  }
  std::string op = spelling(e.op);
  auto invalid = [&]() -> const Type* {
    auto d = cx_.error(Code::E0202, e.opRange.valid() ? e.opRange : e.range,
                       "invalid operands to '" + op + "': " + q(l) + " and " + q(r));
    if (l->isNumeric() && r->isNumeric() && l != r)
      d.note({}, "int and float do not mix; convert one side with float(...) or int(...)");
    else if ((l->kind == TypeKind::String) != (r->kind == TypeKind::String) && e.op == BinaryOp::Add)
      d.note({}, "use interpolation to build strings: \"{...}\"");
    return T.error();
  };
  TypeKind lk = l->kind, rk = r->kind;
  switch (e.op) {
    case BinaryOp::And: case BinaryOp::Or:
      if (lk != TypeKind::Bool || rk != TypeKind::Bool) {
        invalid();
        return T.boolType();
      }
      return T.boolType();
    case BinaryOp::Eq: case BinaryOp::Ne:
      if (lk == TypeKind::Ref && rk == TypeKind::Ref) return T.boolType();
      if (l != r) {
        invalid();
        return T.boolType();
      }
      if (!comparable(l)) {
        cx_.error(Code::E0221, e.opRange, "values of type " + q(l) + " cannot be compared with '" + op + "'")
            .note({}, "==/!= compare int, float, bool, string, bytes, duration and ref values");
      }
      return T.boolType();
    case BinaryOp::Lt: case BinaryOp::Le: case BinaryOp::Gt: case BinaryOp::Ge:
      if (l != r || !(l->isNumeric() || lk == TypeKind::Duration || lk == TypeKind::String)) {
        invalid();
        return T.boolType();
      }
      return T.boolType();
    case BinaryOp::Add:
      if (l == r && (l->isNumeric() || lk == TypeKind::String || lk == TypeKind::Bytes || lk == TypeKind::Duration))
        return l;
      return invalid();
    case BinaryOp::Sub:
      if (l == r && (l->isNumeric() || lk == TypeKind::Duration)) return l;
      return invalid();
    case BinaryOp::Mul:
      if (l == r && l->isNumeric()) return l;
      if (lk == TypeKind::Duration && rk == TypeKind::Int) return l;
      if (lk == TypeKind::Int && rk == TypeKind::Duration) return r;
      return invalid();
    case BinaryOp::Div:
      if (l == r && l->isNumeric()) return l;
      if (lk == TypeKind::Duration && rk == TypeKind::Int) return l;
      return invalid();
    case BinaryOp::Mod:
      if (lk == TypeKind::Int && rk == TypeKind::Int) return l;
      return invalid();
    case BinaryOp::BitAnd: case BinaryOp::BitOr: case BinaryOp::BitXor:
    case BinaryOp::Shl: case BinaryOp::Shr: case BinaryOp::UShr: {
      if (lk != TypeKind::Int || rk != TypeKind::Int) {
        auto d = cx_.error(Code::E0202, e.opRange.valid() ? e.opRange : e.range,
                           "invalid operands to '" + op + "': " + q(l) + " and " + q(r));
        d.note({}, "bit operators take int operands");
        if (lk == TypeKind::Bool && rk == TypeKind::Bool && (e.op == BinaryOp::BitAnd || e.op == BinaryOp::BitOr))
          d.note({}, std::string("for bools, use '") + (e.op == BinaryOp::BitAnd ? "and" : "or") + "'");
        return T.error();
      }
      bool shift = e.op == BinaryOp::Shl || e.op == BinaryOp::Shr || e.op == BinaryOp::UShr;
      if (auto n = shift ? constantInt(*e.rhs) : std::nullopt; n && (*n < 0 || *n > 63))
        cx_.error(Code::E0229, e.rhs->range, "shift count " + std::to_string(*n) + " is out of range")
            .note({}, "an int has 64 bits: the count must be between 0 and 63");
      return l;
    }
  }
  return T.error();
}

// The value of an int expression made of literals and operators only, if it has one (a division
// by zero or an out-of-range shift has none). Arithmetic wraps, as at run time.
std::optional<std::int64_t> ExprChecker::constantInt(const Expr& e) {
  auto wrap = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
  if (e.is<IntLit>()) return e.as<IntLit>().value;
  if (e.is<UnaryExpr>()) {
    const auto& u = e.as<UnaryExpr>();
    auto v = constantInt(*u.operand);
    if (!v || u.op == UnaryOp::Not) return std::nullopt;
    return u.op == UnaryOp::Neg ? wrap(0ull - static_cast<std::uint64_t>(*v)) : ~*v;
  }
  if (!e.is<BinaryExpr>()) return std::nullopt;
  const auto& b = e.as<BinaryExpr>();
  auto l = constantInt(*b.lhs);
  auto r = l ? constantInt(*b.rhs) : std::nullopt;
  if (!r) return std::nullopt;
  std::uint64_t ul = static_cast<std::uint64_t>(*l), ur = static_cast<std::uint64_t>(*r);
  switch (b.op) {
    case BinaryOp::Add: return wrap(ul + ur);
    case BinaryOp::Sub: return wrap(ul - ur);
    case BinaryOp::Mul: return wrap(ul * ur);
    case BinaryOp::Div:
      if (*r == 0) return std::nullopt;
      return *r == -1 ? wrap(0ull - ul) : *l / *r;
    case BinaryOp::Mod:
      if (*r == 0) return std::nullopt;
      return *r == -1 ? 0 : *l % *r;
    case BinaryOp::BitAnd: return *l & *r;
    case BinaryOp::BitOr: return *l | *r;
    case BinaryOp::BitXor: return *l ^ *r;
    case BinaryOp::Shl: if (ur > 63) return std::nullopt; return wrap(ul << ur);
    case BinaryOp::Shr: if (ur > 63) return std::nullopt; return *l >> ur;
    case BinaryOp::UShr: if (ur > 63) return std::nullopt; return wrap(ul >> ur);
    default: return std::nullopt;
  }
}

// The same for a duration: `-1s`, `1s - 1s`, `2 * 500ms`, `1s / 4`. Wraps as at run time.
std::optional<std::int64_t> ExprChecker::constantDuration(const Expr& e) {
  auto wrap = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
  if (e.is<DurationLit>()) return e.as<DurationLit>().millis;
  if (e.is<UnaryExpr>()) {
    const auto& u = e.as<UnaryExpr>();
    auto v = u.op == UnaryOp::Neg ? constantDuration(*u.operand) : std::nullopt;
    if (!v) return std::nullopt;
    return wrap(0ull - static_cast<std::uint64_t>(*v));
  }
  if (!e.is<BinaryExpr>()) return std::nullopt;
  const auto& b = e.as<BinaryExpr>();
  switch (b.op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      auto l = constantDuration(*b.lhs);
      auto r = l ? constantDuration(*b.rhs) : std::nullopt;
      if (!r) return std::nullopt;
      const auto ul = static_cast<std::uint64_t>(*l), ur = static_cast<std::uint64_t>(*r);
      return wrap(b.op == BinaryOp::Add ? ul + ur : ul - ur);
    }
    case BinaryOp::Mul: {
      auto d = constantDuration(*b.lhs);
      auto n = d ? constantInt(*b.rhs) : std::nullopt;
      if (!d) {
        d = constantDuration(*b.rhs);
        n = d ? constantInt(*b.lhs) : std::nullopt;
      }
      if (!d || !n) return std::nullopt;
      return wrap(static_cast<std::uint64_t>(*d) * static_cast<std::uint64_t>(*n));
    }
    case BinaryOp::Div: {
      auto d = constantDuration(*b.lhs);
      auto n = d ? constantInt(*b.rhs) : std::nullopt;
      if (!n || *n == 0) return std::nullopt;
      return *n == -1 ? wrap(0ull - static_cast<std::uint64_t>(*d)) : *d / *n;
    }
    default: return std::nullopt;
  }
}

const Type* ExprChecker::checkMessageLit(MessageLit& e) {
  auto& T = cx_.types();
  auto it = cx_.program.messages.find(e.typeName.name);
  if (it == cx_.program.messages.end()) {
    for (auto& fi : e.inits) infer(*fi.value);
    if (cx_.redeclared.count(e.typeName.name)) return T.error();
    std::vector<std::string> names;
    for (auto& [n, m] : cx_.program.messages) names.push_back(n);
    auto d = cx_.error(Code::E0108, e.typeName.range, "unknown message '" + e.typeName.name + "'");
    if (auto s = closestName(e.typeName.name, names); !s.empty()) d.note({}, "did you mean '" + s + "'?");
    else if (cx_.program.actors.count(e.typeName.name)) d.note({}, "'" + e.typeName.name + "' is an actor; start one with 'spawn " + e.typeName.name + "(...)'");
    return T.error();
  }
  const MessageDecl* m = it->second;
  e.decl = m;
  e.byField.assign(m->fields.size(), nullptr);
  std::map<std::string, diag::SourceRange> seen;
  for (auto& fi : e.inits) {
    const FieldDecl* f = m->findField(fi.name.name);
    if (!f) {
      infer(*fi.value);
      std::vector<std::string> names;
      for (auto& fd : m->fields) names.push_back(fd.name.name);
      auto d = cx_.error(Code::E0110, fi.name.range, "message '" + m->name.name + "' has no field '" + fi.name.name + "'");
      if (auto s = closestName(fi.name.name, names); !s.empty()) d.note({}, "did you mean '" + s + "'?");
      d.note(m->name.range, "'" + m->name.name + "' is declared here");
      continue;
    }
    auto [sit, fresh] = seen.emplace(fi.name.name, fi.name.range);
    if (!fresh) {
      infer(*fi.value);
      cx_.error(Code::E0218, fi.name.range, "field '" + fi.name.name + "' is given twice")
          .note(sit->second, "first given here");
      continue;
    }
    fi.decl = f;
    check(*fi.value, f->type);
    e.byField[f->index] = fi.value.get();
  }
  return T.message(m);
}

const Type* ExprChecker::checkListLit(ListLit& e, const Type* hint) {
  auto& T = cx_.types();
  const Type* elem = nullptr;
  if (e.elemType) elem = resolveTypeNode(cx_, *e.elemType);
  else if (hint && hint->kind == TypeKind::List) elem = hint->elem;
  if (!elem) {
    if (e.elems.empty()) {
      if (hint && hint->isError()) return T.error();  // the declared type was already reported
      cx_.error(Code::E0204, e.range, "cannot infer the element type of an empty list")
          .note({}, "write list<T>[] or give the variable a type: 'var xs: list<int> = []'");
      return T.error();
    }
    elem = infer(*e.elems[0]);
    if (elem->kind == TypeKind::Void) {
      cx_.error(Code::E0222, e.elems[0]->range, "expression has no value");
      elem = T.error();
    }
    for (std::size_t i = 1; i < e.elems.size(); ++i) check(*e.elems[i], elem);
  } else {
    for (auto& x : e.elems) check(*x, elem);
  }
  return elem->isError() ? T.error() : T.list(elem);
}

const Type* ExprChecker::checkMapLit(MapLit& e, const Type* hint) {
  auto& T = cx_.types();
  const Type* k = nullptr;
  const Type* v = nullptr;
  if (e.keyType && e.valueType) {
    k = resolveTypeNode(cx_, *e.keyType);
    v = resolveTypeNode(cx_, *e.valueType);
  } else if (hint && hint->kind == TypeKind::Map) {
    k = hint->key;
    v = hint->elem;
  }
  if (!k) {
    if (e.entries.empty()) {
      if (hint && hint->isError()) return T.error();  // the declared type was already reported
      cx_.error(Code::E0204, e.range, "cannot infer the key and value types of an empty map")
          .note({}, "write map<K, V>{} or give the variable a type: 'var m: map<string, int> = {}'");
      return T.error();
    }
    k = infer(*e.entries[0].key);
    v = infer(*e.entries[0].value);
    if (!k->isError() && !k->isMapKey()) {
      cx_.error(Code::E0213, e.entries[0].key->range, q(k) + " cannot be a map key")
          .note({}, "map keys are int, string, bool or duration");
      k = T.error();
    }
    for (std::size_t i = 1; i < e.entries.size(); ++i) {
      check(*e.entries[i].key, k);
      check(*e.entries[i].value, v);
    }
  } else {
    for (auto& en : e.entries) {
      check(*en.key, k);
      check(*en.value, v);
    }
  }
  if (k->isError() || v->isError()) return T.error();
  return T.map(k, v);
}

void ExprChecker::checkStartArgs(StartArgs& s, bool allowMissing) {
  auto& p = cx_.program;
  const std::string& n = s.target.name;
  if (s.targetKind == TargetKind::Unresolved && !n.empty()) {
    if (auto a = p.actors.find(n); a != p.actors.end()) {
      s.targetKind = TargetKind::Actor;
      s.actor = a->second;
    } else if (auto su = p.supervisors.find(n); su != p.supervisors.end()) {
      s.targetKind = TargetKind::Supervisor;
      s.supervisor = su->second;
    } else if (auto so = p.societies.find(n); so != p.societies.end()) {
      s.targetKind = TargetKind::Society;
      s.society = so->second;
    } else if (!cx_.redeclared.count(n) && p.messages.count(n)) {
      cx_.error(Code::E0109, s.target.range, "'" + n + "' is a message, not an actor, supervisor or society")
          .note({}, "only actors, supervisors and societies are started (a message is sent: 'send TARGET " + n + " { ... }')");
    } else if (!cx_.redeclared.count(n)) {
      std::vector<std::string> names;
      for (auto& [k, v] : p.actors) names.push_back(k);
      for (auto& [k, v] : p.supervisors) names.push_back(k);
      for (auto& [k, v] : p.societies) names.push_back(k);
      auto d = cx_.error(Code::E0109, s.target.range, "unknown actor, supervisor or society '" + n + "'");
      if (auto c = closestName(n, names); !c.empty()) d.note({}, "did you mean '" + c + "'?");
    }
  }
  if (s.targetKind != TargetKind::Actor) {
    if (s.targetKind != TargetKind::Unresolved && !s.args.empty())
      cx_.error(Code::E0310, s.argsRange, std::string("a ") +
                    (s.targetKind == TargetKind::Supervisor ? "supervisor" : "society") +
                    " takes no arguments")
          .note({}, "only actors have parameters");
    for (auto& a : s.args) infer(*a.value);
    return;
  }
  const ActorDecl* actor = s.actor;
  s.byParam.assign(actor->params.size(), nullptr);
  std::map<std::string, diag::SourceRange> seen;
  for (auto& a : s.args) {
    const ParamDecl* pd = actor->findParam(a.name.name);
    if (!pd) {
      infer(*a.value);
      std::vector<std::string> names;
      for (auto& pp : actor->params) names.push_back(pp->name.name);
      auto d = cx_.error(Code::E0117, a.name.range, "actor '" + actor->name.name + "' has no parameter '" + a.name.name + "'");
      if (auto c = closestName(a.name.name, names); !c.empty()) d.note({}, "did you mean '" + c + "'?");
      d.note(actor->name.range, "'" + actor->name.name + "' is declared here");
      continue;
    }
    auto [it, fresh] = seen.emplace(a.name.name, a.name.range);
    if (!fresh) {
      infer(*a.value);
      cx_.error(Code::E0119, a.name.range, "argument '" + a.name.name + "' is given twice")
          .note(it->second, "first given here");
      continue;
    }
    a.param = pd;
    check(*a.value, pd->type);
    s.byParam[pd->index] = a.value.get();
  }
  if (allowMissing) return;
  std::vector<std::string> missing;
  for (auto& pd : actor->params)
    if (!s.byParam[pd->index] && !pd->defaultValue) missing.push_back(pd->name.name);
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size(); ++i) list += (i ? ", '" : "'") + missing[i] + "'";
    auto d = cx_.error(Code::E0118, s.hasArgList ? s.argsRange : s.target.range,
                       "missing argument" + std::string(missing.size() > 1 ? "s " : " ") + list +
                           " for actor '" + actor->name.name + "'");
    d.note(actor->findParam(missing[0])->name.range, "parameter '" + missing[0] + "' is declared here");
  }
}

const Type* ExprChecker::checkSpawn(SpawnExpr& e) {
  auto& T = cx_.types();
  if (!requireHandler(e.range, "'spawn'")) {
    for (auto& a : e.start.args) infer(*a.value);
    return T.error();
  }
  auto& p = cx_.program;
  // spawn pool(...) for a simple_one_for_one supervisor: arguments complete its template child.
  if (auto su = p.supervisors.find(e.start.target.name); su != p.supervisors.end()) {
    const SupervisorDecl* sup = su->second;
    if (sup->strategy != Strategy::SimpleOneForOne || sup->children.size() != 1) {
      for (auto& a : e.start.args) infer(*a.value);
      cx_.error(Code::E0120, e.start.target.range, "cannot spawn supervisor '" + sup->name.name + "'")
          .note(sup->name.range, "only simple_one_for_one supervisors (with one template child) can be spawned into");
      return T.error();
    }
    const ChildSpec* tmpl = sup->children[0].get();
    if (tmpl->start.targetKind != TargetKind::Actor) {
      for (auto& a : e.start.args) infer(*a.value);
      return T.error();  // reported at the template
    }
    e.poolTemplate = tmpl;
    e.start.targetKind = TargetKind::Actor;
    e.start.actor = tmpl->start.actor;
    e.start.supervisor = sup;
    checkStartArgs(e.start, true);
    // Parameters neither in the template nor here nor defaulted.
    std::vector<std::string> missing;
    for (auto& pd : tmpl->start.actor->params)
      if (!e.start.byParam[pd->index] && (tmpl->start.byParam.size() <= pd->index || !tmpl->start.byParam[pd->index]) &&
          !pd->defaultValue)
        missing.push_back(pd->name.name);
    if (!missing.empty())
      cx_.error(Code::E0118, e.start.hasArgList ? e.start.argsRange : e.start.target.range,
                "missing argument '" + missing[0] + "' for actor '" + tmpl->start.actor->name.name + "'")
          .note(tmpl->range, "not given by the template child either");
    cx_.poolSpawns.push_back(&e);
    return T.ref(tmpl->start.actor);
  }
  if (p.societies.count(e.start.target.name)) {
    for (auto& a : e.start.args) infer(*a.value);
    cx_.error(Code::E0120, e.start.target.range, "cannot spawn society '" + e.start.target.name + "'")
        .note({}, "societies are started as children of a supervisor or by 'main'");
    return T.error();
  }
  checkStartArgs(e.start, false);
  if (e.start.targetKind != TargetKind::Actor) return T.error();
  return T.ref(e.start.actor);
}

const Type* ExprChecker::inferImpl(Expr& e, const Type* hint) {
  auto& T = cx_.types();
  bool constOnly = env_.kind == EnvKind::ParamDefault || env_.kind == EnvKind::TimerInterval;
  switch (e.kind) {
    case ExprKind::IntLit: return T.intType();
    case ExprKind::FloatLit: return T.floatType();
    case ExprKind::BoolLit: return T.boolType();
    case ExprKind::DurationLit: return T.durationType();
    case ExprKind::StringLit: return checkString(e.as<StringLit>());
    case ExprKind::Name: return checkName(e.as<NameExpr>());
    case ExprKind::Self:
      if (!env_.actor) {
        cx_.error(Code::E0227, e.range, "'self' can only be used inside an actor");
        return T.error();
      }
      if (constOnly) constantViolation(e.range, "'self'");
      return T.ref(env_.actor);
    case ExprKind::Sender:
      if (env_.kind != EnvKind::Handler || !env_.handler || env_.handler->kind != HandlerKind::Message) {
        cx_.error(Code::E0502, e.range, "'sender' can only be used in a message handler ('on Message(...)')")
            .note({}, "it is the sender of the message being handled; keep it in a state to use it later");
        return T.error();
      }
      return T.ref(nullptr);
    case ExprKind::Field: return checkField(e.as<FieldExpr>());
    case ExprKind::Index: return checkIndex(e.as<IndexExpr>());
    case ExprKind::MethodCall: return checkMethod(e.as<MethodCallExpr>());
    case ExprKind::Call: return checkCall(e.as<CallExpr>());
    case ExprKind::Convert: return checkConvert(e.as<ConvertExpr>());
    case ExprKind::Unary: return checkUnary(e.as<UnaryExpr>());
    case ExprKind::Binary: return checkBinary(e.as<BinaryExpr>());
    case ExprKind::MessageLit: return checkMessageLit(e.as<MessageLit>());
    case ExprKind::ListLit: return checkListLit(e.as<ListLit>(), hint);
    case ExprKind::MapLit: return checkMapLit(e.as<MapLit>(), hint);
    case ExprKind::Spawn: return checkSpawn(e.as<SpawnExpr>());
    case ExprKind::Config: return checkConfigRead(e.as<ConfigExpr>());
  }
  return T.error();
}

// `config.a.b`: a declared setting (E0804 otherwise), read in handlers and state initializers.
const Type* ExprChecker::checkConfigRead(ConfigExpr& e) {
  for (const ConfigSetting* s : cx_.program.config)
    if (s->path == e.path) {
      e.setting = s;
      if (env_.kind != EnvKind::Handler && env_.kind != EnvKind::StateInit)
        constantViolation(e.range, "'config." + e.path + "'");
      return s->valueType;
    }
  // A setting that failed its own checks is not listed: no second error for its uses.
  for (auto& m : cx_.program.modules)
    for (auto& s : m->config)
      if (s->path == e.path) return cx_.types().error();
  std::vector<std::string> paths;
  for (const ConfigSetting* s : cx_.program.config) paths.push_back(s->path);
  auto d = cx_.error(Code::E0804, e.pathRange.valid() ? e.pathRange : e.range,
                     "unknown config setting '" + e.path + "'");
  // `config.app` where app.rate and app.mode are declared: a group is no value; name a setting.
  std::string inGroup;
  for (const std::string& p : paths)
    if (p.size() > e.path.size() && p.compare(0, e.path.size(), e.path) == 0 && p[e.path.size()] == '.')
      inGroup += (inGroup.empty() ? "'" : ", '") + p + "'";
  if (!inGroup.empty()) d.note({}, "'" + e.path + "' is a group of settings, not a setting: read one of " + inGroup);
  else if (auto c = closestName(e.path, paths); !c.empty()) d.note({}, "did you mean '" + c + "'?");
  else if (paths.empty()) d.note({}, "settings are declared in a 'config { ... }' block");
  return cx_.types().error();
}

bool ExprChecker::requireMutablePlace(const Expr& e, const char* what) {
  if (e.type && e.type->isError()) return false;
  switch (e.kind) {
    case ExprKind::Name: {
      auto& n = e.as<NameExpr>();
      switch (n.ref) {
        case NameRef::Local:
          if (n.local->isMutable) return true;
          cx_.error(Code::E0209, e.range, std::string("cannot ") + what + " '" + n.name.name + "': it is immutable")
              .note(n.local->name.range,
                    n.local->origin == LocalVar::Origin::Let
                        ? "declared here; use 'var' for a variable that changes"
                        : n.local->origin == LocalVar::Origin::For
                              ? "a 'for' variable is immutable; copy it into a 'var' to change it"
                              : "a handler's binding is immutable; copy it into a 'var' to change it");
          return false;
        case NameRef::State:
          return true;
        case NameRef::Param:
          cx_.error(Code::E0209, e.range, std::string("cannot ") + what + " parameter '" + n.name.name + "'")
              .note(n.param->name.range, "parameters are immutable; copy it into a 'state'");
          return false;
        case NameRef::Unresolved:
          return false;
        default:
          cx_.error(Code::E0209, e.range, std::string("cannot ") + what + " '" + n.name.name + "'");
          return false;
      }
    }
    case ExprKind::Field:
      return requireMutablePlace(*e.as<FieldExpr>().base, what);
    case ExprKind::Index:
      return requireMutablePlace(*e.as<IndexExpr>().base, what);
    default:
      cx_.error(Code::E0210, e.range, std::string("cannot ") + what + " this expression")
          .note({}, "only variables, states, and their fields and elements can be changed");
      return false;
  }
}

}  // namespace fnd::sema
