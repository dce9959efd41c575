// The global name registry: local operations, merging replicated claims, conflict resolution.
#include "fnd/dist/membership/membership.hpp"

namespace fnd::dist::membership {

std::optional<RegisteredName> Membership::resolve(const wire::ClaimUpdate* c) const {
  if (!c) return std::nullopt;
  NodeId node{c->owner_name, {}, c->owner_incarnation};
  if (c->owner_name == self_.name) {
    node = self_;
  } else if (auto it = members_.find(c->owner_name); it != members_.end()) {
    if (it->second.m.id.incarnation == c->owner_incarnation) node = it->second.m.id;
  }
  return RegisteredName{c->name, node, c->pid_id};
}

std::optional<RegisteredName> Membership::lookup(const std::string& name) const {
  return resolve(names_.holder(name));
}

std::vector<RegisteredName> Membership::registered_names() const {
  std::vector<RegisteredName> out;
  for (const auto* c : names_.holders()) out.push_back(*resolve(c));
  return out;
}

RegisterError Membership::register_name(const std::string& name, std::uint64_t pid_id, Time now) {
  now_ = now;
  if (!running_) return RegisterError::not_running;
  if (name.empty() || name.size() > wire::kMaxString) return RegisterError::invalid_name;
  if (names_.holder(name)) return RegisterError::already_registered;
  std::map<std::string, std::optional<RegisteredName>> before{{name, std::nullopt}};
  wire::ClaimUpdate c{name, self_.name, self_.incarnation, ++lamport_, pid_id, false};
  names_.merge(c, now);
  broadcasts_.push(c);
  resolve_after_change({name}, before);
  return RegisterError::none;
}

bool Membership::unregister_name(const std::string& name, Time now) {
  now_ = now;
  std::map<std::string, std::optional<RegisteredName>> before{{name, lookup(name)}};
  bool found = false;
  for (auto c : names_.live_of(self_.name, self_.incarnation)) {
    if (c.name != name) continue;
    c.removed = true;
    names_.merge(c, now);
    broadcasts_.push(c);
    found = true;
  }
  if (found) resolve_after_change({name}, before);
  return found;
}

void Membership::apply(const wire::ClaimUpdate& c, Time now) {
  lamport_ = std::max(lamport_, c.stamp);
  if (c.owner_name == self_.name) {
    if (c.owner_incarnation != self_.incarnation) return;  // our previous life's names are gone
    if (!c.removed && !names_.find(c)) {
      // A claim of ours we no longer hold (withdrawn, tombstone expired) still travels: kill it.
      wire::ClaimUpdate t = c;
      t.removed = true;
      names_.merge(t, now);
      broadcasts_.push(t);
      return;
    }
  } else if (!c.removed) {
    auto it = members_.find(c.owner_name);
    // Only claims of owners we hold live: names of a node that went down are gone with it.
    if (it == members_.end() || it->second.m.id.incarnation != c.owner_incarnation || !is_live(it->second)) return;
  }
  std::map<std::string, std::optional<RegisteredName>> before{{c.name, lookup(c.name)}};
  if (names_.merge(c, now) == NameTable::MergeResult::ignored) return;
  broadcasts_.push(c);
  resolve_after_change({c.name}, before);
}

void Membership::owner_gone(const NodeId& id) {
  std::map<std::string, std::optional<RegisteredName>> before;
  for (const auto& c : names_.live_of(id.name, id.incarnation)) before[c.name] = lookup(c.name);
  std::vector<std::string> changed = names_.drop_owner(id.name, id.incarnation);
  for (const auto& n : changed)
    if (!before.count(n)) before[n] = lookup(n);  // only tombstones were dropped
  resolve_after_change(changed, before);
}

void Membership::resolve_after_change(const std::vector<std::string>& names,
                                      const std::map<std::string, std::optional<RegisteredName>>& before) {
  for (const auto& name : names) {
    const wire::ClaimUpdate* h = names_.holder(name);
    // Our live claim that is not the holder lost a conflict: withdraw it and tell our subscribers.
    for (auto c : names_.live_of(self_.name, self_.incarnation)) {
      if (c.name != name || (h && c.stamp == h->stamp && h->owner_name == self_.name)) continue;
      c.removed = true;
      names_.merge(c, now_);
      broadcasts_.push(c);
      h = names_.holder(name);
      RegistryEvent ev{RegistryEventKind::lost, *resolve(h), c.pid_id};
      auto subs = registry_subscribers_;
      for (auto& [id, fn] : subs) fn(ev);
    }
    std::optional<RegisteredName> after = resolve(h);
    auto it = before.find(name);
    std::optional<RegisteredName> prev = it == before.end() ? std::nullopt : it->second;
    if (prev == after) continue;
    RegistryEvent ev = after ? RegistryEvent{RegistryEventKind::registered, *after, 0}
                             : RegistryEvent{RegistryEventKind::unregistered, *prev, 0};
    auto subs = registry_subscribers_;
    for (auto& [id, fn] : subs) fn(ev);
  }
}

void Membership::requeue_own_claims() {
  for (auto& c : names_.live_of(self_.name, self_.incarnation)) broadcasts_.push(std::move(c));
}

}  // namespace fnd::dist::membership
