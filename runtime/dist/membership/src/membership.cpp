// Construction, lifecycle and the SWIM state transitions of members.
#include "fnd/dist/membership/membership.hpp"

#include <algorithm>
#include <stdexcept>

namespace fnd::dist::membership {

Membership::Membership(NodeId self, Config config, std::uint64_t seed)
    : self_(std::move(self)), config_(config), rng_(seed) {
  if (auto err = config_.validate()) throw std::invalid_argument("membership config: " + *err);
  if (self_.name.empty() || self_.name.size() > wire::kMaxString)
    throw std::invalid_argument("membership: node name must have 1 to 255 bytes");
  if (self_.address.empty() || self_.address.size() > wire::kMaxString)
    throw std::invalid_argument("membership: node address must have 1 to 255 bytes");
}

void Membership::start(std::vector<std::string> seeds, Time now) {
  if (running_ || leaving_) return;
  running_ = true;
  now_ = now;
  seeds_.clear();
  for (auto& s : seeds)
    if (s != self_.address) seeds_.push_back(std::move(s));
  joined_ = seeds_.empty();
  next_join_at_ = now;  // first join attempt at the first tick
  next_probe_at_ = now + config_.probe_interval;
  next_gossip_at_ = now + config_.gossip_interval;
  next_sync_at_ = now + config_.sync_interval;
  next_expire_at_ = now + config_.down_retention;
  tick(now);
}

void Membership::leave(Time now) {
  if (!running_ || leaving_) return;
  leaving_ = true;
  now_ = now;
  version_ += 1;
  Member me{self_, MemberStatus::left, version_};
  // Tell every live member directly (not only a gossip fanout): a leave must not look like a crash.
  std::vector<wire::Update> first{wire::MemberUpdate{me}};
  for (auto& [name, e] : members_)
    if (is_live(e)) send(e.m.id.address, head(wire::MessageType::gossip), first);
  broadcasts_ = BroadcastQueue{};
  probe_.reset();
  relays_.clear();
  running_ = false;
}

bool Membership::is_live(const Entry& e) const {
  return e.m.status == MemberStatus::alive || e.m.status == MemberStatus::suspect;
}

std::size_t Membership::live_count() const {
  std::size_t n = 1;
  for (const auto& [name, e] : members_) n += is_live(e) ? 1 : 0;
  return n;
}

std::vector<Member> Membership::members() const {
  std::vector<Member> out;
  for (const auto& [name, e] : members_) out.push_back(e.m);
  return out;
}

std::optional<Member> Membership::member(const std::string& name) const {
  auto it = members_.find(name);
  if (it == members_.end()) return std::nullopt;
  return it->second.m;
}

std::size_t Membership::subscribe(Subscriber s) {
  subscribers_.emplace(next_subscriber_, std::move(s));
  return next_subscriber_++;
}
void Membership::unsubscribe(std::size_t id) { subscribers_.erase(id); }
std::size_t Membership::subscribe_registry(RegistrySubscriber s) {
  registry_subscribers_.emplace(next_subscriber_, std::move(s));
  return next_subscriber_++;
}
void Membership::unsubscribe_registry(std::size_t id) { registry_subscribers_.erase(id); }

void Membership::emit(EventKind k, const Member& m) {
  MembershipEvent ev{k, m.id, m.version};
  auto subs = subscribers_;  // a subscriber may unsubscribe itself
  for (auto& [id, fn] : subs) fn(ev);
}

void Membership::add_new(const Member& m, Time now) {
  Entry e{m, now, {}};
  if (m.status == MemberStatus::suspect) {
    e.suspect_deadline = now + config_.suspicion_timeout(live_count() + 1);
    e.next_check = now;
  }
  members_[m.id.name] = e;
  if (is_live(e)) {
    // A random position keeps each prober's permutation random (SWIM's randomized round robin).
    std::size_t pos = rand(probe_order_.size() + 1);
    probe_order_.insert(probe_order_.begin() + static_cast<std::ptrdiff_t>(pos), m.id.name);
    if (pos < probe_pos_) ++probe_pos_;
    joined_ = true;
    emit(EventKind::up, m);
    if (m.status == MemberStatus::suspect) emit(EventKind::suspect, m);
    broadcasts_.push(wire::MemberUpdate{m});
  }
  // A down or left member we never saw up is recorded silently: it only shields against stale
  // alive updates for that incarnation.
}

void Membership::set_status(Entry& e, MemberStatus s, std::uint64_t version, Time now) {
  MemberStatus prev = e.m.status;
  bool was_live = is_live(e);
  e.m.status = s;
  e.m.version = version;
  if (prev != s) e.since = now;
  broadcasts_.push(wire::MemberUpdate{e.m});
  switch (s) {
    case MemberStatus::alive:
      if (!was_live) {
        // Back after being declared down (a healed partition): same incarnation, fresh "up".
        auto pos = rand(probe_order_.size() + 1);
        probe_order_.insert(probe_order_.begin() + static_cast<std::ptrdiff_t>(pos), e.m.id.name);
        if (pos < probe_pos_) ++probe_pos_;
        joined_ = true;
        emit(EventKind::up, e.m);
      } else if (prev == MemberStatus::suspect) {
        emit(EventKind::alive, e.m);
      }
      break;
    case MemberStatus::suspect:
      if (prev != MemberStatus::suspect) {
        e.suspect_deadline = now + config_.suspicion_timeout(live_count());
        e.next_check = now;  // tell the accused at the next tick
        emit(EventKind::suspect, e.m);
      }
      break;
    case MemberStatus::down:
      if (was_live) {
        emit(EventKind::down, e.m);
        member_gone(e.m.id);
      }
      break;
    case MemberStatus::left:
      if (was_live) {
        emit(EventKind::left, e.m);
        member_gone(e.m.id);
      }
      break;
  }
}

void Membership::member_gone(const NodeId& id) {
  // Keep the walk where it was: removing an entry before it must not skip the next target.
  auto it = std::find(probe_order_.begin(), probe_order_.end(), id.name);
  if (it != probe_order_.end()) {
    if (static_cast<std::size_t>(it - probe_order_.begin()) < probe_pos_) --probe_pos_;
    probe_order_.erase(it);
  }
  if (probe_pos_ > probe_order_.size()) probe_pos_ = 0;
  if (probe_ && probe_->target.name == id.name) probe_.reset();
  owner_gone(id);
}

void Membership::apply_about_self(const wire::MemberUpdate& u, const NodeId& sender) {
  const Member& m = u.member;
  if (m.id.incarnation != self_.incarnation) {
    // Older: news about our previous life, harmless. Newer: another process claims to be a later
    // start of us (a misconfiguration); count it, keep going.
    if (m.id.incarnation > self_.incarnation) ++stats_.conflicts;
    return;
  }
  if (leaving_ || m.status == MemberStatus::alive) return;
  if (m.version < version_) {
    // Stale accusation (refuted already): its sender still believes it, so answer it directly.
    send(sender.address, head(wire::MessageType::gossip), {self_update()});
    return;
  }
  // Someone suspects us, holds us down or thinks we left: refute with a higher version.
  bool was_down = m.status != MemberStatus::suspect;
  version_ = m.version + 1;
  ++stats_.refutations;
  adjust_awareness(1);  // being suspected is a hint that we are the slow one
  broadcasts_.push(self_update());
  if (was_down) requeue_own_claims();  // others dropped our names with us
  // Every member that heard the suspicion runs its own timer: reach them directly, not only by
  // gossip, whose random targets can miss one of them for a whole suspicion timeout under loss.
  std::vector<wire::Update> first{self_update()};
  for (const Entry* e : random_live(config_.refute_fanout, {})) send(e->m.id.address, head(wire::MessageType::gossip), first);
}

void Membership::apply(const wire::MemberUpdate& u, const NodeId& sender, bool from_sync, Time now) {
  Member m = u.member;
  if (m.id.name == self_.name) return apply_about_self(u, sender);
  // Full-state exchanges report down members as suspect: a node that another side of a partition
  // holds down gets the chance to refute instead of being declared down here too.
  if (from_sync && m.status == MemberStatus::down) m.status = MemberStatus::suspect;

  auto it = members_.find(m.id.name);
  if (it == members_.end()) return add_new(m, now);
  Entry& e = it->second;
  if (m.id.incarnation < e.m.id.incarnation) return;  // stale news about an older start
  if (m.id.incarnation > e.m.id.incarnation) {
    // The name restarted: the old incarnation is gone for good, the new one is a new node.
    if (is_live(e)) {
      e.m.status = MemberStatus::down;
      emit(EventKind::down, e.m);
      member_gone(e.m.id);
    }
    members_.erase(it);
    return add_new(m, now);
  }
  if (m.id.address != e.m.id.address) {
    ++stats_.conflicts;
    return;
  }
  const auto v = m.version;
  switch (m.status) {
    case MemberStatus::alive:
      if (v > e.m.version && e.m.status != MemberStatus::left) set_status(e, MemberStatus::alive, v, now);
      break;
    case MemberStatus::suspect:
      if (e.m.status == MemberStatus::alive && v >= e.m.version) {
        set_status(e, MemberStatus::suspect, v, now);
      } else if (e.m.status == MemberStatus::suspect && v > e.m.version) {
        e.m.version = v;  // same suspicion, newer version: keep the running timer
        broadcasts_.push(wire::MemberUpdate{e.m});
      } else if (e.m.status == MemberStatus::down && v > e.m.version) {
        set_status(e, MemberStatus::alive, v, now);  // it refuted elsewhere, then was suspected
        set_status(e, MemberStatus::suspect, v, now);
      }
      break;
    case MemberStatus::down:
      if (is_live(e) && v >= e.m.version) set_status(e, MemberStatus::down, v, now);
      else if (e.m.status == MemberStatus::down && v > e.m.version) e.m.version = v;
      break;
    case MemberStatus::left:
      if (e.m.status != MemberStatus::left && v >= e.m.version) set_status(e, MemberStatus::left, v, now);
      break;
  }
}

wire::MemberUpdate Membership::self_update() const {
  return wire::MemberUpdate{Member{self_, MemberStatus::alive, version_}};
}

}  // namespace fnd::dist::membership
