// One running society's shared state, for both back ends (fnd/society.hpp).
#include "fnd/society.hpp"

#include <algorithm>
#include <utility>

#include "fnd/society_remote.hpp"
#include "fnd/supervisor.hpp"

namespace fnd {

Society::Society(std::string name, SocietyTopology topology) : name_(std::move(name)), topology_(topology) {}

void Society::add_role(const std::string& role, std::size_t count) {
  const std::size_t first = members_.size();
  for (std::size_t i = 0; i < count; ++i) members_.push_back(child_ref(name_, role + "." + std::to_string(i)));
  roles_.push_back({role, first, count});
}

const Society::Role* Society::find_role(std::string_view role) const {
  for (const auto& r : roles_)
    if (r.name == role) return &r;
  return nullptr;
}

std::vector<Ref> Society::role_members(std::string_view role) const {
  const Role* r = find_role(role);
  if (!r) return {};
  auto begin = members_.begin() + static_cast<std::ptrdiff_t>(r->first);
  return std::vector<Ref>(begin, begin + static_cast<std::ptrdiff_t>(r->count));
}

std::vector<Ref> Society::neighbors(std::size_t index) const {
  std::vector<Ref> out;
  for (std::size_t j : society_neighbors(topology_, index, members_.size())) out.push_back(members_[j]);
  return out;
}

void Society::subscribe(std::size_t index, const Pid& self, std::string_view topic) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = subscribers_.find(topic);
    if (it == subscribers_.end()) it = subscribers_.emplace(std::string(topic), std::map<std::size_t, Pid>{}).first;
    it->second.insert_or_assign(index, self);
  }
  society_remote::detail::notify({name_, std::string(topic), index, self});
}

std::vector<Pid> Society::subscribers(std::string_view topic) const {
  std::vector<std::pair<std::size_t, Pid>> found;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = subscribers_.find(topic); it != subscribers_.end())
      for (const auto& [index, pid] : it->second)
        if (pid.alive()) found.emplace_back(index, pid);
  }
  // Members on other nodes (their liveness is not known here: a send to an exited one is dropped
  // there); merged in member order.
  const std::size_t local = found.size();
  society_remote::detail::append_subscribers(name_, topic, found);
  if (found.size() > local)
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Pid> out;
  out.reserve(found.size());
  for (auto& [index, pid] : found) out.push_back(std::move(pid));
  return out;
}

namespace {
thread_local SocietyMembership pending;
}

void set_pending_society_membership(SocietyMembership m) noexcept { pending = std::move(m); }

SocietyMembership take_pending_society_membership() noexcept {
  if (!pending.society) return {};
  SocietyMembership m = std::move(pending);
  pending = SocietyMembership{};
  return m;
}

}  // namespace fnd
