// Supervisors and societies: a function per declaration that builds the runtime's spec for an
// instance registered under `name` (children are then "<name>.<child>", reachable by child_ref).
#include "backends/cpp/gen.hpp"
#include "backends/cpp/gen_cluster.hpp"

namespace fnd::backend::cpp {

using namespace ast;

namespace {
const char* strategyName(Strategy s) {
  switch (s) {
    case Strategy::OneForOne: return "fnd::Strategy::one_for_one";
    case Strategy::OneForAll: return "fnd::Strategy::one_for_all";
    case Strategy::RestForOne: return "fnd::Strategy::rest_for_one";
    case Strategy::SimpleOneForOne: return "fnd::Strategy::simple_one_for_one";
  }
  return "fnd::Strategy::one_for_one";
}
const char* restartName(Restart r) {
  switch (r) {
    case Restart::Permanent: return "fnd::Restart::permanent";
    case Restart::Transient: return "fnd::Restart::transient";
    case Restart::Temporary: return "fnd::Restart::temporary";
  }
  return "fnd::Restart::permanent";
}
const char* topologyName(Topology t) {
  switch (t) {
    case Topology::Mesh: return "fnd::lang::Topology::mesh";
    case Topology::Tree: return "fnd::lang::Topology::tree";
    case Topology::Ring: return "fnd::lang::Topology::ring";
    case Topology::Star: return "fnd::lang::Topology::star";
    case Topology::PubSub: return "fnd::lang::Topology::pub_sub";
  }
  return "fnd::lang::Topology::mesh";
}
}  // namespace

void Gen::supervisorDef(Code& c, const SupervisorDecl& s) {
  scope_ = Scope{Scope::Supervisor, nullptr, nullptr, "name"};
  c.line(from(s.range));
  c.open("fnd::SupervisorSpec supervisor_" + s.name.name + "(const std::string& name)");
  c.line("fnd::SupervisorSpec spec;");
  c.line("spec.name = name;");
  c.line(std::string("spec.strategy = ") + strategyName(s.strategy) + ";");
  c.line("spec.intensity = " + std::to_string(s.intensity.maxRestarts) + ";");
  c.line("spec.period = std::chrono::milliseconds(" + std::to_string(s.intensity.periodMs) + ");");
  if (s.strategy == Strategy::SimpleOneForOne) {
    c.line("fnd::lang::register_pool(" + quote(s.name.name) + ", name);  // for `spawn " + s.name.name + "(...)`");
  }
  for (const auto& ch : s.children) {
    const std::string id = quote(ch->name.name);
    const StartArgs& st = ch->start;
    c.line(from(ch->range).substr(0, 3) + "child " + ch->name.name + ": " + st.target.name);
    if (s.strategy == Strategy::SimpleOneForOne) {
      // The template: each `spawn` supplies how to start the child.
      c.line("spec.children.push_back(fnd::lang::pool_template(" + std::string(restartName(ch->restart)) + "));");
      continue;
    }
    switch (st.targetKind) {
      case TargetKind::Actor: {
        c.open("");
        c.line("fnd::ChildSpec c;");
        c.line("c.id = " + id + ";");
        c.line(std::string("c.restart = ") + restartName(ch->restart) + ";");
        c.line("c.start = " + placedStart(program_, "[name](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> { return " + spawnCall(st, "ctx.") + "; }") + ";");
        c.line("spec.children.push_back(std::move(c));");
        c.close();
        break;
      }
      case TargetKind::Supervisor:
        c.line("spec.children.push_back(fnd::lang::supervisor_child(name, " + id + ", " + supervisorFn(*st.supervisor) +
               "(fnd::lang::child_name(name, " + id + "))));");
        if (ch->restart != Restart::Permanent)
          c.line("spec.children.back().restart = " + std::string(restartName(ch->restart)) + ";");
        break;
      case TargetKind::Society:
        c.line("spec.children.push_back(fnd::lang::society_child(name, " + id + ", " + societyFn(*st.society) +
               "(fnd::lang::child_name(name, " + id + "))));");
        if (ch->restart != Restart::Permanent)
          c.line("spec.children.back().restart = " + std::string(restartName(ch->restart)) + ";");
        break;
      case TargetKind::Unresolved:
        c.line("// unresolved child target");
        break;
    }
  }
  c.line("return spec;");
  c.close();
}

void Gen::societyDef(Code& c, const SocietyDecl& s) {
  scope_ = Scope{Scope::Society, nullptr, &s, "name"};
  c.line(from(s.range));
  c.open("fnd::lang::SocietySpec society_" + s.name.name + "(const std::string& name)");
  c.line("fnd::lang::SocietySpec spec;");
  c.line("spec.name = name;");
  c.line(std::string("spec.topology = ") + topologyName(s.topology) + ";");
  c.line(std::string("spec.self_healing = ") + (s.faultTolerance == FaultTolerance::SelfHealing ? "true" : "false") + ";");
  c.line("spec.intensity = " + std::to_string(s.intensity.maxRestarts) + ";");
  c.line("spec.period = std::chrono::milliseconds(" + std::to_string(s.intensity.periodMs) + ");");
  for (const auto& r : s.roles) {
    c.line(from(r->range).substr(0, 3) + r->name.name + ": " + r->start.target.name + " x " + std::to_string(r->count));
    c.line("spec.roles.push_back({" + quote(r->name.name) + ", " + std::to_string(r->count) + ", " +
           placedStart(program_, "[name](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> { return " + spawnCall(r->start, "ctx.") + "; }") + "});");
  }
  c.line("return spec;");
  c.close();
}

}  // namespace fnd::backend::cpp
