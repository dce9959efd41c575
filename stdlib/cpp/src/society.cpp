// Societies on top of the runtime's supervisors (see society.hpp).
#include "fnd/lang/society.hpp"

#include "fnd/lang/supervision.hpp"

namespace fnd::lang {

namespace detail {
namespace {
thread_local Membership pending;
}
Membership take_pending_membership() noexcept {
  if (!pending.society) return {};
  Membership m = std::move(pending);
  pending = Membership{};
  return m;
}
void set_pending_membership(Membership m) noexcept { pending = std::move(m); }
}  // namespace detail

const SocietyState::Role* SocietyState::find_role(std::string_view role) const {
  for (const auto& r : roles)
    if (r.name == role) return &r;
  return nullptr;
}

std::vector<fnd::Ref> SocietyState::neighbors(std::size_t i) const {
  std::vector<fnd::Ref> out;
  for (std::size_t j : fnd::society_neighbors(topology, i, members.size())) out.push_back(members[j]);
  return out;
}

fnd::SupervisorSpec society_supervisor(const SocietySpec& spec) {
  auto state = std::make_shared<SocietyState>();
  state->name = spec.name;
  state->topology = spec.topology;
  for (const auto& role : spec.roles) {
    const std::size_t first = state->members.size();
    for (std::int64_t i = 0; i < role.count; ++i)
      state->members.push_back(fnd::child_ref(spec.name, role.name + "." + std::to_string(i)));
    state->roles.push_back({role.name, first, static_cast<std::size_t>(role.count)});
  }

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
        detail::set_pending_membership(Membership{state, index});
        auto r = start(ctx);
        detail::set_pending_membership(Membership{});  // in case the start failed before constructing
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
