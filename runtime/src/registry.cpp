// The node-local name registry, and the hook through which fnd_dist adds the cluster's global names
// (fnd/detail/name_resolver.hpp).
#include "internal.hpp"

namespace fnd::detail {

Result<void> Registry::add(const std::string& name, const Pid& pid) {
  if (name.empty() || !pid) return Error(errc::badarg, "register_name needs a name and a pid");
  std::lock_guard<std::mutex> g(mu_);
  if (!pid.alive()) return Error(errc::noproc, "cannot register " + name + ": " + pid.to_string() + " is dead");
  auto it = names_.find(name);
  if (it != names_.end()) {
    // Idempotent for the holder itself: a nested supervisor registers its own name, and its parent
    // registers the same name for the child it started.
    if (it->second == pid) return ok();
    if (it->second.alive())
      return Error(errc::name_taken, "name '" + name + "' is taken by " + it->second.to_string())
          .with("name", name)
          .with("holder", it->second.to_string());
    erase_name_locked(it->second.id(), name);  // a dead holder not yet cleaned up
    names_.erase(it);
  }
  names_.emplace(name, pid);
  by_pid_.emplace(pid.id(), name);
  pid.control_block()->flags.fetch_or(kCbRegistered, std::memory_order_release);
  return ok();
}

bool Registry::remove(std::string_view name) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = names_.find(std::string(name));
  if (it == names_.end()) return false;
  erase_name_locked(it->second.id(), it->first);
  names_.erase(it);
  return true;
}

void Registry::remove_pid(const Pid& pid) {
  std::lock_guard<std::mutex> g(mu_);
  auto [b, e] = by_pid_.equal_range(pid.id());
  for (auto bp = b; bp != e; ++bp) {
    auto it = names_.find(bp->second);
    if (it != names_.end() && it->second == pid) names_.erase(it);
  }
  by_pid_.erase(b, e);
}

void Registry::erase_name_locked(uint64_t id, const std::string& name) {
  auto [b, e] = by_pid_.equal_range(id);
  for (auto bp = b; bp != e; ++bp)
    if (bp->second == name) {
      by_pid_.erase(bp);
      return;
    }
}

Pid Registry::find(std::string_view name) const {
  std::shared_ptr<const NameResolver> resolver;
  {
    std::lock_guard<std::mutex> g(mu_);
    auto it = names_.find(std::string(name));
    if (it != names_.end()) return it->second;  // local names win over global ones
    resolver = resolver_;
  }
  // Outside the lock: the resolver may wait for the network thread, which itself looks names up.
  return resolver ? (*resolver)(name) : Pid();
}

Pid Registry::find_local(std::string_view name) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = names_.find(std::string(name));
  return it == names_.end() ? Pid() : it->second;
}

void Registry::set_resolver(std::shared_ptr<const NameResolver> r) {
  {
    std::lock_guard<std::mutex> g(mu_);
    resolver_.swap(r);
  }
  // `r` (the previous resolver) is released here, outside the lock: its owner's teardown may look names up.
}

void Registry::remove_resolver(const NameResolver* installed) {
  std::shared_ptr<const NameResolver> old;
  {
    std::lock_guard<std::mutex> g(mu_);
    if (resolver_.get() == installed) old.swap(resolver_);
  }
}

std::string Registry::name_of(const Pid& pid) const {
  std::lock_guard<std::mutex> g(mu_);
  auto [b, e] = by_pid_.equal_range(pid.id());
  std::string out;
  for (auto bp = b; bp != e; ++bp) out = out.empty() ? bp->second : bp->second + "," + out;
  return out;
}

void set_name_resolver(Node& node, std::shared_ptr<const NameResolver> resolver) {
  node.impl()->registry.set_resolver(std::move(resolver));
}
void remove_name_resolver(Node& node, const NameResolver* installed) { node.impl()->registry.remove_resolver(installed); }
Pid whereis_local(const Node& node, std::string_view name) { return node.impl()->registry.find_local(name); }

}  // namespace fnd::detail
