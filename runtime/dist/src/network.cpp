// The network thread of a DistNode: owns the transport and every link's streams. It takes frames queued
// by senders, numbers and transmits them, receives, acknowledges, resends, delivers to local processes,
// and detects silent peers (link-level failure detection).
#include <cstring>

#include "core.hpp"
#include "fnd/log.hpp"
#include "frame_pool.hpp"

namespace fnd::dist {

using detail::Sys;

namespace {
thread_local DistNode::Core* t_decode_core = nullptr;  // set while a payload is decoded
thread_local Peer* t_decode_peer = nullptr;

constexpr uint64_t kAckEvery = 128;                        // delivered messages per standalone ack
constexpr auto kAckDelay = std::chrono::milliseconds(2);   // or this long after the first unacked one
constexpr auto kSweepEvery = std::chrono::seconds(1);
// A batch frame carries at most this many bytes of messages (a single larger message goes alone) and this
// many messages: large enough that a stream pays ZeroMQ's per-message cost rarely, small enough to keep
// a frame's latency low; the whole frame then fits a FramePool buffer (40 + 2 + 4096 x 4 + 65536 bytes).
constexpr size_t kBatchBytes = 64 * 1024;
constexpr size_t kBatchCount = 4096;  // also Peer::batch_limit's initial value
constexpr size_t kKeepQueueBytes = 4u << 20;  // hand-off buffer capacity kept between wake-ups
constexpr size_t kBatchOverhead = wire::kHeaderSize + 2 + kBatchCount * 4;  // header, count, kind + length each
static_assert(kBatchOverhead + kBatchBytes <= FramePool::kBufferSize);

void deliver_signal(const Pid& to, const Pid& from, detail::SignalFields f) {
  Message* s = detail::make_remote_signal(f);
  if (!s) return;
  s->sender_ = from;
  detail::deliver_from_remote(to, s);
}
}  // namespace

void install_pid_resolver() {
  lang::set_pid_resolver([](uint32_t node, uint64_t id) -> fnd::Ref {
    if (!t_decode_core || !t_decode_peer) return fnd::Ref();
    return fnd::Ref(t_decode_core->resolve_payload_pid(t_decode_peer, node, id));
  });
}

Pid DistNode::Core::resolve_payload_pid(Peer* from, uint32_t their_index, uint64_t id) {
  auto it = from->their_nodes.find(their_index);
  if (it == from->their_nodes.end()) return Pid();  // the sender's node table did not name it
  const auto& [n, i] = it->second;
  if (n == name && i == inc) return local(id);
  Peer* p = nullptr;
  {
    std::lock_guard<std::mutex> l(mu);
    auto f = by_identity.find({n, i});
    if (f != by_identity.end()) p = f->second;
  }
  if (!p) p = establish(n, i);  // a third node: reachable once its address is known
  if (!p) p = retired_peer(n, i);  // an incarnation older than the one we know: its pids are dead
  return proxy(p, id);
}

void DistNode::Core::run() {
  set_io_thread(this);
  auto now = SteadyClock::now();
  last_sweep = now;
  membership_start();
  while (!stop_io.load(std::memory_order_acquire)) {
    drain_queue();
    now = SteadyClock::now();
    timers(now);
    membership_timers(now);
    bool busy = false;
    {
      std::lock_guard<std::mutex> l(mu);
      for (auto& p : peers) busy |= p->out.untransmitted() > 0 && p->inc.load() != 0 && p->st() == PeerState::up;
    }
    std::chrono::milliseconds timeout(busy ? 1 : std::max<int64_t>(1, opts.heartbeat.count() / 4));
    timeout = std::min(timeout, membership_wait(now));
    {
      std::lock_guard<std::mutex> l(q_mu);
      if (!queue.empty() || !commands.empty()) timeout = std::chrono::milliseconds(0);
      else io_waiting.store(true, std::memory_order_seq_cst);
    }
    poll_packets(timeout);
    io_waiting.store(false, std::memory_order_seq_cst);
  }
  flush_on_stop();
  // Leaving: local processes watching remote ones hear noconnection now rather than never.
  std::vector<Peer*> all;
  {
    std::lock_guard<std::mutex> l(mu);
    for (auto& [n, p] : current) all.push_back(p);
  }
  for (Peer* p : all) declare_down_io(p, "local node left the cluster", false);
  {
    std::lock_guard<std::mutex> l(q_mu);
    queue.clear();  // queued for peers just declared down
  }
  set_io_thread(nullptr);
}

// What the program sent just before it stopped (`send peer Quit {}; shutdown(0)`) still reaches the
// peers that are up: the queue is drained once more, and the loop keeps taking acks and resending
// until every such peer has acknowledged everything, for at most kStopFlush. Without this the last
// messages were lost whenever the sockets closed before they left (seen under load).
void DistNode::Core::flush_on_stop() {
  constexpr auto kStopFlush = std::chrono::milliseconds(500);
  drain_queue();
  const auto until = SteadyClock::now() + kStopFlush;
  for (;;) {
    bool pending = false;
    {
      std::lock_guard<std::mutex> l(mu);
      for (auto& p : peers) pending |= p->out.unacked() > 0 && p->inc.load() != 0 && p->st() == PeerState::up;
    }
    const auto now = SteadyClock::now();
    if (!pending || now >= until) return;
    timers(now);
    poll_packets(std::chrono::milliseconds(1));
  }
}

void DistNode::Core::poll_packets(std::chrono::milliseconds timeout) {
  transport->poll(timeout, [this](std::string_view from, zmq::message_t& pkt) { on_packet(from, pkt); });
}

void DistNode::Core::drain_queue() {
  std::vector<std::function<void()>> cmds;
  {
    std::lock_guard<std::mutex> l(q_mu);
    draining.swap(queue);  // both keep their capacity: no allocation per wake-up
    if (!commands.empty()) cmds.swap(commands);
  }
  for (auto& c : cmds) c();
  bool any = !draining.empty();
  for (size_t at = 0; at < draining.size();) {
    Queued q;
    std::memcpy(&q, draining.data() + at, sizeof q);
    std::string_view body(draining.data() + at + sizeof q, q.size);
    at += sizeof q + q.size;
    Peer* p = q.peer;
    PeerState s = p->st();
    if (q.generation != p->generation.load() || s == PeerState::down || s == PeerState::retired) {
      p->outstanding.fetch_sub(1, std::memory_order_acq_rel);  // queued before the peer went down
      stats.dropped_down.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    p->out.append(q.kind, body);
  }
  draining.clear();
  if (draining.capacity() > kKeepQueueBytes) std::string().swap(draining);  // after a burst of large ones
  if (any && room_waiters.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> l(room_mu);
    room_cv.notify_all();
  }
  auto now = SteadyClock::now();
  if (any) {  // everything due goes out now, batched: nothing waits for a timer
    std::lock_guard<std::mutex> l(mu);
    for (auto& p : peers) flush(p.get(), now);
  }
}

// Transmits what is due on p's link. Frames wait in the stream until the peer's incarnation is known
// and the link is up (both sides have heard each other in this session).
void DistNode::Core::flush(Peer* p, SteadyClock::time_point now) {
  uint64_t dst = p->inc.load();
  if (dst == 0 || p->st() != PeerState::up) return;
  uint64_t ack = p->in.cumulative_ack();
  // The resend timer runs from the oldest transmission still unacknowledged: after an idle spell it
  // starts now, not at the last ack (which would resend a fresh frame at once).
  bool nothing_in_flight = p->out.unacked() == p->out.untransmitted();
  size_t frames = 0, resent = 0;
  // Each run of due messages becomes one batch frame, built afresh (a resend carries the current ack). A
  // batch stays within our own max_frame (peers normally share it). A peer that refuses our batches
  // anyway (a smaller max_frame) stops acknowledging: the resend timeout then drops the batch limit to
  // one message per frame, as in wire version 1, and acks let it grow back (timers, on_packet) — until
  // it outgrows the peer's limit again: correct, but with a stall of resend_after each time.
  size_t budget = opts.max_frame > kBatchOverhead ? std::min(kBatchBytes, opts.max_frame - kBatchOverhead) : 0;
  size_t n = p->out.transmit(budget ? p->batch_limit : 1, budget, [&](const OutStream::Run& run) {
    size_t body = wire::varint_size(run.size()), again = 0;
    for (size_t i = 0; i < run.size(); ++i) body += wire::batch_entry_size(run[i].size);
    zmq::message_t frame = FramePool::make(wire::kHeaderSize + body);
    char* out = static_cast<char*>(frame.data());
    wire::write_header(out, wire::Header{wire::Kind::batch, p->session, inc, dst, run.first_seq(), ack});
    out = wire::put_varint(out + wire::kHeaderSize, run.size());
    for (size_t i = 0; i < run.size(); ++i) {
      out = wire::put_batch_entry(out, static_cast<wire::Kind>(run[i].kind), run[i].body(), {});
      again += run[i].sent ? 1 : 0;
    }
    if (!transport->send(p->name, std::move(frame))) return false;
    ++frames;
    resent += again;
    return true;
  });
  if (n) {
    stats.frames_out.fetch_add(frames, std::memory_order_relaxed);
    if (resent) stats.resent.fetch_add(resent, std::memory_order_relaxed);
    if (nothing_in_flight) p->last_progress = now;
    p->last_tx = now;
    p->unacked_in = 0;
  }
}

void DistNode::Core::send_heartbeat(Peer* p, SteadyClock::time_point now) {
  zmq::message_t f = make_frame(wire::Kind::heartbeat, wire::encode_heartbeat_body(address));
  wire::patch_link_fields(static_cast<char*>(f.data()), p->session, p->inc.load(), 0, p->in.cumulative_ack());
  if (transport->send(p->name, std::move(f))) {
    stats.frames_out.fetch_add(1, std::memory_order_relaxed);
    p->last_tx = now;
    p->unacked_in = 0;
  }
}

void DistNode::Core::timers(SteadyClock::time_point now) {
  std::vector<Peer*> ps;
  {
    std::lock_guard<std::mutex> l(mu);
    for (auto& p : peers)
      if (p->st() != PeerState::retired) ps.push_back(p.get());
  }
  for (Peer* p : ps) {
    PeerState s = p->st();
    if (s != PeerState::down && opts.down_after.count() > 0 && now - p->last_heard >= opts.down_after) {
      declare_down_io(p, "silent for " + std::to_string(opts.down_after.count()) + "ms", false);
      continue;
    }
    if (p->address.empty()) continue;  // learnt from a pid in a payload: we cannot reach it yet
    if (s == PeerState::up) {
      // Resend: no ack progress for resend_after while the peer is evidently alive (heard lately).
      if (p->out.unacked() > p->out.untransmitted() && now - p->last_progress >= opts.resend_after &&
          now - p->last_heard < opts.resend_after) {
        p->out.rewind();
        p->last_progress = now;
        p->batch_limit = 1;
      }
      flush(p, now);
    }
    bool ack_due = p->unacked_in >= kAckEvery || (p->unacked_in > 0 && now - p->ack_since >= kAckDelay);
    if (ack_due || now - p->last_tx >= opts.heartbeat) send_heartbeat(p, now);
  }
  if (now - last_sweep >= kSweepEvery) {
    last_sweep = now;
    std::lock_guard<std::mutex> l(mu);
    // Proxies only the table references, exported pids of dead processes: nobody can reach them again.
    for (auto it = proxies.begin(); it != proxies.end();) {
      if (it->second.control_block()->refs.load(std::memory_order_acquire) == 1) it = proxies.erase(it);
      else ++it;
    }
    for (auto it = exports.begin(); it != exports.end();) {
      if (!it->second.alive()) it = exports.erase(it);
      else ++it;
    }
  }
}

void DistNode::Core::connect_io(const std::string& n, const std::string& addr) {
  Peer* p = nullptr;
  {
    std::lock_guard<std::mutex> l(mu);
    auto it = current.find(n);
    if (it != current.end()) p = it->second;
  }
  if (!p) p = create_peer(n, 0);
  name_of_address[addr] = n;
  if (p->address != addr) {
    p->address = addr;
    transport->connect(n, addr);
  }
}

Peer* DistNode::Core::create_peer(const std::string& n, uint64_t i) {
  auto up = std::make_unique<Peer>();
  Peer* p = up.get();
  p->name = n;
  p->inc.store(i);
  auto now = SteadyClock::now();
  p->last_heard = p->last_progress = p->last_tx = now;
  {
    std::lock_guard<std::mutex> l(mu);
    if (next_index == node.id()) ++next_index;
    p->index = next_index++;
    Peer*& cur = current[n];
    if (cur) p->address = cur->address;
    cur = p;
    if (i) by_identity[{n, i}] = p;
    peers.push_back(std::move(up));
  }
  if (!p->address.empty()) transport->connect(n, p->address);
  if (i) announce(p);
  return p;
}

// Tells every linked peer p's index and identity, before any pid of p can reach them (same ordered streams).
void DistNode::Core::announce(Peer* p) {
  std::vector<wire::NodeEntry> e{{p->index, p->name, p->inc.load()}};
  std::string body = wire::encode_nodes_body(e);
  std::vector<Peer*> ups;
  {
    std::lock_guard<std::mutex> l(mu);
    for (auto& q : peers)
      if (q.get() != p && q->st() == PeerState::up) ups.push_back(q.get());
  }
  for (Peer* q : ups) send_sequenced(q, wire::Kind::nodes, body);
}

// A record of an incarnation of n older than its current one, first named by a pid in a payload: retired
// from the start (never current, never connected), so its pids compare unequal to the live node's and
// a monitor or link on them fires noconnection at once.
Peer* DistNode::Core::retired_peer(const std::string& n, uint64_t i) {
  auto up = std::make_unique<Peer>();
  Peer* p = up.get();
  p->name = n;
  p->inc.store(i);
  p->state.store(static_cast<int>(PeerState::retired));
  {
    std::lock_guard<std::mutex> l(mu);
    if (next_index == node.id()) ++next_index;
    p->index = next_index++;
    by_identity[{n, i}] = p;
    peers.push_back(std::move(up));
  }
  announce(p);
  return p;
}

// The peer that sent a frame with incarnation `i`; nullptr if `i` is an incarnation we have retired or
// one older than the current incarnation of n.
Peer* DistNode::Core::establish(const std::string& n, uint64_t i) {
  Peer* cur = nullptr;
  {
    std::lock_guard<std::mutex> l(mu);
    auto known = by_identity.find({n, i});
    if (known != by_identity.end()) return known->second->st() == PeerState::retired ? nullptr : known->second;
    auto it = current.find(n);
    if (it != current.end()) cur = it->second;
    if (cur && cur->inc.load() == 0) {  // configured by connect(), first heard now
      cur->inc.store(i);
      by_identity[{n, i}] = cur;
    }
  }
  if (cur && cur->inc.load() == i) {
    announce(cur);
    return cur;
  }
  // An older incarnation than the current one (a late frame, or a pid a third node kept): it is gone.
  // It must not replace the live node (incarnations grow across restarts, fresh_incarnation()).
  if (cur && i < cur->inc.load()) return nullptr;
  if (cur) declare_down_io(cur, "restarted", true);  // a new incarnation: the old node is gone for good
  return create_peer(n, i);
}

void DistNode::Core::send_sequenced(Peer* p, wire::Kind kind, std::string_view body) {
  p->outstanding.fetch_add(1, std::memory_order_acq_rel);
  p->out.append(static_cast<uint8_t>(kind), body);
}

std::vector<wire::NodeEntry> DistNode::Core::node_table() {
  std::vector<wire::NodeEntry> t{{node.id(), name, inc}};
  std::lock_guard<std::mutex> l(mu);
  for (auto& [key, p] : by_identity) t.push_back({p->index, key.first, key.second});
  return t;
}

void DistNode::Core::mark_up(Peer* p) {
  {
    std::lock_guard<std::mutex> l(p->mu);
    p->state.store(static_cast<int>(PeerState::up), std::memory_order_release);
  }
  p->last_progress = SteadyClock::now();
  // The node table goes first in the session, so pids inside later payloads can be translated.
  p->outstanding.fetch_add(1, std::memory_order_acq_rel);
  // Messages queued while connecting were appended before: the table must precede them.
  OutStream rest;
  std::swap(rest, p->out);
  p->out.append(static_cast<uint8_t>(wire::Kind::nodes), wire::encode_nodes_body(node_table()));
  rest.take_all([&](uint8_t kind, std::string_view body) { p->out.append(kind, body); });
  emit(NodeEvent{NodeEventKind::up, p->name, p->inc.load(), ""});
}

void DistNode::Core::declare_down_io(Peer* p, const std::string& reason, bool retire) {
  deliver_held();  // messages that arrived before the node went down are delivered before its down / exit signals
  std::unordered_map<uint64_t, std::pair<Pid, uint64_t>> outm, inm;
  std::map<std::pair<uint64_t, uint64_t>, Pid> links;
  PeerState was;
  {
    std::lock_guard<std::mutex> l(p->mu);
    was = p->st();
    if (was == PeerState::retired || (was == PeerState::down && !retire)) return;
    p->state.store(static_cast<int>(retire ? PeerState::retired : PeerState::down), std::memory_order_release);
    p->generation.fetch_add(1, std::memory_order_acq_rel);
    outm.swap(p->out_monitors);
    inm.swap(p->in_monitors);
    links.swap(p->links);
  }
  size_t dropped = p->out.unacked();
  p->out.clear();
  p->in.clear();
  p->outstanding.fetch_sub(dropped, std::memory_order_acq_rel);
  stats.dropped_down.fetch_add(dropped, std::memory_order_relaxed);
  p->session += 1;
  p->their_nodes.clear();
  p->unacked_in = 0;
  p->batch_limit = kBatchCount;
  {
    std::lock_guard<std::mutex> l(room_mu);
    room_cv.notify_all();
  }
  ExitReason why = noconnection_reason(p->name, reason);
  for (auto& [ref, wt] : outm) {
    detail::SignalFields f;
    f.kind = static_cast<uint8_t>(Sys::down);
    f.ref = ref;
    f.reason = why;
    deliver_signal(wt.first, proxy(p, wt.second), f);
  }
  for (auto& [ids, local_pid] : links) {
    detail::SignalFields f;
    f.kind = static_cast<uint8_t>(Sys::exit);
    f.linked = true;
    f.reason = why;
    deliver_signal(local_pid, proxy(p, ids.second), f);
  }
  for (auto& [ref, tw] : inm) {  // the remote watcher is gone: drop its monitor on our process
    detail::SignalFields f;
    f.kind = static_cast<uint8_t>(Sys::demonitor);
    f.ref = ref;
    deliver_signal(tw.first, proxy(p, tw.second), f);
  }
  if (was == PeerState::up || was == PeerState::connecting)
    emit(NodeEvent{NodeEventKind::down, p->name, p->inc.load(), reason});
  if (!p->address.empty()) log::info("dist: node " + p->name + " down (" + reason + ")");
}

void DistNode::Core::emit(NodeEvent ev) {
  std::vector<std::function<void(const NodeEvent&)>> subs;
  {
    std::lock_guard<std::mutex> l(mu);
    subs = subscribers;
  }
  for (auto& s : subs) s(ev);
}

void DistNode::Core::on_packet(std::string_view from, zmq::message_t& pkt) {
  stats.frames_in.fetch_add(1, std::memory_order_relaxed);
  if (pkt.size() > opts.max_frame) {
    stats.oversized.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const char* why = nullptr;
  auto hdr = wire::read_header(pkt.to_string_view(), &why);
  if (!hdr || from.empty() || from.size() > 255 || from[0] == '\0' || from == name) {
    stats.malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::string bad;
  // A batch is checked whole before anything of it (even its ack) is used: one bad part refuses it all.
  if (hdr->kind == wire::Kind::batch &&
      !wire::split_batch(pkt.to_string_view().substr(wire::kHeaderSize), hdr->seq, batch_entries, bad)) {
    stats.malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (hdr->kind == wire::Kind::membership) {  // outside the links: no peer state is touched
    membership_datagram(from, pkt.to_string_view().substr(wire::kHeaderSize));
    return;
  }
  std::string address_in;
  if (hdr->kind == wire::Kind::heartbeat &&
      !wire::decode_heartbeat_body(pkt.to_string_view().substr(wire::kHeaderSize), address_in, bad)) {
    stats.malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // A frame meant for an earlier incarnation of this node: only a heartbeat is of use (it tells us who
  // is out there and where, so we answer with our new incarnation and the peer starts a fresh link).
  bool for_me = hdr->dst_inc == 0 || hdr->dst_inc == inc;
  if (!for_me && hdr->kind != wire::Kind::heartbeat) {
    stats.stale.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Peer* p = establish(std::string(from), hdr->src_inc);
  if (!p) {
    stats.stale.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto now = SteadyClock::now();
  p->last_heard = now;
  if (!address_in.empty() && address_in != p->address &&
      (address_in.rfind("tcp://", 0) == 0 || address_in.rfind("ipc://", 0) == 0 ||
       address_in.rfind("fault://", 0) == 0)) {
    p->address = address_in;
    transport->connect(p->name, address_in);
    name_of_address[address_in] = p->name;
  }
  if (!for_me) {
    stats.stale.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (hdr->dst_inc == 0) {  // the peer has not heard us yet: nothing sequenced can be accepted
    if (hdr->seq) stats.stale.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (hdr->session < p->session) {
    stats.stale.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (hdr->session > p->session) {  // the peer declared us down: we do the same, then both restart
    if (p->st() == PeerState::up || p->st() == PeerState::connecting) declare_down_io(p, "peer reset the link", false);
    p->session = hdr->session;
  }
  if (p->st() != PeerState::up) mark_up(p);
  if (size_t n = p->out.ack(hdr->ack)) {
    p->outstanding.fetch_sub(n, std::memory_order_acq_rel);
    p->last_progress = now;
    p->batch_limit = std::min(kBatchCount, p->batch_limit * 2);
    if (room_waiters.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> l(room_mu);
      room_cv.notify_all();
    }
  }
  if (hdr->seq == 0) return;
  deliver_batch(p, hdr->seq, now);
}

// The messages of the batch just split (batch_entries, pointing into the frame), seq first_seq on.
void DistNode::Core::deliver_batch(Peer* p, uint64_t first_seq, SteadyClock::time_point now) {
  uint32_t gen = p->generation.load(std::memory_order_acquire);
  uint64_t seq = first_seq, dups = 0;
  for (const wire::BatchEntry& e : batch_entries) {
    if (p->unacked_in++ == 0) p->ack_since = now;
    auto r = p->in.accept(seq++, static_cast<uint8_t>(e.kind), e.body,
                          [&](uint8_t kind, std::string_view body) { dispatch(p, kind, body); });
    if (r == InStream::Result::duplicate) ++dups;
    // A message that made us declare this peer down (a payload naming its newer incarnation) ends the
    // batch: the rest belongs to a session that no longer exists.
    if (p->generation.load(std::memory_order_acquire) != gen) break;
  }
  deliver_held();
  if (dups) stats.duplicates.fetch_add(dups, std::memory_order_relaxed);
}

void DistNode::Core::deliver_held() {
  for (Message* m : held) detail::deliver_from_remote(held_for, m);  // a dead one answers calls itself (bounce)
  held.clear();
}

Pid DistNode::Core::sender_ref(Peer* p, uint64_t id) {
  constexpr uint32_t kSenderCredits = 64;
  if (last_sender_key != std::make_pair(p, id)) {
    detail::release(last_sender.control_block(), sender_credits);  // never the last: last_sender holds one
    sender_credits = 0;
    last_sender = proxy(p, id);
    last_sender_key = {p, id};
  }
  detail::ControlBlock* cb = last_sender.control_block();
  if (!cb) return Pid();
  if (sender_credits == 0) {
    cb->refs.fetch_add(kSenderCredits, std::memory_order_relaxed);
    sender_credits = kSenderCredits;
  }
  --sender_credits;
  return Pid::adopt(cb);
}

void DistNode::Core::drop_caches() {
  deliver_held();
  detail::release(last_sender.control_block(), sender_credits);
  sender_credits = 0;
  last_sender = Pid();
  last_sender_key = {nullptr, 0};
  last_receiver = Pid();
  last_receiver_id = 0;
  held_for = Pid();
}

void DistNode::Core::dispatch(Peer* p, uint8_t kind_byte, std::string_view body) {
  auto kind = static_cast<wire::Kind>(kind_byte);
  switch (kind) {
    case wire::Kind::data: dispatch_data(p, body); break;
    case wire::Kind::signal: dispatch_signal(p, body); break;
    case wire::Kind::nodes: {
      std::vector<wire::NodeEntry> t;
      std::string why;
      if (!wire::decode_nodes_body(body, t, why)) {
        stats.malformed.fetch_add(1, std::memory_order_relaxed);
        break;
      }
      for (auto& e : t) p->their_nodes[e.index] = {e.name, e.incarnation};
      break;
    }
    case wire::Kind::heartbeat:
    case wire::Kind::membership:
    case wire::Kind::batch: break;  // never inside a batch (split_batch)
  }
}

void DistNode::Core::dispatch_data(Peer* p, std::string_view body) {
  wire::DataBody b;
  std::string why;
  if (!wire::decode_data_body(body, b, why)) {
    stats.malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Pid sender = sender_ref(p, b.sender);
  Pid named;
  const Pid* to = &named;  // no reference taken per message for the cached receiver
  if (b.to_name) {
    named = detail::whereis_local(node, b.receiver_name);  // this node's own name (and never wait on ourselves)
  } else {
    if (b.receiver != last_receiver_id || !last_receiver) {
      last_receiver = local(b.receiver);
      last_receiver_id = b.receiver;
    }
    to = &last_receiver;
  }
  const WireType* wt = find_type(b.type_id);
  auto refuse = [&](Error e) {  // a call gets an error reply at once rather than a timeout
    if ((b.flags & Message::kRequest) && sender) {
      Message* r = detail::make_message<Error>(std::move(e));
      r->flags_ |= Message::kReply;
      r->corr_ = b.corr;
      fnd::detail::post(nullptr, sender, r);
    }
  };
  if (!wt) {
    stats.unknown_type.fetch_add(1, std::memory_order_relaxed);
    refuse(Error(errc::badarg, "message type id " + std::to_string(b.type_id) + " is not registered on node " + name));
    return;
  }
  if (!*to) {
    stats.no_receiver.fetch_add(1, std::memory_order_relaxed);
    refuse(Error(errc::noproc, b.to_name ? "no process registered as " + b.receiver_name + " on node " + name
                                         : "no process " + std::to_string(b.receiver) + " on node " + name));
    return;
  }
  Message* m = nullptr;
  t_decode_core = this;
  t_decode_peer = p;
  try {
    lang::Reader r(b.payload);
    m = wt->decode(r);
    if (!r.at_end()) {
      detail::destroy_message(m);
      m = nullptr;
    }
  } catch (const std::exception&) {
    m = nullptr;
  }
  t_decode_core = nullptr;
  t_decode_peer = nullptr;
  if (!m) {
    stats.malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  m->sender_ = std::move(sender);
  m->flags_ = b.flags;
  m->corr_ = b.corr;
  if (b.has_context) {  // the sender's request context continues here (a bad one is dropped, counted)
    RequestContext ctx;
    if (wire::decode_context(b.context_version, b.context_bytes, ctx, why)) m->ctx_ = ctx.detach();
    else stats.bad_context.fetch_add(1, std::memory_order_relaxed);
  }
  if (held_for.control_block() != to->control_block()) {  // another receiver: what is held goes first
    deliver_held();
    held_for = *to;
  }
  held.push_back(m);
}

void DistNode::Core::dispatch_signal(Peer* p, std::string_view body) {
  deliver_held();  // data from the same sender that came before the signal is delivered before it
  wire::SignalBody b;
  std::string why;
  if (!wire::decode_signal_body(body, b, why)) {
    stats.malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Pid from = proxy(p, b.sender);
  Pid to = local(b.receiver);
  auto kind = static_cast<Sys>(b.sig.kind);
  if (!to) {  // never existed or long dead: answer link and monitor as a dead process would
    stats.no_receiver.fetch_add(1, std::memory_order_relaxed);
    detail::SignalFields f;
    if (kind == Sys::link) {
      f.kind = static_cast<uint8_t>(Sys::exit);
      f.linked = true;
      f.reason = ExitReason::noproc();
    } else if (kind == Sys::monitor) {
      f.kind = static_cast<uint8_t>(Sys::down);
      f.ref = b.sig.ref;
      f.reason = ExitReason::noproc();
    } else {
      return;
    }
    // From the dead process's id, so the remote side matches it with the proxy it linked / monitored.
    send_sequenced(p, wire::Kind::signal, wire::encode_signal_body({b.receiver, b.sender, f}));
    return;
  }
  if (from) {
    std::lock_guard<std::mutex> l(p->mu);
    uint64_t lid = to.id();
    switch (kind) {
      case Sys::link: p->links[{lid, b.sender}] = to; break;
      case Sys::unlink: p->links.erase({lid, b.sender}); break;
      case Sys::exit:
        if (b.sig.linked) p->links.erase({lid, b.sender});
        break;
      case Sys::monitor: p->in_monitors[b.sig.ref] = {to, b.sender}; break;
      case Sys::demonitor: p->in_monitors.erase(b.sig.ref); break;
      case Sys::down: p->out_monitors.erase(b.sig.ref); break;
      default: break;
    }
  }
  deliver_signal(to, from, b.sig);
}

}  // namespace fnd::dist
