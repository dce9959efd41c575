// Expressions. Every compound expression is parenthesized, so operands never need precedence
// analysis; topExpr() drops the outermost pair at statement level.
#include <algorithm>
#include <cctype>

#include "ast/expr_walk.hpp"
#include "backends/cpp/gen.hpp"

namespace fnd::backend::cpp {

using ast::anySubexpr;

using namespace ast;

namespace {
bool isInt(const Type* t) { return t && t->kind == TypeKind::Int; }
bool isFloat(const Type* t) { return t && t->kind == TypeKind::Float; }
bool isKind(const Type* t, TypeKind k) { return t && t->kind == k; }

std::string join(const std::vector<std::string>& parts, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// Drops one pair of parentheses enclosing the whole string.
std::string unparen(std::string s) {
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return s;
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    else if (s[i] == ')' && --depth == 0 && i + 1 != s.size()) return s;
  }
  return s.substr(1, s.size() - 2);
}

bool isConstant(const Expr* e) {
  if (!e) return true;
  switch (e->kind) {
    case ExprKind::IntLit: case ExprKind::FloatLit: case ExprKind::BoolLit: case ExprKind::DurationLit: return true;
    case ExprKind::StringLit:
      for (const auto& p : e->as<StringLit>().parts)
        if (p.expr) return false;
      return true;
    default: return false;
  }
}

// Whether evaluating `e` changes anything another operand could observe: mutating methods,
// spawn, and the built-ins that act (print, link, ...).
bool hasEffects(const Expr* e) {
  return anySubexpr(e, [](const Expr* x) {
    if (isMutatingMethodCall(x) || x->kind == ExprKind::Spawn) return true;
    if (x->kind != ExprKind::Call) return false;
    const Builtin b = x->as<CallExpr>().builtin;
    return b != Builtin::Abs && b != Builtin::Min && b != Builtin::Max && b != Builtin::Neighbors;
  });
}

// The variable a name or field chain reads (`x`, `x.f.g`), or nullptr for other expressions.
const void* variableOf(const Expr* e) {
  while (e && e->is<FieldExpr>()) e = e->as<FieldExpr>().base.get();
  if (!e || !e->is<NameExpr>()) return nullptr;
  const auto& n = e->as<NameExpr>();
  if (n.ref == NameRef::Local) return n.local;
  if (n.ref == NameRef::State) return n.state;
  if (n.ref == NameRef::Param) return n.param;
  return nullptr;
}

// Whether `e` calls a mutating method on a place rooted at variable `v`.
bool mutatesVariable(const Expr* e, const void* v) {
  return anySubexpr(e, [v](const Expr* x) {
    if (!isMutatingMethodCall(x)) return false;
    const Expr* root = x->as<MethodCallExpr>().base.get();
    while (root && (root->is<FieldExpr>() || root->is<IndexExpr>()))
      root = root->is<FieldExpr>() ? root->as<FieldExpr>().base.get() : root->as<IndexExpr>().base.get();
    return variableOf(root) == v;
  });
}

// `result`, evaluated after the hoisted temporaries' declarations (if any).
std::string inOrder(const std::string& decls, const std::string& result) {
  if (decls.empty()) return result;
  return "[&] { " + decls + "return " + unparen(result) + "; }()";
}
}  // namespace

// C++ leaves the order of function arguments and most operands unspecified (braced-init-lists are
// the exception). Order can only be observed when an operand has effects and another operand is
// not a constant; then every operand up to the last one with effects is evaluated into a
// temporary, in source order. Side-effect-free expressions keep their direct code.
std::string Gen::hoist(const std::vector<const Expr*>& ops, std::vector<std::string>& code) {
  std::size_t last = ops.size(), nonConstant = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (hasEffects(ops[i])) last = i;
    if (!isConstant(ops[i])) ++nonConstant;
  }
  if (last == ops.size() || nonConstant < 2) return "";
  std::string decls;
  for (std::size_t i = 0; i <= last; ++i) {
    if (isConstant(ops[i])) continue;
    // A variable read that no later operand modifies keeps its place (no copy of a string or map).
    if (const void* v = variableOf(ops[i])) {
      bool modified = false;
      for (std::size_t k = i + 1; k < ops.size() && !modified; ++k) modified = mutatesVariable(ops[k], v);
      if (!modified) continue;
    }
    std::string t = temp("o");
    decls += "auto " + t + " = " + unparen(code[i]) + "; ";
    code[i] = t;
  }
  return decls;
}

std::string Gen::temp(std::string_view base) { return "fnd_" + std::string(base) + "_" + std::to_string(++temps_); }

std::string Gen::local(const LocalVar* v) const {
  std::string s = ident(v->name.name);
  if (s.ends_with('_') && s == v->name.name) s += 'v';  // never a member's name (members end in `_`)
  // A capitalized local (`let Wrap = 5`) would hide the message or actor of that name in C++.
  else if (!s.empty() && std::isupper(static_cast<unsigned char>(s[0]))) s += "_lv";
  return s;
}

std::string Gen::topExpr(const Expr& e) { return unparen(expr(e)); }

namespace {
bool hasNul(const std::string& text) { return text.find('\0') != std::string::npos; }

// A string literal's text as a std::string; with its length when it holds a NUL ("\0"), which would
// end the char array the constructor reads.
std::string stringLiteral(const std::string& text) {
  return "std::string(" + quote(text) + (hasNul(text) ? ", " + std::to_string(text.size()) : std::string()) + ")";
}
}  // namespace

std::string Gen::formatted(const Expr& e) {
  if (e.is<StringLit>()) {
    const auto& s = e.as<StringLit>();
    if (s.parts.size() == 1 && !s.parts[0].expr) return stringLiteral(s.parts[0].text);
  }
  if (isKind(e.type, TypeKind::String)) return topExpr(e);
  return "fnd::lang::fmt(" + topExpr(e) + ")";
}

std::string Gen::name(const NameExpr& n) {
  switch (n.ref) {
    case NameRef::Local: return local(n.local);
    case NameRef::Param: return ident(n.param->name.name) + "_";
    case NameRef::State: return ident(n.state->name.name) + "_";
    case NameRef::Role: {
      if (scope_.kind == Scope::Society && scope_.society) {
        const RoleDecl* role = scope_.society->findRole(n.name.name);
        return "fnd::lang::role_refs(" + scope_.instanceName + ", " + quote(n.name.name) + ", " +
               std::to_string(role ? role->count : 0) + ")";
      }
      return "fnd::lang::role_members(*this, " + quote(n.name.name) + ")";
    }
    case NameRef::Child: return "fnd::child_ref(" + scope_.instanceName + ", " + quote(n.name.name) + ")";
    case NameRef::Unresolved: break;
  }
  return "/* unresolved " + n.name.name + " */";
}

std::string Gen::expr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::IntLit: return intLiteral(e.as<IntLit>().value, e.as<IntLit>().hex);
    case ExprKind::FloatLit: return floatLiteral(e.as<FloatLit>().value);
    case ExprKind::BoolLit: return e.as<BoolLit>().value ? "true" : "false";
    case ExprKind::DurationLit: return durationLiteral(e.as<DurationLit>().millis);
    case ExprKind::StringLit: {
      const auto& s = e.as<StringLit>();
      if (s.parts.size() == 1 && !s.parts[0].expr) return stringLiteral(s.parts[0].text);
      if (s.parts.empty()) return "std::string()";
      std::vector<std::string> parts;
      std::vector<const Expr*> ops;
      for (const auto& p : s.parts) {
        parts.push_back(p.expr            ? topExpr(*p.expr)
                        : hasNul(p.text) ? "std::string_view(" + quote(p.text) + ", " + std::to_string(p.text.size()) + ")"
                                         : quote(p.text));
        ops.push_back(p.expr.get());
      }
      std::string decls = hoist(ops, parts);
      return inOrder(decls, "fnd::lang::cat(" + join(parts) + ")");
    }
    case ExprKind::Name: return name(e.as<NameExpr>());
    case ExprKind::Self: return "fnd::lang::self_ref(*this)";
    case ExprKind::Sender: return "fnd::lang::sender_ref(*this)";
    case ExprKind::Field: {
      const auto& f = e.as<FieldExpr>();
      return expr(*f.base) + "." + ident(f.field.name);
    }
    case ExprKind::Index: {
      const auto& i = e.as<IndexExpr>();
      std::vector<std::string> code{topExpr(*i.base), topExpr(*i.index)};
      std::string decls = hoist({i.base.get(), i.index.get()}, code);
      return inOrder(decls, "fnd::lang::at(" + code[0] + ", " + code[1] + ")");
    }
    case ExprKind::MethodCall: return method(e.as<MethodCallExpr>());
    case ExprKind::Call: return call(e.as<CallExpr>());
    case ExprKind::Convert: return convert(e.as<ConvertExpr>());
    case ExprKind::Unary: {
      const auto& u = e.as<UnaryExpr>();
      return std::string("(") + (u.op == UnaryOp::Neg ? "-" : u.op == UnaryOp::Not ? "!" : "~") + expr(*u.operand) + ")";
    }
    case ExprKind::Binary: return binary(e.as<BinaryExpr>());
    case ExprKind::MessageLit: {
      const auto& m = e.as<MessageLit>();
      // Designated initializers are evaluated in order: the fields' declaration order.
      std::vector<std::string> inits;
      for (std::size_t i = 0; i < m.decl->fields.size() && i < m.byField.size(); ++i)
        if (m.byField[i]) inits.push_back("." + ident(m.decl->fields[i].name.name) + " = " + topExpr(*m.byField[i]));
      return messageName(*m.decl) + "{" + join(inits) + "}";
    }
    case ExprKind::ListLit: {
      const auto& l = e.as<ListLit>();
      std::vector<std::string> elems;
      for (const auto& x : l.elems) elems.push_back(topExpr(*x));
      return type(e.type) + "{" + join(elems) + "}";
    }
    case ExprKind::MapLit: {
      const auto& m = e.as<MapLit>();
      std::vector<std::string> entries;
      for (const auto& kv : m.entries) entries.push_back("{" + topExpr(*kv.key) + ", " + topExpr(*kv.value) + "}");
      return type(e.type) + "{" + join(entries) + "}";
    }
    case ExprKind::Spawn: return spawn(e.as<SpawnExpr>());
    case ExprKind::Config: return configRead(e.as<ConfigExpr>());
  }
  return "/* unknown expression */";
}

std::string Gen::binary(const BinaryExpr& b) {
  std::vector<std::string> code{expr(*b.lhs), expr(*b.rhs)};
  // `and`/`or` short-circuit: C++'s && and || already evaluate the left operand first.
  std::string decls =
      b.op == BinaryOp::And || b.op == BinaryOp::Or ? std::string() : hoist({b.lhs.get(), b.rhs.get()}, code);
  std::string result = binaryCode(b, code[0], code[1]);
  return inOrder(decls, result);
}

std::string Gen::binaryCode(const BinaryExpr& b, const std::string& l, const std::string& r) {
  const Type* lt = b.lhs->type;
  const Type* rt = b.rhs->type;
  auto op = [&](const char* o) { return "(" + l + " " + o + " " + r + ")"; };
  switch (b.op) {
    case BinaryOp::Add:
      if (isKind(lt, TypeKind::List) || isKind(lt, TypeKind::Bytes))
        return "fnd::lang::concat(" + unparen(l) + ", " + unparen(r) + ")";
      return op("+");
    case BinaryOp::Sub: return op("-");
    case BinaryOp::Mul:
      // float * duration and duration * float scale the duration (rounded toward zero)
      if (isKind(lt, TypeKind::Duration) && isFloat(rt))
        return "fnd::lang::Duration(fnd::lang::to_int(fnd::lang::to_float(" + unparen(l) + ") * " + r + "))";
      if (isFloat(lt) && isKind(rt, TypeKind::Duration))
        return "fnd::lang::Duration(fnd::lang::to_int(" + l + " * fnd::lang::to_float(" + unparen(r) + ")))";
      return op("*");
    case BinaryOp::Div:
      if (isFloat(lt) && isFloat(rt)) return op("/");
      return "fnd::lang::div(" + unparen(l) + ", " + unparen(r) + ")";
    case BinaryOp::Mod:
      if (isInt(lt) || isFloat(lt)) return "fnd::lang::mod(" + unparen(l) + ", " + unparen(r) + ")";
      return "fnd::lang::Duration(fnd::lang::mod(fnd::lang::to_int(" + unparen(l) + "), fnd::lang::to_int(" + unparen(r) + ")))";
    case BinaryOp::Eq: case BinaryOp::Ne:
      // A child's name ref and a pid ref are equal when the name currently names that process.
      // Outside actors (start sites) refs are names only, and plain == is exact.
      if (isKind(lt, TypeKind::Ref) && isKind(rt, TypeKind::Ref) && scope_.kind == Scope::Actor)
        return std::string(b.op == BinaryOp::Ne ? "(!" : "(") + "fnd::lang::same_ref(*this, " + unparen(l) + ", " +
               unparen(r) + "))";
      return op(b.op == BinaryOp::Eq ? "==" : "!=");
    case BinaryOp::Lt: return op("<");
    case BinaryOp::Le: return op("<=");
    case BinaryOp::Gt: return op(">");
    case BinaryOp::Ge: return op(">=");
    case BinaryOp::And: return op("&&");
    case BinaryOp::Or: return op("||");
    case BinaryOp::BitAnd: return op("&");
    case BinaryOp::BitOr: return op("|");
    case BinaryOp::BitXor: return op("^");
    case BinaryOp::Shl: case BinaryOp::Shr: case BinaryOp::UShr: {
      // A literal count is in 0..63 (sema rejects others): C++20 defines << on signed values as
      // wrapping and >> as arithmetic. Other counts go through the checked helpers.
      bool literal = b.rhs->is<IntLit>();
      if (b.op == BinaryOp::Shl)
        return literal ? op("<<") : "fnd::lang::shl(" + unparen(l) + ", " + unparen(r) + ")";
      if (b.op == BinaryOp::Shr)
        return literal ? op(">>") : "fnd::lang::shr(" + unparen(l) + ", " + unparen(r) + ")";
      return literal ? "static_cast<std::int64_t>(static_cast<std::uint64_t>(" + unparen(l) + ") >> " + r + ")"
                     : "fnd::lang::ushr(" + unparen(l) + ", " + unparen(r) + ")";
    }
  }
  return op("?");
}

std::string Gen::method(const MethodCallExpr& m) {
  const bool mutating = ast::isMutatingMethodCall(&m);
  // A mutating method's base is a place (an lvalue), not a value: only its arguments are hoisted.
  std::vector<std::string> code;
  std::vector<const Expr*> ops;
  if (!mutating) {
    code.push_back(topExpr(*m.base));
    ops.push_back(m.base.get());
  }
  for (const auto& a : m.args) {
    code.push_back(topExpr(*a));
    ops.push_back(a.get());
  }
  std::string decls = hoist(ops, code);
  // A method that changes its receiver takes a reference to the place first (C++17 sequences the
  // object before the arguments): an argument with effects could remove or move that element
  // (`ll[1].push(ll.pop()[0])`), so such arguments are evaluated before the place, as
  // --target=llvm does.
  if (mutating && decls.empty())
    for (std::size_t i = 0; i < m.args.size(); ++i)
      if (hasEffects(m.args[i].get())) {
        std::string t = temp("a");
        decls += "auto " + t + " = " + unparen(code[i]) + "; ";
        code[i] = t;
      }
  std::string base = mutating ? std::string() : code[0];
  std::vector<std::string> args(code.begin() + (mutating ? 0 : 1), code.end());
  return inOrder(decls, methodCode(m, base, args));
}

std::string Gen::methodCode(const MethodCallExpr& m, const std::string& base, const std::vector<std::string>& args) {
  auto arg = [&](std::size_t i) { return i < args.size() ? args[i] : std::string("/* missing */"); };
  // Mutating methods need an lvalue base: place() gives one (list elements are checked).
  switch (m.resolved) {
    case Method::Len: return "fnd::lang::len(" + base + ")";
    case Method::IsEmpty: return base + ".empty()";
    case Method::Push: return place(*m.base) + ".push_back(" + arg(0) + ")";
    case Method::Pop: return "fnd::lang::pop(" + place(*m.base) + ")";
    case Method::Contains:
      if (isKind(m.args.empty() ? nullptr : m.args[0]->type, TypeKind::Ref) && scope_.kind == Scope::Actor)
        return "fnd::lang::contains_ref(*this, " + base + ", " + arg(0) + ")";  // == on refs: same_ref
      return "fnd::lang::contains(" + base + ", " + arg(0) + ")";
    case Method::Clear: return place(*m.base) + ".clear()";
    case Method::Get: return "fnd::lang::get_or(" + base + ", " + arg(0) + ", " + arg(1) + ")";
    case Method::Remove: return place(*m.base) + ".erase(" + arg(0) + ")";
    case Method::Keys: return "fnd::lang::keys(" + base + ")";
    case Method::Values: return "fnd::lang::values(" + base + ")";
    case Method::StartsWith: return base + ".starts_with(" + arg(0) + ")";
    case Method::EndsWith: return base + ".ends_with(" + arg(0) + ")";
    case Method::Split: return "fnd::lang::split(" + base + ", " + arg(0) + ")";
    case Method::Unresolved: break;
  }
  return "/* unresolved method " + m.method.name + " */";
}

std::string Gen::call(const CallExpr& c) {
  std::vector<std::string> args;
  std::vector<const Expr*> ops;
  for (const auto& a : c.args) {
    args.push_back(topExpr(*a));
    ops.push_back(a.get());
  }
  std::string decls = hoist(ops, args);
  auto arg = [&](std::size_t i) { return i < args.size() ? args[i] : std::string("/* missing */"); };
  switch (c.builtin) {
    case Builtin::Print: return "fnd::lang::print(" + (c.args.empty() ? std::string("\"\"") : formatted(*c.args[0])) + ")";
    case Builtin::Crash: return "this->crash(" + (c.args.empty() ? std::string("\"crash\"") : formatted(*c.args[0])) + ")";
    case Builtin::Shutdown: return "fnd::lang::shutdown(*this, " + arg(0) + ")";
    case Builtin::Link: return "fnd::lang::link(*this, " + arg(0) + ")";
    case Builtin::Unlink: return "fnd::lang::unlink(*this, " + arg(0) + ")";
    case Builtin::Monitor: return "fnd::lang::monitor(*this, " + arg(0) + ")";
    case Builtin::Demonitor: return "fnd::lang::demonitor(*this, " + arg(0) + ")";
    case Builtin::Neighbors: return "fnd::lang::neighbors(*this)";
    case Builtin::Abs: return "fnd::lang::abs(" + arg(0) + ")";
    case Builtin::Min: return inOrder(decls, "std::min<" + type(c.type) + ">(" + arg(0) + ", " + arg(1) + ")");
    case Builtin::Max: return inOrder(decls, "std::max<" + type(c.type) + ">(" + arg(0) + ", " + arg(1) + ")");
    case Builtin::Unresolved: break;
  }
  return "/* unresolved call " + c.callee.name + " */";
}

std::string Gen::convert(const ConvertExpr& c) {
  std::string a = topExpr(*c.arg);
  switch (c.target) {
    case TypeKind::Int: return "fnd::lang::to_int(" + a + ")";
    case TypeKind::Float: return "fnd::lang::to_float(" + a + ")";
    case TypeKind::String: return "fnd::lang::to_string(" + a + ")";
    case TypeKind::Bytes: return "fnd::lang::to_bytes(" + a + ")";
    default: break;
  }
  return a;
}

std::string Gen::place(const Expr& e) {
  // Reads use fnd::lang::at (const: a shared list is never copied to be read); a place's index
  // steps use at_mut, which makes a shared list's storage exclusive before it is written.
  if (e.is<IndexExpr>()) {
    const auto& i = e.as<IndexExpr>();
    return "fnd::lang::at_mut(" + place(*i.base) + ", " + topExpr(*i.index) + ")";
  }
  if (e.is<FieldExpr>()) {
    const auto& f = e.as<FieldExpr>();
    return place(*f.base) + "." + ident(f.field.name);
  }
  return topExpr(e);
}

std::vector<std::string> Gen::startArgs(const StartArgs& s, std::string* decls) {
  std::vector<std::string> out;
  if (!s.actor) return out;
  std::vector<const Expr*> byParam;
  for (std::size_t i = 0; i < s.actor->params.size(); ++i) {
    const Expr* e = i < s.byParam.size() ? s.byParam[i] : nullptr;
    if (!e) e = s.actor->params[i]->defaultValue.get();
    byParam.push_back(e);
    out.push_back(e ? topExpr(*e) : type(s.actor->params[i]->type) + "{}");
  }
  std::string d = hoist(byParam, out);  // in the parameters' order (language.md 8)
  if (decls) *decls = d;
  return out;
}

std::string Gen::spawnOptions(const ActorDecl& a) const {
  std::vector<std::string> parts;
  if (a.mailbox.bounded) {
    parts.push_back(".mailbox = {" + std::to_string(a.mailbox.capacity) + ", fnd::OverflowPolicy::" +
                    (a.mailbox.overflow == Overflow::DropOldest ? "drop_oldest" : "drop_newest") + "}");
  }
  if (a.trapExit) parts.push_back(".trap_exit = true");
  if (parts.empty()) return "";
  return "fnd::SpawnOptions{" + join(parts) + "}";
}

std::string Gen::spawnCall(const StartArgs& start, std::string_view spawner) {
  const ActorDecl& a = *start.actor;
  std::string decls;
  std::vector<std::string> args = startArgs(start, &decls);
  std::string opts = spawnOptions(a);
  if (!opts.empty()) args.insert(args.begin(), opts);
  return inOrder(decls, std::string(spawner) + (opts.empty() ? "spawn<" : "spawn_opt<") + actorName(a) + ">(" +
                            join(args) + ")");
}

std::string Gen::spawn(const SpawnExpr& s) {
  if (s.poolTemplate && s.start.supervisor) {
    // A pool child: the spawn site's arguments, then the template's, then the defaults.
    const ActorDecl& a = *s.start.actor;
    std::vector<std::string> captures, args, values;
    std::vector<const Expr*> byParam;
    for (std::size_t i = 0; i < a.params.size(); ++i) {
      const Expr* e = i < s.start.byParam.size() ? s.start.byParam[i] : nullptr;
      if (!e && i < s.poolTemplate->start.byParam.size()) e = s.poolTemplate->start.byParam[i];
      if (!e) e = a.params[i]->defaultValue.get();
      byParam.push_back(e);
      values.push_back(e ? topExpr(*e) : type(a.params[i]->type) + "{}");
    }
    // A lambda's captures are initialized in an unspecified order; the parameters' order is hoisted.
    std::string decls = hoist(byParam, values);
    for (std::size_t i = 0; i < a.params.size(); ++i) {
      std::string v = "fnd_a" + std::to_string(i);
      captures.push_back(v + " = " + values[i]);
      args.push_back(v);
    }
    std::string setOpts;
    if (a.mailbox.bounded)
      setOpts += "o.mailbox = {" + std::to_string(a.mailbox.capacity) + ", fnd::OverflowPolicy::" +
                 (a.mailbox.overflow == Overflow::DropOldest ? "drop_oldest" : "drop_newest") + "}; ";
    if (a.trapExit) setOpts += "o.trap_exit = true; ";
    args.insert(args.begin(), "o");
    return inOrder(decls, "fnd::lang::pool_spawn(*this, " + quote(s.start.supervisor->name.name) + ", [" +
                              join(captures) + "](fnd::Context& ctx, fnd::SpawnOptions o) { " + setOpts +
                              "return ctx.spawn_opt<" + actorName(a) + ">(" + join(args) + "); })");
  }
  return "fnd::Ref(" + spawnCall(s.start, "this->") + ")";
}

}  // namespace fnd::backend::cpp
