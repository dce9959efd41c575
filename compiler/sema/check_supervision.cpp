// Pass 5: supervision trees. Checks: E0302 (intensity out of range), E0304 (duplicate child
// names), E0305 (a supervisor that contains itself), E0306/E0307 (children counts),
// E0308 (`spawn pool(...)` needs the pool to be started exactly once), E0113 (main target).
#include <functional>

#include "sema/context.hpp"

namespace fnd::sema {

using namespace fnd::ast;
using diag::Code;

void checkIntensity(Context& cx, const Intensity& in) {
  if (!in.range.valid()) return;
  if (in.maxRestarts < 0 || in.maxRestarts > 1'000'000)
    cx.error(Code::E0302, in.range, "intensity must allow 0 to 1000000 restarts, not " + std::to_string(in.maxRestarts));
  else if (in.periodMs < 1 || in.periodMs > 86'400'000)
    cx.error(Code::E0302, in.range, "the intensity period must be between 1ms and 24h");
}

void checkSupervision(Context& cx) {
  auto& p = cx.program;
  for (auto& m : p.modules) {
    for (auto& sup : m->supervisors) {
      checkIntensity(cx, sup->intensity);
      std::map<std::string, const ChildSpec*> seen;
      for (auto& c : sup->children) {
        auto [it, fresh] = seen.emplace(c->name.name, c.get());
        if (!fresh)
          cx.error(Code::E0304, c->name.range, "duplicate child '" + c->name.name + "' in supervisor '" + sup->name.name + "'")
              .note(it->second->name.range, "previous child is here");
      }
      if (sup->strategy == Strategy::SimpleOneForOne) {
        if (sup->children.size() != 1)  // at the second child (none: at the supervisor)
          cx.error(Code::E0306, sup->children.size() > 1 ? sup->children[1]->name.range : sup->name.range,
                   "a simple_one_for_one supervisor has exactly one child (its template), not " +
                       std::to_string(sup->children.size()))
              .note({}, "children are added at run time with 'spawn " + sup->name.name + "(...)'");
        else if (sup->children[0]->start.targetKind != TargetKind::Actor &&
                 sup->children[0]->start.targetKind != TargetKind::Unresolved)
          cx.error(Code::E0306, sup->children[0]->start.target.range, "the template child of a simple_one_for_one supervisor must be an actor");
      } else if (sup->children.empty()) {
        cx.error(Code::E0307, sup->name.range, "supervisor '" + sup->name.name + "' has no children")
            .note({}, "add 'child NAME: Actor(...)'");
      }
    }
  }
  // Cycles: supervisor -> child supervisors.
  std::map<const SupervisorDecl*, int> state;
  std::vector<const SupervisorDecl*> path;
  std::function<void(const SupervisorDecl*)> visit = [&](const SupervisorDecl* s) {
    state[s] = 1;
    path.push_back(s);
    for (auto& c : s->children) {
      if (c->start.targetKind != TargetKind::Supervisor) continue;
      const SupervisorDecl* t = c->start.supervisor;
      if (state[t] == 1) {
        std::string chain;
        bool on = false;
        for (auto* q : path) {
          if (q == t) on = true;
          if (on) chain += q->name.name + " -> ";
        }
        chain += t->name.name;
        cx.error(Code::E0305, c->start.target.range, "supervisor '" + t->name.name + "' contains itself (" + chain + ")")
            .note(t->name.range, "'" + t->name.name + "' is declared here");
      } else if (state[t] == 0) {
        visit(t);
      }
    }
    path.pop_back();
    state[s] = 2;
  };
  for (auto& [n, s] : p.supervisors)
    if (state[s] == 0) visit(s);

  // Pools: how many child specs (and main) start each simple_one_for_one supervisor.
  if (!cx.poolSpawns.empty()) {
    std::map<const SupervisorDecl*, int> starts;
    for (auto& m : p.modules)
      for (auto& sup : m->supervisors)
        for (auto& c : sup->children)
          if (c->start.targetKind == TargetKind::Supervisor) ++starts[c->start.supervisor];
    if (p.main && p.main->start.targetKind == TargetKind::Supervisor) ++starts[p.main->start.supervisor];
    std::set<const SupervisorDecl*> reported;
    for (SpawnExpr* s : cx.poolSpawns) {
      const SupervisorDecl* pool = s->start.supervisor;
      int n = starts[pool];
      if (n == 1 || !reported.insert(pool).second) continue;
      cx.error(Code::E0308, s->start.target.range,
               "'spawn " + pool->name.name + "(...)' needs supervisor '" + pool->name.name + "' to be started exactly once, but it is started " +
                   std::to_string(n) + " times")
          .note(pool->name.range, "make it a child of one supervisor (or 'main " + pool->name.name + "')");
    }
  }
}

}  // namespace fnd::sema
