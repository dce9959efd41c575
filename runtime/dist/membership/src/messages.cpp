// Receiving and sending membership datagrams.
#include "fnd/dist/membership/membership.hpp"

namespace fnd::dist::membership {

wire::Message Membership::head(wire::MessageType t) const {
  wire::Message m;
  m.type = t;
  m.sender = self_;
  return m;
}

void Membership::send(const std::string& to, wire::Message h, const std::vector<wire::Update>& first) {
  wire::Encoder e(h);
  for (const auto& u : first) e.append_update(u, config_.max_datagram_bytes);
  broadcasts_.fill(e, config_.max_datagram_bytes, config_.retransmit_limit(live_count()));
  outgoing_.push_back(Outgoing{to, std::move(e).finish()});
  ++stats_.datagrams_out;
}

void Membership::send_sync(const std::string& to, std::uint8_t flags) {
  std::vector<wire::Update> state;
  state.push_back(self_update());
  for (const auto& [name, e] : members_) state.push_back(wire::MemberUpdate{e.m});
  for (auto& c : names_.all()) state.push_back(std::move(c));
  // Chunked into datagrams; each chunk merges on its own. Only the first asks for a reply.
  std::size_t i = 0;
  bool first = true;
  while (i < state.size()) {
    auto h = head(wire::MessageType::sync);
    h.sync_flags = first ? flags : 0;
    wire::Encoder e(h);
    while (i < state.size() && e.append_update(state[i], config_.max_datagram_bytes)) ++i;
    if (e.update_count() == 0) ++i;  // cannot happen with validated sizes; never loop forever
    outgoing_.push_back(Outgoing{to, std::move(e).finish()});
    ++stats_.datagrams_out;
    first = false;
  }
}

std::vector<Outgoing> Membership::take_outgoing() {
  std::vector<Outgoing> out;
  out.swap(outgoing_);
  return out;
}

void Membership::on_datagram(std::span<const std::uint8_t> data, Time now) {
  now_ = now;
  ++stats_.datagrams_in;
  wire::Message m;
  wire::DecodeError err = wire::decode(data, m);
  if (err != wire::DecodeError::ok) {
    ++stats_.malformed;
    ++stats_.rejected_by_reason[static_cast<std::size_t>(err)];
    return;
  }
  if (!running_) return;
  handle(m, now);
}

void Membership::handle(wire::Message& m, Time now) {
  if (m.sender.name == self_.name) {
    if (m.sender.incarnation != self_.incarnation) ++stats_.conflicts;
    return;
  }
  bool from_sync = m.type == wire::MessageType::sync;
  // Members first, so that a claim finds its owner when both arrive together.
  for (const auto& u : m.updates)
    if (auto* mu = std::get_if<wire::MemberUpdate>(&u)) apply(*mu, m.sender, from_sync, now);
  for (const auto& u : m.updates)
    if (auto* cu = std::get_if<wire::ClaimUpdate>(&u)) apply(*cu, now);

  switch (m.type) {
    case wire::MessageType::ping:
      if (m.target.name != self_.name || m.target.incarnation != self_.incarnation) {
        ++stats_.misdirected_pings;  // e.g. a probe of our previous incarnation must not succeed
        return;
      }
      {
        auto ack = head(wire::MessageType::ack);
        ack.seq = m.seq;
        send(m.sender.address, std::move(ack));
      }
      break;
    case wire::MessageType::ack:
      if (probe_ && probe_->seq == m.seq) {
        probe_->acked = true;
      } else if (auto it = relays_.find(m.seq); it != relays_.end()) {
        auto ack = head(wire::MessageType::ack);
        ack.seq = it->second.requester_seq;
        send(it->second.requester_address, std::move(ack));
        relays_.erase(it);
      }
      break;
    case wire::MessageType::ping_req: {
      auto ping = head(wire::MessageType::ping);
      ping.seq = next_seq_++;
      ping.target = NodeId{m.target.name, {}, m.target.incarnation};
      // Nack at 80% of the probe timeout (as memberlist), early enough to reach the requester
      // within its period.
      relays_[ping.seq] = Relay{m.sender.address, m.seq, now + config_.probe_timeout * 4 / 5,
                                now + config_.probe_interval};
      send(m.target.address, std::move(ping));
      break;
    }
    case wire::MessageType::nack:
      if (probe_ && probe_->seq == m.seq) ++probe_->nacks;
      break;
    case wire::MessageType::gossip: break;
    case wire::MessageType::sync:
      if (m.sync_flags & wire::kSyncWantReply) {
        // A full state can be many datagrams: answer each sender at most once per half join retry
        // interval (enough for joins and anti-entropy), so repeated requests cannot amplify.
        auto [it, fresh] = sync_replies_.try_emplace(m.sender.address, now);
        if (fresh || now - it->second >= config_.join_retry_interval / 2) {
          it->second = now;
          send_sync(m.sender.address, 0);
        } else {
          ++stats_.sync_replies_suppressed;
        }
      }
      break;
  }
}

}  // namespace fnd::dist::membership
