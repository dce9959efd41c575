// Actors: one class per actor on fnd::lang::Actor (itself an fnd::Actor). Params are constructor
// arguments and members, state variables are members, each handler is a member function, and
// on_message dispatches on the message type (a pointer compare per candidate).
#include <functional>

#include "ast/expr_walk.hpp"
#include "backends/cpp/gen.hpp"

namespace fnd::backend::cpp {

using ast::anySubexpr;

using namespace ast;

std::string Gen::handlerName(const HandlerDecl& h, std::size_t everyIndex) const {
  switch (h.kind) {
    case HandlerKind::Start: return "on_start";
    case HandlerKind::Message: return "on_" + h.name.name;
    case HandlerKind::Down: return "on_down";
    case HandlerKind::Exit: return "on_exit";
    case HandlerKind::Every: return "every_" + std::to_string(everyIndex);
  }
  return "on_unknown";
}

namespace {
std::string paramList(const Gen& g, const ActorDecl& a) {
  std::string out;
  for (const auto& p : a.params) {
    if (!out.empty()) out += ", ";
    out += g.type(p->type) + " " + ident(p->name.name);
  }
  return out;
}

// The C++ parameters of a handler function.
std::string handlerParams(const Gen& g, const HandlerDecl& h, const std::function<std::string(const LocalVar*)>& local) {
  switch (h.kind) {
    case HandlerKind::Message:
      if (h.params.empty()) return "const " + g.messageName(*h.message) + "&";
      return "const " + g.messageName(*h.message) + "& " + local(h.params[0].get());
    case HandlerKind::Down:
    case HandlerKind::Exit: {
      std::string out;
      for (std::size_t i = 0; i < h.params.size() && i < 2; ++i) {
        if (i) out += ", ";
        out += (i == 0 ? "const fnd::Ref& " : "const std::string& ") + local(h.params[i].get());
      }
      return out;
    }
    default: return "";
  }
}
}  // namespace

void Gen::actorClass(Code& c, const ActorDecl& a) {
  const std::string& n = a.name.name;
  bool hasStart = false;
  std::size_t everies = 0;
  for (const auto& h : a.handlers) {
    if (h->kind == HandlerKind::Start) hasStart = true;
    if (h->kind == HandlerKind::Every) ++everies;
  }
  c.line(from(a.range));
  c.open("class " + n + " final : public fnd::lang::Actor");
  c.dedent();
  c.line(" public:");
  c.indent();
  std::string params = paramList(*this, a);
  c.line(std::string(a.params.size() == 1 ? "explicit " : "") + n + "(" + params + ");");
  if (hasStart || everies || statesUseSelf(a)) c.line("void on_start() override;");
  c.line("void on_message(fnd::Message& m) override;");
  c.line();
  c.dedent();
  c.line(" private:");
  c.indent();
  for (std::size_t i = 0; i < everies; ++i) c.line("struct Every" + std::to_string(i) + " {};  // the tick of `every` #" + std::to_string(i));
  std::size_t e = 0;
  auto loc = [this](const LocalVar* v) { return local(v); };
  for (const auto& h : a.handlers) {
    if (h->kind == HandlerKind::Start) continue;
    std::size_t idx = h->kind == HandlerKind::Every ? e++ : 0;
    c.line("void " + handlerName(*h, idx) + "(" + handlerParams(*this, *h, loc) + ");");
  }
  if (!a.params.empty()) c.line();
  for (const auto& p : a.params) c.line(type(p->type) + " " + ident(p->name.name) + "_;  // param");
  for (const auto& s : a.states) c.line(type(s->type) + " " + ident(s->name.name) + "_" + zeroInit(s->type) + ";  // state");
  c.close("};");
}

// Whether a state initializer reads `self` (see actorMethods).
bool Gen::statesUseSelf(const ActorDecl& a) {
  for (const auto& s : a.states)
    if (anySubexpr(s->init.get(), [](const ast::Expr* e) { return e->kind == ast::ExprKind::Self; })) return true;
  return false;
}

void Gen::actorMethods(Code& c, const ActorDecl& a) {
  scope_ = Scope{Scope::Actor, &a, nullptr, ""};
  const std::string& n = a.name.name;

  // Constructor: params, then states with initializers (which may use the params). An actor has
  // no pid while it is constructed: if an initializer reads `self`, all of them run (in order) as
  // on_start begins instead, before the `every` timers and the `on start` body.
  const bool lateStates = statesUseSelf(a);
  std::string init;
  for (const auto& p : a.params) {
    if (!init.empty()) init += ", ";
    init += ident(p->name.name) + "_(std::move(" + ident(p->name.name) + "))";
  }
  for (const auto& s : a.states) {
    if (!s->init || lateStates) continue;
    if (!init.empty()) init += ", ";
    init += ident(s->name.name) + "_(" + topExpr(*s->init) + ")";
  }
  c.line(n + "::" + n + "(" + paramList(*this, a) + ")" + (init.empty() ? "" : "\n    : " + init) + " {}");

  // on_start: the `every` timers, then the `on start` body.
  const HandlerDecl* start = nullptr;
  std::vector<const HandlerDecl*> everies;
  for (const auto& h : a.handlers) {
    if (h->kind == HandlerKind::Start) start = h.get();
    if (h->kind == HandlerKind::Every) everies.push_back(h.get());
  }
  if (start || !everies.empty() || lateStates) {
    c.line();
    if (start) c.line(from(start->range));
    c.open("void " + n + "::on_start()");
    if (lateStates)
      for (const auto& s : a.states)
        if (s->init) c.line(ident(s->name.name) + "_ = " + topExpr(*s->init) + ";  " + from(s->range));
    for (std::size_t i = 0; i < everies.size(); ++i) {
      // A literal is positive (E0302); a computed interval is checked as the actor starts.
      const ast::Expr& d = *everies[i]->interval;
      const std::string interval = d.is<ast::DurationLit>() ? topExpr(d) : "fnd::lang::timer_interval(" + topExpr(d) + ")";
      c.line("this->every(" + interval + ", Every" + std::to_string(i) + "{});  " + from(everies[i]->range));
    }
    if (start && start->body) block(c, *start->body);
    c.close();
  }

  // on_message: dispatch by type.
  c.line();
  c.open("void " + n + "::on_message(fnd::Message& m)");
  std::size_t e = 0;
  for (const auto& h : a.handlers) {
    switch (h->kind) {
      case HandlerKind::Message:
        if (h->protect) {  // gen_services.cpp
          protectedDispatch(c, *h);
          break;
        }
        c.line("if (auto* msg = m.try_get<" + messageName(*h->message) + ">()) return " + handlerName(*h, 0) + "(*msg);");
        break;
      case HandlerKind::Every:
        c.line("if (m.is<Every" + std::to_string(e) + ">()) return " + handlerName(*h, e) + "();");
        ++e;
        break;
      case HandlerKind::Down: {
        std::string args = h->params.size() >= 1 ? "fnd::Ref(d->pid)" : "";
        if (h->params.size() >= 2) args += ", fnd::lang::reason_text(d->reason)";
        c.open("if (auto* d = m.try_get<fnd::Down>())");
        c.line("fnd::lang::forget_monitor(*this, *d);");
        c.line("return on_down(" + args + ");");
        c.close();
        break;
      }
      case HandlerKind::Exit: {
        std::string args = h->params.size() >= 1 ? "fnd::Ref(x->from)" : "";
        if (h->params.size() >= 2) args += ", fnd::lang::reason_text(x->reason)";
        c.line("if (auto* x = m.try_get<fnd::Exit>()) return on_exit(" + args + ");");
        break;
      }
      case HandlerKind::Start: break;
    }
  }
  // A monitor's Down without an `on down` handler still releases the monitor.
  bool hasDown = false;
  for (const auto& h : a.handlers) hasDown |= h->kind == HandlerKind::Down;
  if (!hasDown) c.line("if (auto* d = m.try_get<fnd::Down>()) fnd::lang::forget_monitor(*this, *d);");
  c.line("// other messages are ignored");
  c.close();

  // Handlers.
  e = 0;
  auto loc = [this](const LocalVar* v) { return local(v); };
  for (const auto& h : a.handlers) {
    if (h->kind == HandlerKind::Start) continue;
    std::size_t idx = h->kind == HandlerKind::Every ? e++ : 0;
    c.line();
    c.line(from(h->range));
    std::string params = handlerParams(*this, *h, loc);
    c.open("void " + n + "::" + handlerName(*h, idx) + "(" + params + ")");
    if (h->body) block(c, *h->body);
    c.close();
  }
}

}  // namespace fnd::backend::cpp
