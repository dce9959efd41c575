// Pass 3: start sites — supervisor children, society roles and `main`. Resolves what each one
// starts (E0109), records which societies each actor belongs to, and checks the named arguments
// against the actor's parameters (E0117-E0119, E0310) in an environment where sibling children
// (supervisors) or roles (societies) are values. Also: E0409 (roles must be actors), E0113 (main).
#include <algorithm>

#include "sema/expr_checker.hpp"

namespace fnd::sema {

void checkStartSites(Context& cx) {
  Scope scope;
  // Roles first: handler checking and role values need each actor's societies.
  for (auto& m : cx.program.modules) {
    for (auto& soc : m->societies) {
      for (auto& role : soc->roles) {
        Env env;
        env.kind = EnvKind::StartArgs;
        env.society = soc.get();
        ExprChecker ec(cx, env, scope);
        // Resolve the target only (arguments below, once all memberships are known).
        ast::StartArgs probe;
        probe.target = role->start.target;
        ec.checkStartArgs(probe, true);
        role->start.targetKind = probe.targetKind;
        role->start.actor = probe.actor;
        role->start.supervisor = probe.supervisor;
        role->start.society = probe.society;
        if (probe.targetKind == ast::TargetKind::Actor) {
          auto* actor = const_cast<ast::ActorDecl*>(probe.actor);
          if (std::find(actor->societies.begin(), actor->societies.end(), soc.get()) == actor->societies.end())
            actor->societies.push_back(soc.get());
        } else if (probe.targetKind != ast::TargetKind::Unresolved) {
          cx.error(diag::Code::E0409, role->start.target.range,
                   "role '" + role->name.name + "' must be an actor; '" + role->start.target.name + "' is a " +
                       (probe.targetKind == ast::TargetKind::Supervisor ? "supervisor" : "society"))
              .note({}, "society members are actors; put supervisors around the society instead");
        }
      }
    }
  }
  for (auto& m : cx.program.modules) {
    for (auto& soc : m->societies) {
      for (auto& role : soc->roles) {
        if (role->start.targetKind != ast::TargetKind::Actor) {
          for (auto& a : role->start.args) {
            Env env;
            env.kind = EnvKind::StartArgs;
            env.society = soc.get();
            ExprChecker(cx, env, scope).infer(*a.value);
          }
          continue;
        }
        Env env;
        env.kind = EnvKind::StartArgs;
        env.society = soc.get();
        ExprChecker(cx, env, scope).checkStartArgs(role->start, false);
      }
    }
    for (auto& sup : m->supervisors) {
      bool pool = sup->strategy == ast::Strategy::SimpleOneForOne;
      for (auto& child : sup->children) {
        Env env;
        env.kind = EnvKind::StartArgs;
        env.supervisor = sup.get();
        ExprChecker ec(cx, env, scope);
        // Resolve every sibling's target before checking arguments that name siblings.
        ast::StartArgs probe;
        probe.target = child->start.target;
        ec.checkStartArgs(probe, true);
        child->start.targetKind = probe.targetKind;
        child->start.actor = probe.actor;
        child->start.supervisor = probe.supervisor;
        child->start.society = probe.society;
      }
      for (auto& child : sup->children) {
        Env env;
        env.kind = EnvKind::StartArgs;
        env.supervisor = sup.get();
        ExprChecker(cx, env, scope).checkStartArgs(child->start, pool);
      }
    }
  }
  if (const ast::MainDecl* main = cx.program.main) {
    Env env;
    env.kind = EnvKind::StartArgs;
    auto& start = const_cast<ast::MainDecl*>(main)->start;
    ExprChecker(cx, env, scope).checkStartArgs(start, false);
  }
}

}  // namespace fnd::sema
