// Pass 4: actors — parameter defaults, state initializers, handler heads and handler bodies.
// Checks: E0108 (handled message), E0503 (duplicate handler), E0504 (on exit without trap_exit),
// E0501/E0502 (reply/sender outside message handlers), E0505 (break/continue outside loops),
// E0116 (redeclared locals), E0219 (missing initializer), E0205 (conditions), E0206-E0208
// (send), E0214 (for), E0405/E0406/E0411/E0115 (society statements), E0224 (timer intervals),
// E0302 (mailbox capacity, timer interval), W0003 (unused results), and everything ExprChecker
// reports for the expressions inside.
#include <set>

#include "sema/expr_checker.hpp"

namespace fnd::sema {

using namespace fnd::ast;
using diag::Code;

namespace {

class StmtChecker {
 public:
  StmtChecker(Context& cx, ActorDecl& actor, HandlerDecl& handler)
      : cx_(cx), actor_(actor), handler_(handler) {
    env_.kind = EnvKind::Handler;
    env_.actor = &actor;
    env_.handler = &handler;
  }

  void run() {
    scope_.push();
    for (auto& p : handler_.params) declare(*p);
    checkBlock(*handler_.body);
    scope_.pop();
  }

 private:
  ExprChecker ec() { return ExprChecker(cx_, env_, scope_); }

  void declare(LocalVar& v) {
    const std::string& n = v.name.name;
    if (n.empty()) return;
    if (auto* prev = scope_.find(n)) {
      cx_.error(Code::E0116, v.name.range, "redeclaration of '" + n + "'")
          .note(prev->name.range, "previous declaration is here");
    } else if (auto* p = actor_.findParam(n)) {
      cx_.error(Code::E0116, v.name.range, "'" + n + "' shadows a parameter of actor '" + actor_.name.name + "'")
          .note(p->name.range, "parameter declared here");
    } else if (auto* s = actor_.findState(n)) {
      cx_.error(Code::E0116, v.name.range, "'" + n + "' shadows a state of actor '" + actor_.name.name + "'")
          .note(s->name.range, "state declared here");
    }
    scope_.declare(&v);
  }

  void checkBlock(Block& b) {
    scope_.push();
    for (auto& s : b.stmts) checkStmt(*s);
    scope_.pop();
  }

  void condition(Expr& e, const char* what) {
    const Type* t = ec().infer(e);
    if (!t->isError() && t->kind != TypeKind::Bool)
      cx_.error(Code::E0205, e.range, std::string("the condition of '") + what + "' must be bool, found '" + t->str() + "'");
  }

  // The payload of send/reply/broadcast/publish: a message value.
  const MessageDecl* payload(Expr& e, const char* what) {
    const Type* t = ec().infer(e);
    if (t->isError() || t->kind != TypeKind::Message) cx_.unknownPayloadSent = true;
    if (t->isError()) return nullptr;
    if (t->kind != TypeKind::Message) {
      cx_.error(Code::E0207, e.range, std::string("'") + what + "' needs a message, found '" + t->str() + "'")
          .note({}, "construct one with 'Name { field: value }'");
      return nullptr;
    }
    cx_.sentMessages.push_back(t->message);
    return t->message;
  }

  // The roles a broadcast targets; E0115 when there is none, E0405 when broadcast is off.
  void broadcastRoles(BroadcastStmt& s, const MessageDecl* m) {
    if (actor_.societies.empty()) {
      cx_.error(Code::E0411, s.range, "'broadcast' needs a society, but actor '" + actor_.name.name + "' is not a member of any");
      return;
    }
    auto roles = ec().lookupRole(s.role, true);
    if (roles.empty()) {
      bool partial = false;
      for (auto* soc : actor_.societies)
        if (soc->findRole(s.role.name)) partial = true;
      if (!partial) {
        std::vector<std::string> names;
        for (auto* soc : actor_.societies)
          for (auto& r : soc->roles) names.push_back(r->name.name);
        auto d = cx_.error(Code::E0115, s.role.range, "unknown role '" + s.role.name + "'");
        if (auto c = closestName(s.role.name, names); !c.empty()) d.note({}, "did you mean '" + c + "'?");
      }
      return;
    }
    s.roles = roles;
    for (auto* r : roles) {
      if (!r->society->broadcast)
        cx_.error(Code::E0405, s.range, "society '" + r->society->name.name + "' does not enable broadcast")
            .note(r->society->communicationRange.valid() ? r->society->communicationRange : r->society->name.range,
                  "add 'broadcast' to its communication: [direct, broadcast]");
      if (m && r->start.actor && !r->start.actor->accepts(m))
        cx_.error(Code::E0208, s.message->range, "actor '" + r->start.actor->name.name + "' (role '" + r->name.name +
                                                     "') has no handler for message '" + m->name.name + "'")
            .note(r->start.actor->name.range, "'" + r->start.actor->name.name + "' is declared here");
    }
  }

  bool pubSubAllowed(const Stmt& s, const char* what) {
    if (actor_.societies.empty()) {
      cx_.error(Code::E0411, s.range, std::string("'") + what + "' needs a society, but actor '" + actor_.name.name +
                                          "' is not a member of any");
      return false;
    }
    bool ok = true;
    for (auto* soc : actor_.societies)
      if (!soc->pubSub) {
        cx_.error(Code::E0406, s.range, "society '" + soc->name.name + "' does not enable pub_sub")
            .note(soc->communicationRange.valid() ? soc->communicationRange : soc->name.range,
                  "add 'pub_sub' to its communication");
        ok = false;
      }
    return ok;
  }

  void checkStmt(Stmt& s) {
    switch (s.kind) {
      case StmtKind::Let: {
        auto& l = s.as<LetStmt>();
        const Type* declared = l.declType ? resolveTypeNode(cx_, *l.declType) : nullptr;
        const Type* t = declared;
        if (l.init) {
          const Type* it = declared ? ec().check(*l.init, declared) : ec().infer(*l.init);
          if (!declared) {
            if (it->kind == TypeKind::Void) {
              cx_.error(Code::E0222, l.init->range, "expression has no value (it is an action)");
              it = cx_.types().error();
            }
            t = it;
          }
        } else if (!l.var.isMutable) {
          cx_.error(Code::E0219, l.range, "'let " + l.var.name.name + "' needs an initializer")
              .note({}, "'let' names a value that never changes; use 'var' for a variable");
        } else if (!declared) {
          cx_.error(Code::E0219, l.range, "'var " + l.var.name.name + "' needs a type or an initializer")
              .note({}, "write 'var " + l.var.name.name + ": T' (zero value) or 'var " + l.var.name.name + " = ...'");
        }
        l.var.type = t ? t : cx_.types().error();
        declare(l.var);
        return;
      }
      case StmtKind::Assign: {
        auto& a = s.as<AssignStmt>();
        const Type* t = ec().infer(*a.target);
        if (ec().requireMutablePlace(*a.target, "assign to"))
          ec().check(*a.value, t);
        else
          ec().infer(*a.value);
        return;
      }
      case StmtKind::Expr: {
        auto& e = s.as<ExprStmt>();
        ec().infer(*e.expr);
        bool effect = false;
        if (e.expr->is<CallExpr>() || e.expr->is<SpawnExpr>()) effect = true;
        if (e.expr->is<MethodCallExpr>()) {
          Method m = e.expr->as<MethodCallExpr>().resolved;
          effect = m == Method::Push || m == Method::Pop || m == Method::Clear || m == Method::Remove ||
                   m == Method::Unresolved;
        }
        if (!effect && !e.expr->type->isError())
          cx_.warning(Code::W0003, e.expr->range, "expression result unused");
        return;
      }
      case StmtKind::If: {
        auto& i = s.as<IfStmt>();
        for (auto& arm : i.arms) {
          condition(*arm.cond, "if");
          checkBlock(arm.body);
        }
        if (i.elseBody) checkBlock(*i.elseBody);
        return;
      }
      case StmtKind::While: {
        auto& w = s.as<WhileStmt>();
        condition(*w.cond, "while");
        ++env_.loopDepth;
        checkBlock(w.body);
        --env_.loopDepth;
        return;
      }
      case StmtKind::For: {
        auto& f = s.as<ForStmt>();
        auto& T = cx_.types();
        const Type* firstT = T.error();
        const Type* secondT = T.error();
        if (f.rangeEnd) {
          f.forKind = ForKind::Range;
          ec().check(*f.iterable, T.intType());
          ec().check(*f.rangeEnd, T.intType());
          firstT = T.intType();
          if (f.second)
            cx_.error(Code::E0214, f.second->name.range, "a range loop binds one variable")
                .note({}, "write 'for i in lo..hi'");
        } else {
          const Type* t = ec().infer(*f.iterable);
          if (t->kind == TypeKind::List) {
            f.forKind = ForKind::List;
            if (f.second) {
              firstT = T.intType();
              secondT = t->elem;
            } else {
              firstT = t->elem;
            }
          } else if (t->kind == TypeKind::Map) {
            f.forKind = ForKind::Map;
            firstT = t->key;
            secondT = t->elem;
          } else if (!t->isError()) {
            cx_.error(Code::E0214, f.iterable->range, "cannot iterate over a value of type '" + t->str() + "'")
                .note({}, "'for' iterates over a list, a map, or a range 'lo..hi'");
          }
        }
        scope_.push();
        f.first.type = firstT;
        declare(f.first);
        if (f.second) {
          f.second->type = secondT;
          declare(*f.second);
        }
        ++env_.loopDepth;
        checkBlock(f.body);
        --env_.loopDepth;
        scope_.pop();
        return;
      }
      case StmtKind::Send: {
        auto& sd = s.as<SendStmt>();
        const Type* t = ec().infer(*sd.target);
        const MessageDecl* m = payload(*sd.message, "send");
        if (t->isError()) return;
        if (t->kind != TypeKind::Ref) {
          auto d = cx_.error(Code::E0206, sd.target->range, "'send' needs an actor ref, found '" + t->str() + "'");
          if (t->kind == TypeKind::List && t->elem->kind == TypeKind::Ref)
            d.note({}, "send to each element with a 'for' loop, or use 'broadcast ROLE' in a society");
          return;
        }
        if (m && t->actor && !t->actor->accepts(m))
          cx_.error(Code::E0208, sd.message->range, "actor '" + t->actor->name.name + "' has no handler for message '" + m->name.name + "'")
              .note(t->actor->name.range, "'" + t->actor->name.name + "' is declared here");
        return;
      }
      case StmtKind::Reply: {
        auto& r = s.as<ReplyStmt>();
        if (handler_.kind != HandlerKind::Message) {
          static const char* kNames[] = {"on start", "", "on down", "on exit", "every"};
          cx_.error(Code::E0501, r.range, std::string("'reply' outside a message handler (in '") +
                                              kNames[static_cast<int>(handler_.kind)] + "')")
              .note(handler_.range, "replies go to the sender of the message being handled; this handler has none");
          ec().infer(*r.message);
          return;
        }
        payload(*r.message, "reply");
        return;
      }
      case StmtKind::Broadcast: {
        auto& b = s.as<BroadcastStmt>();
        const MessageDecl* m = payload(*b.message, "broadcast");
        broadcastRoles(b, m);
        return;
      }
      case StmtKind::Publish: {
        auto& p = s.as<PublishStmt>();
        const MessageDecl* m = payload(*p.message, "publish");
        if (pubSubAllowed(s, "publish") && m) cx_.publishes.push_back({&actor_, p.topic.name, m, s.range});
        return;
      }
      case StmtKind::Subscribe: {
        auto& sub = s.as<SubscribeStmt>();
        if (pubSubAllowed(s, "subscribe")) cx_.subscribes.push_back({&actor_, sub.topic.name, s.range});
        return;
      }
      case StmtKind::Emit: {
        auto& e = s.as<EmitStmt>();
        // The runtime's own events (fnd.process.crash, ...) feed its metrics: a program's event of
        // the same name would count as one.
        if (e.event == "fnd" || e.event.rfind("fnd.", 0) == 0)
          cx_.error(Code::E0231, e.eventRange, "event names starting with 'fnd' are the runtime's")
              .note({}, "name the event after your program or component, e.g. 'emit app." +
                            (e.event == "fnd" ? std::string("event") : e.event.substr(4)) + "(...)'");
        for (auto& a : e.args) {
          const Type* t = ec().infer(*a);
          if (t->kind == TypeKind::Void) cx_.error(Code::E0222, a->range, "expression has no value");
          else if (!t->isFormattable())
            cx_.error(Code::E0212, a->range, "cannot emit a value of type '" + t->str() + "'")
                .note({}, "telemetry values are int, float, bool, string, duration or ref");
        }
        for (std::size_t i = 0; i < e.names.size(); ++i) {
          if (e.names[i].name == "correlation_id") {
            cx_.error(Code::E0230, e.names[i].range, "'correlation_id' is added to every emitted event")
                .note({}, "the correlation id of the message being handled, when it has one");
            continue;
          }
          for (std::size_t j = 0; j < i; ++j)
            if (e.names[j].name == e.names[i].name) {
              cx_.error(Code::E0230, e.names[i].range, "duplicate emit value '" + e.names[i].name + "'")
                  .note(e.names[j].range, "first given here");
              break;
            }
        }
        return;
      }
      case StmtKind::Log: {
        auto& l = s.as<LogStmt>();
        const Type* t = ec().infer(*l.message);
        if (t->kind == TypeKind::Void) cx_.error(Code::E0222, l.message->range, "expression has no value");
        else if (!t->isFormattable())
          cx_.error(Code::E0212, l.message->range, "cannot log a value of type '" + t->str() + "'");
        return;
      }
      case StmtKind::Break: case StmtKind::Continue:
        if (env_.loopDepth == 0)
          cx_.error(Code::E0505, s.range, std::string("'") + (s.kind == StmtKind::Break ? "break" : "continue") +
                                              "' outside a loop");
        return;
      case StmtKind::Stop: case StmtKind::Return:
        return;
    }
  }

  Context& cx_;
  ActorDecl& actor_;
  HandlerDecl& handler_;
  Env env_;
  Scope scope_;
};

// Declarations and handler heads; all actors' heads are resolved before any body is checked (a
// body's `send` asks whether the receiving actor handles the message).
void checkActor(Context& cx, ActorDecl& a) {
  auto& T = cx.types();
  Scope none;
  if (a.mailbox.bounded && (a.mailbox.capacity < 1 || a.mailbox.capacity > 1'000'000'000))
    cx.error(Code::E0302, a.mailbox.range, "mailbox capacity must be between 1 and 1000000000");
  for (auto& p : a.params) {
    if (!p->defaultValue) continue;
    Env env;
    env.kind = EnvKind::ParamDefault;
    env.actor = &a;
    ExprChecker(cx, env, none).check(*p->defaultValue, p->type);
  }
  for (auto& s : a.states) {
    Env env;
    env.kind = EnvKind::StateInit;
    env.actor = &a;
    env.visibleStates = s->index;
    if (s->init) {
      const Type* t = ExprChecker(cx, env, none).check(*s->init, s->type);
      if (!s->type) {
        if (t->kind == TypeKind::Void) {
          cx.error(Code::E0222, s->init->range, "expression has no value (it is an action)");
          t = T.error();
        }
        s->type = t;
      }
    } else if (!s->type) {
      cx.error(Code::E0219, s->range, "state '" + s->name.name + "' needs a type or an initializer");
      s->type = T.error();
    }
  }
  // Handler heads.
  std::map<std::string, const HandlerDecl*> seen;
  for (auto& h : a.handlers) {
    std::string key;
    switch (h->kind) {
      case HandlerKind::Start: key = "start"; break;
      case HandlerKind::Down: key = "down"; break;
      case HandlerKind::Exit: key = "exit"; break;
      case HandlerKind::Every: break;
      case HandlerKind::Message: {
        auto it = cx.program.messages.find(h->name.name);
        if (it == cx.program.messages.end()) {
          if (cx.redeclared.count(h->name.name)) break;
          std::vector<std::string> names;
          for (auto& [n, m] : cx.program.messages) names.push_back(n);
          auto d = cx.error(Code::E0108, h->name.range, "unknown message '" + h->name.name + "'");
          if (auto c = closestName(h->name.name, names); !c.empty()) d.note({}, "did you mean '" + c + "'?");
          break;
        }
        h->message = it->second;
        key = "msg:" + h->name.name;
        break;
      }
    }
    if (!key.empty()) {
      auto [it, fresh] = seen.emplace(key, h.get());
      if (!fresh)
        cx.error(Code::E0503, h->range, "duplicate handler '" + (key.rfind("msg:", 0) == 0 ? "on " + h->name.name : "on " + key) + "'")
            .note(it->second->range, "previous handler is here");
    }
    if (h->kind == HandlerKind::Exit && !a.trapExit)
      cx.error(Code::E0504, h->range, "'on exit' never runs: actor '" + a.name.name + "' does not trap exits")
          .note(a.name.range, "add 'trap_exit: true' to the actor; without it a linked actor's abnormal exit stops this one");
    // Parameter types.
    if (h->kind == HandlerKind::Message && !h->params.empty())
      h->params[0]->type = h->message ? T.message(h->message) : T.error();
    if (h->kind == HandlerKind::Down || h->kind == HandlerKind::Exit) {
      if (h->params.size() > 0) h->params[0]->type = T.ref(nullptr);
      if (h->params.size() > 1) h->params[1]->type = T.stringType();
      for (std::size_t i = 2; i < h->params.size(); ++i) h->params[i]->type = T.error();
    }
    if (h->kind == HandlerKind::Every && h->interval) {
      Env env;
      env.kind = EnvKind::TimerInterval;
      env.actor = &a;
      ExprChecker(cx, env, none).check(*h->interval, T.durationType());
      // A constant interval is checked here; one computed from parameters, when the actor starts
      // (it crashes: fnd::lang::timer_interval, and the LLVM lowering's check).
      if (auto ms = ExprChecker::constantDuration(*h->interval); ms && *ms <= 0)
        cx.error(Code::E0302, h->interval->range, "a timer interval must be positive");
    }
  }
}

void checkBodies(Context& cx, ActorDecl& a) {
  for (auto& h : a.handlers)
    if (h->body) StmtChecker(cx, a, *h).run();
}

}  // namespace

void checkHandlers(Context& cx) {
  for (auto& m : cx.program.modules)
    for (auto& a : m->actors) checkActor(cx, *a);
  for (auto& m : cx.program.modules)
    for (auto& a : m->actors) checkBodies(cx, *a);
}

}  // namespace fnd::sema
