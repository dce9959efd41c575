// Drives fnd_membership's SWIM state machine from a DistNode's network thread: its datagrams travel as
// unsequenced `membership` frames outside the reliable links (a retransmitted probe would hide the
// failure it is meant to see), tick() runs from the network loop, and its events act on the links:
// up -> connect, down/left -> declare the node down (monitors and links fire with noconnection);
// suspect/alive/left also go to DistNode subscribers. DistNode::stop() leaves gracefully (dist.cpp).
//
// Addressing: SWIM names peers by address, the transport by node name (its DEALERs are keyed by name,
// and the ROUTER tells who sent a frame by name). Every membership member carries both, so the map
// address -> name is filled from seeds, connect(), heartbeats and membership events; a datagram for
// an address whose name is not known yet is dropped and counted (SWIM retries: joins every
// join_retry_interval, probes every period).
#include <future>

#include "core.hpp"
#include "fnd/log.hpp"

namespace fnd::dist {

namespace {
membership::Time swim_time(SteadyClock::time_point t) {
  return std::chrono::duration_cast<membership::Time>(t.time_since_epoch());
}
}  // namespace

void DistNode::Core::membership_start() {
  if (!opts.membership) return;
  try {
    swim = std::make_unique<membership::Membership>(membership::NodeId{name, address, inc}, *opts.membership, inc);
  } catch (const std::exception& e) {
    log::error(std::string("dist: membership not started: ") + e.what());
    return;
  }
  swim->subscribe([this](const membership::MembershipEvent& e) { on_membership_event(e); });
  std::vector<std::string> seed_addresses;
  for (auto& [n, a] : opts.seeds) {
    if (n == name) continue;
    name_of_address[a] = n;
    connect_io(n, a);
    seed_addresses.push_back(a);
  }
  swim->start(seed_addresses, swim_time(SteadyClock::now()));
  membership_flush();
}

void DistNode::Core::membership_datagram(std::string_view from, std::string_view body) {
  if (!swim) {
    stats.stale.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::span<const uint8_t> bytes{reinterpret_cast<const uint8_t*>(body.data()), body.size()};
  // The sender's address, vouched for by the transport's name of the sender: the answer to a join
  // can go back before the sender's first heartbeat has told us where it listens. (Membership traffic
  // is a few datagrams per period: decoding the header twice costs nothing that matters.)
  membership::wire::Message m;
  if (membership::wire::decode(bytes, m) == membership::wire::DecodeError::ok && m.sender.name == from &&
      !m.sender.address.empty() && !name_of_address.count(m.sender.address))
    name_of_address[m.sender.address] = std::string(from);
  swim->on_datagram(bytes, swim_time(SteadyClock::now()));
  membership_flush();
}

void DistNode::Core::membership_timers(SteadyClock::time_point now) {
  if (!swim) return;
  if (swim_time(now) >= swim->next_deadline()) swim->tick(swim_time(now));
  membership_flush();
}

std::chrono::milliseconds DistNode::Core::membership_wait(SteadyClock::time_point now) const {
  if (!swim) return std::chrono::milliseconds::max();
  auto left = swim->next_deadline() - swim_time(now);
  return std::max(std::chrono::milliseconds(0), std::chrono::ceil<std::chrono::milliseconds>(left));
}

void DistNode::Core::membership_flush() {
  for (auto& out : swim->take_outgoing()) {
    auto it = name_of_address.find(out.to_address);
    if (it == name_of_address.end()) {
      stats.membership_unroutable.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    connect_io(it->second, out.to_address);  // no-op when already connected there
    zmq::message_t f = make_frame(wire::Kind::membership,
                                  std::string_view(reinterpret_cast<const char*>(out.bytes.data()), out.bytes.size()));
    if (transport->send(it->second, std::move(f))) stats.frames_out.fetch_add(1, std::memory_order_relaxed);
  }
}

void DistNode::Core::on_membership_event(const membership::MembershipEvent& e) {
  const membership::NodeId& n = e.node;
  if (n.name == name) return;
  switch (e.kind) {
    case membership::EventKind::up:
      if (!n.address.empty()) {
        name_of_address[n.address] = n.name;
        connect_io(n.name, n.address);
      }
      break;
    case membership::EventKind::suspect:
      emit(NodeEvent{NodeEventKind::suspect, n.name, n.incarnation, "membership: a probe failed (SWIM)"});
      break;
    case membership::EventKind::alive:
      emit(NodeEvent{NodeEventKind::alive, n.name, n.incarnation, "membership: refuted the suspicion"});
      break;
    case membership::EventKind::down:
    case membership::EventKind::left: {
      // A graceful leave is told as such first; the down that follows is the incarnation ending
      // (monitors and links fire noconnection), as for a failure.
      if (e.kind == membership::EventKind::left) emit(NodeEvent{NodeEventKind::left, n.name, n.incarnation, "left the cluster"});
      Peer* p = nullptr;
      {
        std::lock_guard<std::mutex> l(mu);
        auto it = by_identity.find({n.name, n.incarnation});
        if (it != by_identity.end()) p = it->second;
      }
      if (p)
        declare_down_io(p, e.kind == membership::EventKind::left ? "left the cluster"
                                                                 : "membership: failed probes and suspicion (SWIM)",
                        false);
      break;
    }
  }
}

std::vector<membership::Member> DistNode::members() const {
  if (core_->stopped || core_->error || !core_->opts.membership) return {};
  auto done = std::make_shared<std::promise<std::vector<membership::Member>>>();
  auto f = done->get_future();
  Core* c = core_;
  c->post_command([c, done] { done->set_value(c->swim ? c->swim->members() : std::vector<membership::Member>{}); });
  if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return {};
  return f.get();
}

}  // namespace fnd::dist
