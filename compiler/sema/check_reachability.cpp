// Pass 7 (warnings): W0001 statements after `stop`, `return`, `break`, `continue`, `crash(...)`
// or `shutdown(...)` (or an if/else whose every branch ends so); W0002 message handlers for
// messages that nothing in the program sends (only for whole programs, i.e. with `main`, and only
// in files named on the command line; skipped when extern actors could send them).
#include <set>

#include "sema/context.hpp"

namespace fnd::sema {

using namespace fnd::ast;
using diag::Code;

namespace {

bool terminates(const Stmt& s);

// Checks a block; returns true if control never reaches its end.
bool checkBlock(Context& cx, const Block& b) {
  bool dead = false;
  for (auto& s : b.stmts) {
    if (dead) {
      cx.warning(Code::W0001, s->range, "code will never be executed");
      return true;
    }
    switch (s->kind) {
      case StmtKind::If: {
        auto& i = s->as<IfStmt>();
        bool all = i.elseBody != nullptr;
        for (auto& arm : i.arms) all = checkBlock(cx, arm.body) && all;
        if (i.elseBody) all = checkBlock(cx, *i.elseBody) && all;
        if (all) dead = true;
        break;
      }
      case StmtKind::While: checkBlock(cx, s->as<WhileStmt>().body); break;
      case StmtKind::For: checkBlock(cx, s->as<ForStmt>().body); break;
      default:
        if (terminates(*s)) dead = true;
        break;
    }
  }
  return dead;
}

bool terminates(const Stmt& s) {
  switch (s.kind) {
    case StmtKind::Stop: case StmtKind::Return: case StmtKind::Break: case StmtKind::Continue:
      return true;
    case StmtKind::Expr: {
      auto& e = *s.as<ExprStmt>().expr;
      if (!e.is<CallExpr>() || !e.type || e.type->isError()) return false;
      Builtin b = e.as<CallExpr>().builtin;
      return b == Builtin::Crash || b == Builtin::Shutdown;
    }
    default:
      return false;
  }
}

}  // namespace

void checkReachability(Context& cx) {
  bool anyExtern = false;
  for (auto& m : cx.program.modules)
    for (auto& a : m->actors)
      if (a->isExtern) anyExtern = true;
  std::set<const MessageDecl*> sent(cx.sentMessages.begin(), cx.sentMessages.end());
  // A send whose payload has an error may have meant any message: W0002 would follow from it.
  const bool sendsComplete = !cx.unknownPayloadSent;
  for (auto& m : cx.program.modules) {
    for (auto& a : m->actors) {
      std::set<const MessageDecl*> warned;  // a duplicate handler (E0503) is not warned about twice
      for (auto& h : a->handlers) {
        if (h->body) checkBlock(cx, *h->body);
        if (sendsComplete && !anyExtern && cx.program.main && m->isRoot && !a->isExtern && h->kind == HandlerKind::Message && h->message &&
            !sent.count(h->message) && warned.insert(h->message).second)
          cx.warning(Code::W0002, h->range, "handler is unreachable: no '" + h->message->name.name + "' message is ever sent")
              .note(h->message->name.range, "'" + h->message->name.name + "' is declared here");
      }
    }
  }
}

}  // namespace fnd::sema
