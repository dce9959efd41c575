// Statements of handler bodies.
#include <algorithm>

#include "ast/expr_walk.hpp"
#include "backends/cpp/gen.hpp"

namespace fnd::backend::cpp {

using ast::anySubexpr;

using namespace ast;

namespace {

// The variable a place expression is rooted at (a local, param or state), or nullptr.
const void* rootOf(const Expr* e) {
  while (e) {
    switch (e->kind) {
      case ExprKind::Name: {
        const auto& n = e->as<NameExpr>();
        if (n.ref == NameRef::Local) return n.local;
        if (n.ref == NameRef::State) return n.state;
        if (n.ref == NameRef::Param) return n.param;
        return nullptr;
      }
      case ExprKind::Field: e = e->as<FieldExpr>().base.get(); break;
      case ExprKind::Index: e = e->as<IndexExpr>().base.get(); break;
      default: return nullptr;
    }
  }
  return nullptr;
}

// Every variable the code may modify: assignment targets and receivers of mutating methods.
void collectMutatedExpr(const Expr* e, std::vector<const void*>& out);
void collectMutated(const Block& b, std::vector<const void*>& out);

void collectMutatedStmt(const Stmt& s, std::vector<const void*>& out) {
  switch (s.kind) {
    case StmtKind::Assign:
      out.push_back(rootOf(s.as<AssignStmt>().target.get()));
      collectMutatedExpr(s.as<AssignStmt>().value.get(), out);
      return;
    case StmtKind::Let: return collectMutatedExpr(s.as<LetStmt>().init.get(), out);
    case StmtKind::Expr: return collectMutatedExpr(s.as<ExprStmt>().expr.get(), out);
    case StmtKind::If:
      for (const auto& arm : s.as<IfStmt>().arms) {
        collectMutatedExpr(arm.cond.get(), out);
        collectMutated(arm.body, out);
      }
      if (s.as<IfStmt>().elseBody) collectMutated(*s.as<IfStmt>().elseBody, out);
      return;
    case StmtKind::While:
      collectMutatedExpr(s.as<WhileStmt>().cond.get(), out);
      return collectMutated(s.as<WhileStmt>().body, out);
    case StmtKind::For:
      collectMutatedExpr(s.as<ForStmt>().iterable.get(), out);
      return collectMutated(s.as<ForStmt>().body, out);
    case StmtKind::Send:
      collectMutatedExpr(s.as<SendStmt>().target.get(), out);
      return collectMutatedExpr(s.as<SendStmt>().message.get(), out);
    case StmtKind::Reply: return collectMutatedExpr(s.as<ReplyStmt>().message.get(), out);
    case StmtKind::Broadcast: return collectMutatedExpr(s.as<BroadcastStmt>().message.get(), out);
    case StmtKind::Publish: return collectMutatedExpr(s.as<PublishStmt>().message.get(), out);
    case StmtKind::Log: return collectMutatedExpr(s.as<LogStmt>().message.get(), out);
    case StmtKind::Emit:
      for (const auto& a : s.as<EmitStmt>().args) collectMutatedExpr(a.get(), out);
      return;
    default: return;
  }
}

void collectMutated(const Block& b, std::vector<const void*>& out) {
  for (const auto& s : b.stmts) collectMutatedStmt(*s, out);
}

void collectMutatedExpr(const Expr* e, std::vector<const void*>& out) {
  anySubexpr(e, [&](const Expr* x) {
    if (isMutatingMethodCall(x)) out.push_back(rootOf(x->as<MethodCallExpr>().base.get()));
    return false;  // visit everything
  });
}

bool exprMutates(const Expr* e);

bool blockMutates(const Block& b);

bool stmtMutates(const Stmt& s) {
  switch (s.kind) {
    case StmtKind::Assign: return true;
    case StmtKind::Let: return exprMutates(s.as<LetStmt>().init.get());
    case StmtKind::Expr: return exprMutates(s.as<ExprStmt>().expr.get());
    case StmtKind::If: {
      const auto& i = s.as<IfStmt>();
      for (const auto& arm : i.arms)
        if (exprMutates(arm.cond.get()) || blockMutates(arm.body)) return true;
      return i.elseBody && blockMutates(*i.elseBody);
    }
    case StmtKind::While: return exprMutates(s.as<WhileStmt>().cond.get()) || blockMutates(s.as<WhileStmt>().body);
    case StmtKind::For: return blockMutates(s.as<ForStmt>().body);
    case StmtKind::Send: return exprMutates(s.as<SendStmt>().target.get()) || exprMutates(s.as<SendStmt>().message.get());
    case StmtKind::Reply: return exprMutates(s.as<ReplyStmt>().message.get());
    case StmtKind::Broadcast: return exprMutates(s.as<BroadcastStmt>().message.get());
    case StmtKind::Publish: return exprMutates(s.as<PublishStmt>().message.get());
    case StmtKind::Log: return exprMutates(s.as<LogStmt>().message.get());
    case StmtKind::Emit:
      for (const auto& a : s.as<EmitStmt>().args)
        if (exprMutates(a.get())) return true;
      return false;
    default: return false;
  }
}

bool blockMutates(const Block& b) {
  for (const auto& s : b.stmts)
    if (stmtMutates(*s)) return true;
  return false;
}

// Mutating method calls (push, pop, clear, remove) anywhere in the expression.
bool exprMutates(const Expr* e) { return anySubexpr(e, isMutatingMethodCall); }

// Whether `e` reads a variable rooted at `root`.
bool mentions(const Expr* e, const void* root) {
  return anySubexpr(e, [&](const Expr* x) { return x->kind == ExprKind::Name && rootOf(x) == root; });
}

// Whether writing the place `e` goes through a list element (at_mut, which may copy the list's
// storage away from a buffer still shared with another value).
bool throughListElement(const Expr* e) {
  while (e) {
    if (e->is<IndexExpr>()) {
      const auto& i = e->as<IndexExpr>();
      if (i.base->type && i.base->type->kind == TypeKind::List) return true;
      e = i.base.get();
    } else if (e->is<FieldExpr>()) {
      e = e->as<FieldExpr>().base.get();
    } else {
      return false;
    }
  }
  return false;
}

const char* logLevel(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "fnd::log::Level::debug";
    case LogLevel::Info: return "fnd::log::Level::info";
    case LogLevel::Warn: return "fnd::log::Level::warning";
    case LogLevel::Error: return "fnd::log::Level::error";
  }
  return "fnd::log::Level::info";
}

}  // namespace

bool mayMutate(const Block& b) { return blockMutates(b); }

bool mayMutateIterable(const Block& body, const Expr& iterable) {
  const void* root = rootOf(&iterable);
  if (!root) return false;  // a temporary (a method's result, a literal): nothing else can change it
  std::vector<const void*> mutated;
  collectMutated(body, mutated);
  // An unknown root (nullptr) cannot alias a variable: assignment targets are always rooted.
  return std::find(mutated.begin(), mutated.end(), root) != mutated.end();
}

void Gen::block(Code& c, const Block& b) {
  for (const auto& s : b.stmts) stmt(c, *s);
}

void Gen::stmt(Code& c, const Stmt& s) {
  switch (s.kind) {
    case StmtKind::Let: {
      const auto& l = s.as<LetStmt>();
      std::string decl = (l.var.isMutable ? "" : "const ") + type(l.var.type) + " " + local(&l.var);
      if (l.init) c.line(decl + " = " + topExpr(*l.init) + ";");
      else c.line(decl + zeroInit(l.var.type) + ";");
      return;
    }
    case StmtKind::Assign: return assign(c, s.as<AssignStmt>());
    case StmtKind::Expr: {
      const Expr& e = *s.as<ExprStmt>().expr;
      c.line(topExpr(e) + ";");
      // shutdown(code) ends the handler (crash(...) throws, so it does too).
      if (e.is<CallExpr>() && e.as<CallExpr>().builtin == Builtin::Shutdown) c.line("return;");
      return;
    }
    case StmtKind::If: {
      const auto& i = s.as<IfStmt>();
      for (std::size_t k = 0; k < i.arms.size(); ++k) {
        std::string head = (k == 0 ? "if (" : "} else if (") + topExpr(*i.arms[k].cond) + ")";
        if (k == 0) c.open(head);
        else {
          c.dedent();
          c.line(head + " {");
          c.indent();
        }
        block(c, i.arms[k].body);
      }
      if (i.elseBody) {
        c.dedent();
        c.line("} else {");
        c.indent();
        block(c, *i.elseBody);
      }
      c.close();
      return;
    }
    case StmtKind::While: {
      const auto& w = s.as<WhileStmt>();
      c.open("while (" + topExpr(*w.cond) + ")");
      block(c, w.body);
      c.close();
      return;
    }
    case StmtKind::For: return forStmt(c, s.as<ForStmt>());
    case StmtKind::Send: {
      const auto& x = s.as<SendStmt>();
      std::vector<std::string> code{topExpr(*x.target), topExpr(*x.message)};
      std::string decls = hoist({x.target.get(), x.message.get()}, code);  // left to right
      std::string call = "this->send(" + code[0] + ", " + code[1] + ");";
      c.line(decls.empty() ? call : "{ " + decls + call + " }");
      return;
    }
    case StmtKind::Reply: c.line("this->reply(" + topExpr(*s.as<ReplyStmt>().message) + ");"); return;
    case StmtKind::Broadcast: {
      const auto& b = s.as<BroadcastStmt>();
      c.line("fnd::lang::broadcast(*this, " + quote(b.role.name) + ", " + topExpr(*b.message) + ");");
      return;
    }
    case StmtKind::Publish: {
      const auto& p = s.as<PublishStmt>();
      c.line("fnd::lang::publish(*this, " + quote(p.topic.name) + ", " + topExpr(*p.message) + ");");
      return;
    }
    case StmtKind::Subscribe: c.line("fnd::lang::subscribe(*this, " + quote(s.as<SubscribeStmt>().topic.name) + ");"); return;
    case StmtKind::Emit: {
      const auto& e = s.as<EmitStmt>();
      std::string args;
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        const std::string m = "fnd::lang::measurement(" + topExpr(*e.args[i]) + ")";
        args += (args.empty() ? "" : ", ") + (e.names.empty() ? m : "{" + quote(e.names[i].name) + ", " + m + "}");
      }
      c.line(std::string(e.names.empty() ? "fnd::lang::emit(" : "fnd::lang::emit_named(") + quote(e.event) + ", {" + args + "});");
      return;
    }
    case StmtKind::Log: {
      const auto& l = s.as<LogStmt>();
      c.line(std::string("fnd::log::write(") + logLevel(l.level) + ", " + formatted(*l.message) + ");");
      return;
    }
    case StmtKind::Stop:
      c.line("this->stop();");
      c.line("return;");
      return;
    case StmtKind::Return: c.line("return;"); return;
    case StmtKind::Break: c.line("break;"); return;
    case StmtKind::Continue: c.line("continue;"); return;
  }
}

void Gen::assign(Code& c, const AssignStmt& a) {
  const Expr& t = *a.target;
  // m[k] = v inserts into a map; everything else assigns through an lvalue.
  if (t.is<IndexExpr>()) {
    const auto& ix = t.as<IndexExpr>();
    if (ix.base->type && ix.base->type->kind == TypeKind::Map) {
      c.line(place(*ix.base) + ".insert_or_assign(" + topExpr(*ix.index) + ", " + topExpr(*a.value) + ");");
      return;
    }
  }
  // `xs[i] = xs[j]`: C++ evaluates the value first, as a reference into the list's buffer; writing
  // xs[i] may then copy the list (copy on write) and drop that buffer, which another thread may
  // free. Such a value is copied out first.
  if (throughListElement(&t) && mentions(a.value.get(), rootOf(&t))) {
    std::string v = temp("v");
    c.line("auto " + v + " = " + topExpr(*a.value) + ";");
    c.line(place(t) + " = std::move(" + v + ");");
    return;
  }
  c.line(place(t) + " = " + topExpr(*a.value) + ";");
}

void Gen::forStmt(Code& c, const ForStmt& f) {
  // Iterate over a copy only when the body may change the collection being iterated.
  const bool copy = f.forKind != ForKind::Range && mayMutateIterable(f.body, *f.iterable);
  switch (f.forKind) {
    case ForKind::Range: {
      std::string v = local(&f.first), end = temp("end");
      c.open("for (std::int64_t " + v + " = " + topExpr(*f.iterable) + ", " + end + " = " + topExpr(*f.rangeEnd) +
             "; " + v + " < " + end + "; ++" + v + ")");
      break;
    }
    case ForKind::List: {
      const Type* lt = f.iterable->type;
      std::string range = topExpr(*f.iterable);
      if (copy) range = type(lt) + "(" + range + ")";  // the body may change the list: iterate a copy
      std::string elem = "const " + type(lt ? lt->elem : nullptr) + "& ";
      if (f.second) {
        std::string i = temp("i");
        c.open("for (std::int64_t " + i + " = 0; " + elem + local(f.second.get()) + " : " + range + ")");
        c.line("const std::int64_t " + local(&f.first) + " = " + i + "++;");
      } else {
        c.open("for (" + elem + local(&f.first) + " : " + range + ")");
      }
      break;
    }
    case ForKind::Map: {
      const Type* mt = f.iterable->type;
      std::string range = topExpr(*f.iterable);
      if (copy) range = type(mt) + "(" + range + ")";  // the body may change the map: iterate a copy
      std::string kv = temp("kv");
      c.open("for (const auto& " + kv + " : " + range + ")");
      c.line("const " + type(mt ? mt->key : nullptr) + "& " + local(&f.first) + " = " + kv + ".first;");
      if (f.second) c.line("const " + type(mt ? mt->elem : nullptr) + "& " + local(f.second.get()) + " = " + kv + ".second;");
      break;
    }
    case ForKind::Unresolved:
      c.open("/* unresolved for */ if (false)");
      break;
  }
  block(c, f.body);
  c.close();
}

}  // namespace fnd::backend::cpp
