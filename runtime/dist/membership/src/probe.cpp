// Timers: join retries, probing (direct, then indirect), suspicion timeouts, gossip, anti-entropy.
#include <algorithm>

#include "fnd/dist/membership/membership.hpp"

namespace fnd::dist::membership {

void Membership::tick(Time now) {
  now_ = now;
  if (!running_) return;
  if (!joined_ && now >= next_join_at_) {
    for (const auto& seed : seeds_) send_sync(seed, wire::kSyncWantReply | wire::kSyncJoin);
    next_join_at_ = now + config_.join_retry_interval;
  }
  run_probe(now);
  check_suspicions(now);
  check_suspects(now);
  if (now >= next_gossip_at_) {
    gossip(now);
    next_gossip_at_ = now + config_.gossip_interval;
  }
  if (now >= next_sync_at_) {
    anti_entropy(now);
    next_sync_at_ = now + config_.sync_interval;
  }
  for (auto it = relays_.begin(); it != relays_.end();) {
    Relay& r = it->second;
    if (!r.nacked && now >= r.nack_at) {
      r.nacked = true;
      auto nack = head(wire::MessageType::nack);
      nack.seq = r.requester_seq;
      send(r.requester_address, std::move(nack));
    }
    it = r.expires <= now ? relays_.erase(it) : std::next(it);
  }
  if (now >= next_expire_at_) {
    expire(now);
    next_expire_at_ = now + config_.down_retention / 4;
  }
}

Time Membership::next_deadline() const {
  if (!running_) return Time::max();
  Time t = std::min({next_probe_at_, next_gossip_at_, next_sync_at_, next_expire_at_});
  if (!joined_) t = std::min(t, next_join_at_);
  if (probe_) {
    if (!probe_->acked && !probe_->indirect_sent) t = std::min(t, probe_->started + probe_->timeout);
    t = std::min(t, probe_->started + probe_->period);
  }
  for (const auto& [seq, r] : relays_)
    if (!r.nacked) t = std::min(t, r.nack_at);
  for (const auto& [name, e] : members_)
    if (e.m.status == MemberStatus::suspect) t = std::min({t, e.suspect_deadline, e.next_check});
  return t;
}

void Membership::run_probe(Time now) {
  if (probe_) {
    if (!probe_->acked && !probe_->indirect_sent && now >= probe_->started + probe_->timeout) {
      probe_->indirect_sent = true;
      for (const Entry* helper : random_live(config_.indirect_probes, probe_->target.name)) {
        auto m = head(wire::MessageType::ping_req);
        m.seq = probe_->seq;
        m.target = probe_->target;
        send(helper->m.id.address, std::move(m));
        ++stats_.indirect_probes;
        ++probe_->nacks_expected;
      }
    }
    // Checked before a new probe starts: the period of this probe ends where the next one begins.
    if (now >= probe_->started + probe_->period) {
      if (probe_->acked) {
        adjust_awareness(-1);
      } else {
        // Helpers that did not even nack suggest that we are the one who is slow or cut off.
        const auto& p = *probe_;
        adjust_awareness(p.nacks_expected ? static_cast<int>(p.nacks_expected - std::min(p.nacks, p.nacks_expected)) : 1);
        probe_failed(now);
      }
      probe_.reset();
    }
  }
  if (now >= next_probe_at_) {
    const Duration period = config_.probe_interval * (awareness_ + 1);
    start_probe(now);
    next_probe_at_ += period;
    if (next_probe_at_ <= now) next_probe_at_ = now + period;
  }
}

void Membership::start_probe(Time now) {
  if (probe_order_.empty()) return;
  if (probe_pos_ >= probe_order_.size()) probe_pos_ = 0;
  const std::string name = probe_order_[probe_pos_++];
  auto it = members_.find(name);
  if (it == members_.end() || !is_live(it->second)) return;
  const Entry& e = it->second;
  probe_ = Probe{next_seq_++, e.m.id, now, config_.probe_timeout * (awareness_ + 1),
                 config_.probe_interval * (awareness_ + 1)};
  auto m = head(wire::MessageType::ping);
  m.seq = probe_->seq;
  m.target = NodeId{e.m.id.name, {}, e.m.id.incarnation};
  // Lifeguard's "buddy system": a suspect learns of its suspicion from the probe itself.
  std::vector<wire::Update> first;
  if (e.m.status == MemberStatus::suspect) first.push_back(wire::MemberUpdate{e.m});
  send(e.m.id.address, std::move(m), first);
  ++stats_.probes;
}

void Membership::adjust_awareness(int delta) {
  const int top = static_cast<int>(config_.awareness_max) - 1;
  awareness_ = static_cast<std::uint32_t>(std::clamp(static_cast<int>(awareness_) + delta, 0, top));
}

void Membership::probe_failed(Time now) {
  auto it = members_.find(probe_->target.name);
  if (it == members_.end() || it->second.m.id.incarnation != probe_->target.incarnation) return;
  Entry& e = it->second;
  if (e.m.status != MemberStatus::alive) return;  // already suspect: its timer runs
  ++stats_.suspicions_raised;
  set_status(e, MemberStatus::suspect, e.m.version, now);
}

void Membership::check_suspicions(Time now) {
  for (auto& [name, e] : members_)
    if (e.m.status == MemberStatus::suspect && now >= e.suspect_deadline)
      set_status(e, MemberStatus::down, e.m.version, now);
}

// Every member holding a suspicion sends it to the accused each gossip_interval until it is refuted
// or times out. The accused answers with its current version (a refutation, or the one it made
// already), so a member that gossip missed still learns of the refutation before its own timer
// runs out. A dead node never answers: detection time is unchanged.
void Membership::check_suspects(Time now) {
  for (auto& [name, e] : members_) {
    if (e.m.status != MemberStatus::suspect || now < e.next_check) continue;
    e.next_check = now + config_.gossip_interval;
    send(e.m.id.address, head(wire::MessageType::gossip), {wire::MemberUpdate{e.m}});
  }
}

void Membership::gossip(Time now) {
  if (broadcasts_.empty()) return;
  for (const Entry* e : random_live(config_.gossip_fanout, {})) send(e->m.id.address, head(wire::MessageType::gossip));
}

void Membership::anti_entropy(Time now) {
  auto live = random_live(1, {});
  if (!live.empty()) send_sync(live.front()->m.id.address, wire::kSyncWantReply);
  // A member we hold down may be alive behind a healed partition: offer it our state so it can
  // refute, and learn its side.
  std::vector<const Entry*> down;
  for (const auto& [name, e] : members_)
    if (e.m.status == MemberStatus::down) down.push_back(&e);
  if (!down.empty()) send_sync(down[rand(down.size())]->m.id.address, wire::kSyncWantReply);
  // A seed that is not a live member (it started late, alone, or restarted) is asked to join us:
  // one seed per interval, so a cluster finds its seeds whatever the start order.
  std::vector<const std::string*> absent;
  for (const auto& seed : seeds_) {
    bool known = std::any_of(members_.begin(), members_.end(),
                             [&](const auto& kv) { return is_live(kv.second) && kv.second.m.id.address == seed; });
    if (!known) absent.push_back(&seed);
  }
  if (!absent.empty()) send_sync(*absent[rand(absent.size())], wire::kSyncWantReply | wire::kSyncJoin);
}

void Membership::expire(Time now) {
  for (auto it = members_.begin(); it != members_.end();) {
    const Entry& e = it->second;
    bool old = !is_live(e) && now - e.since >= config_.down_retention;
    it = old ? members_.erase(it) : std::next(it);
  }
  names_.expire(now - config_.down_retention);
  for (auto it = sync_replies_.begin(); it != sync_replies_.end();)
    it = now - it->second >= config_.join_retry_interval ? sync_replies_.erase(it) : std::next(it);
}

std::vector<const Membership::Entry*> Membership::random_live(std::size_t k, const std::string& exclude) {
  std::vector<const Entry*> pool;
  for (const auto& [name, e] : members_)
    if (is_live(e) && name != exclude) pool.push_back(&e);
  // Partial Fisher-Yates with our seeded generator (reproducible, unlike std::shuffle's spec).
  std::size_t n = std::min(k, pool.size());
  for (std::size_t i = 0; i < n; ++i) std::swap(pool[i], pool[i + rand(pool.size() - i)]);
  pool.resize(n);
  return pool;
}

}  // namespace fnd::dist::membership
