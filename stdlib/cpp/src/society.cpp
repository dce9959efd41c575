// Societies on top of the runtime's supervisors (see society.hpp).
#include "fnd/lang/society.hpp"

#include "fnd/lang/supervision.hpp"

namespace fnd::lang {

fnd::SupervisorSpec society_supervisor(const SocietySpec& spec) {
  auto state = std::make_shared<SocietyState>(spec.name, spec.topology);
  for (const auto& role : spec.roles) state->add_role(role.name, static_cast<std::size_t>(role.count));

  fnd::SupervisorSpec sup;
  sup.name = spec.name;
  sup.strategy = fnd::Strategy::one_for_one;
  sup.intensity = spec.intensity;
  sup.period = spec.period;
  std::size_t index = 0;
  for (const auto& role : spec.roles) {
    for (std::int64_t i = 0; i < role.count; ++i, ++index) {
      fnd::ChildSpec c;
      c.id = role.name + "." + std::to_string(i);
      c.restart = spec.self_healing ? fnd::Restart::permanent : fnd::Restart::temporary;
      c.start = [state, index, start = role.start](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> {
        fnd::set_pending_society_membership(Membership{state, index});
        auto r = start(ctx);
        fnd::set_pending_society_membership(Membership{});  // in case the start failed before constructing
        return r;
      };
      sup.children.push_back(std::move(c));
    }
  }
  return sup;
}

List<fnd::Ref> role_refs(std::string_view society, std::string_view role, std::int64_t count) {
  List<fnd::Ref> out;
  for (std::int64_t i = 0; i < count; ++i)
    out.push_back(fnd::child_ref(society, std::string(role) + "." + std::to_string(i)));
  return out;
}

fnd::ChildSpec society_child(const std::string& parent, std::string id, SocietySpec spec) {
  spec.name = child_name(parent, id);
  return supervisor_child(parent, std::move(id), society_supervisor(spec));
}

}  // namespace fnd::lang
