// DistNode: the sending side (any thread), the public API and the runtime hooks. The network thread's
// side is in network.cpp.
#include <cstring>
#include <algorithm>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <atomic>
#include <future>
#include <thread>

#include "core.hpp"
#include "fnd/log.hpp"

namespace fnd::dist {

using detail::Sys;

namespace {
thread_local DistNode::Core* t_io_core = nullptr;  // set on a network thread

bool route_hook(detail::ControlBlock* to, Message* m) {
  auto* rb = static_cast<RemoteBlock*>(to);
  return rb->core->route(rb, m);
}
void destroy_hook(detail::ControlBlock* cb) noexcept {
  auto* rb = static_cast<RemoteBlock*>(cb);
  DistNode::Core* c = rb->core;
  delete rb;
  c->unref();
}
const detail::RemoteHooks kHooks{&route_hook, &destroy_hook};

// The start time in ns since the Unix epoch: a restarted node (same name) always gets a higher
// incarnation than its predecessor (membership and the links rely on that; random bits would not
// guarantee it), and nodes started in one process get strictly increasing ones.
uint64_t fresh_incarnation() {
  static std::atomic<uint64_t> last{0};
  uint64_t now = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  uint64_t prev = last.load(std::memory_order_relaxed);
  uint64_t v;
  do {
    v = std::max(now, prev + 1);
  } while (!last.compare_exchange_weak(prev, v, std::memory_order_relaxed));
  return v;
}

void deliver_signal(const Pid& to, const Pid& from, detail::SignalFields f) {
  Message* s = detail::make_remote_signal(f);
  if (!s) return;
  s->sender_ = from;
  detail::deliver_from_remote(to, s);
}
}  // namespace

void set_io_thread(DistNode::Core* c) { t_io_core = c; }
bool is_io_thread(const DistNode::Core* c) { return t_io_core == c; }

const char* to_string(NodeEventKind k) noexcept {
  switch (k) {
    case NodeEventKind::up: return "up";
    case NodeEventKind::down: return "down";
    case NodeEventKind::suspect: return "suspect";
    case NodeEventKind::alive: return "alive";
    case NodeEventKind::left: return "left";
  }
  return "?";
}

ExitReason noconnection_reason(std::string_view node, std::string_view why) {
  return ExitReason::error(Error(noconnection, "node " + std::string(node) + " is down: " + std::string(why))
                               .with("node", std::string(node)));
}

DistNode::Core::Core(Node& n, DistOptions o, std::unique_ptr<Transport> t)
    : node(n), opts(std::move(o)), transport(std::move(t)) {
  name = opts.name;
  inc = opts.incarnation ? opts.incarnation : fresh_incarnation();
}

zmq::message_t DistNode::Core::make_frame(wire::Kind kind, std::string_view body, std::string_view payload) {
  zmq::message_t f(wire::kHeaderSize + body.size() + payload.size());
  wire::Header h;
  h.kind = kind;
  h.src_inc = inc;
  char* d = static_cast<char*>(f.data());
  wire::write_header(d, h);
  if (!body.empty()) std::memcpy(d + wire::kHeaderSize, body.data(), body.size());
  if (!payload.empty()) std::memcpy(d + wire::kHeaderSize + body.size(), payload.data(), payload.size());
  return f;
}

uint64_t DistNode::Core::export_pid(const Pid& pid) {
  detail::ControlBlock* cb = pid.control_block();
  if (!cb) return 0;
  uint32_t f = cb->flags.load(std::memory_order_relaxed);
  if (f & detail::kCbRemote) return 0;  // not ours to name (a proxy forwarding is not supported)
  if (!(f & detail::kCbExported)) {
    std::lock_guard<std::mutex> l(mu);
    exports.emplace(cb->id, pid);
    cb->flags.fetch_or(detail::kCbExported, std::memory_order_release);
  }
  return cb->id;
}

Pid DistNode::Core::proxy(Peer* p, uint64_t id) {
  if (id == 0) return Pid();
  std::lock_guard<std::mutex> l(mu);
  auto key = std::make_pair(p->index, id);
  auto it = proxies.find(key);
  if (it != proxies.end()) return it->second;
  auto* rb = new RemoteBlock();
  rb->node = p->index;
  rb->id = id;
  rb->head.store(detail::kInboxClosed, std::memory_order_relaxed);
  rb->flags.store(detail::kCbRemote, std::memory_order_relaxed);
  rb->core = this;
  rb->peer = p;
  refs.fetch_add(1, std::memory_order_relaxed);
  Pid pid = Pid::adopt(rb);  // the table's reference
  proxies.emplace(key, pid);
  return pid;
}

Pid DistNode::Core::local(uint64_t id) {
  {
    std::lock_guard<std::mutex> l(mu);
    auto it = exports.find(id);
    if (it != exports.end()) return it->second;
  }
  Pid p = detail::find_local_pid(node, id);  // a pid that travelled inside a payload
  if (p) {
    std::lock_guard<std::mutex> l(mu);
    exports.emplace(id, p);  // (its exported flag may come from an earlier DistNode of this Node)
  }
  return p;
}

bool DistNode::Core::route(RemoteBlock* to, Message* m) {
  MessagePtr own(m);
  Peer* p = to->peer;
  detail::SignalFields sig;
  bool is_sig = m->sys_ != Sys::none;
  if (is_sig && !detail::read_signal(m, sig)) return false;  // unmute, timeout: never cross nodes
  uint64_t sender = export_pid(m->sender_);
  if (is_sig)
    return submit(p, wire::Kind::signal, wire::encode_signal_body({sender, to->id, sig}), {}, &sig, m->sender_,
                  to->id, m);
  const WireType* wt = find_type(m->type_);
  if (!wt) {
    if (stats.unserializable.fetch_add(1, std::memory_order_relaxed) == 0)
      log::warning(std::string("dist: cannot send a message of unregistered type ") + m->type_->name +
                   " to another node (fnd::dist::register_message); dropped");
    answer_unreachable(nullptr, m, to->id);
    return false;
  }
  lang::Writer w;
  try {
    wt->encode(*m, w);
  } catch (const std::exception& e) {
    stats.unserializable.fetch_add(1, std::memory_order_relaxed);
    log::warning(std::string("dist: encoding ") + wt->name + " failed: " + e.what());
    return false;
  }
  wire::DataBody b;
  b.sender = sender;
  b.receiver = to->id;
  b.flags = m->flags_ & (Message::kRequest | Message::kReply);
  b.corr = m->corr_;
  b.type_id = wt->id;
  b.context = m->ctx_;
  return submit(p, wire::Kind::data, wire::encode_data_body(b), w.bytes(), nullptr, m->sender_, to->id, m);
}

// Hands a message (its body: head, then tail) to the network thread: copied into the queue, so the
// encoder's buffers are freed by the thread that made them.
bool DistNode::Core::submit(Peer* p, wire::Kind kind, std::string_view head, std::string_view tail,
                            const detail::SignalFields* sig, const Pid& local, uint64_t remote, Message* m) {
  if (head.size() + tail.size() > UINT32_MAX) {  // the hand-off's size field; far over any max_frame anyway
    stats.unserializable.fetch_add(1, std::memory_order_relaxed);
    log::warning("dist: a message of " + std::to_string(head.size() + tail.size()) + " bytes cannot be sent");
    return false;
  }
  uint32_t gen;
  auto unreachable = [&] {
    stats.dropped_down.fetch_add(1, std::memory_order_relaxed);
    answer_unreachable(p, m, remote);
    return false;
  };
  if (!sig) {  // data: no table to update, so no lock (a peer going down meanwhile: drain_queue drops it)
    PeerState s = p->st();
    if (closed.load(std::memory_order_acquire) || s == PeerState::down || s == PeerState::retired)
      return unreachable();
    gen = p->generation.load(std::memory_order_acquire);
  } else {
    std::lock_guard<std::mutex> l(p->mu);
    PeerState s = p->st();
    if (closed.load(std::memory_order_acquire) || s == PeerState::down || s == PeerState::retired)
      return unreachable();
    gen = p->generation.load(std::memory_order_relaxed);
    // Remember remote monitors and links so that node down can fire them.
    if (local) {
      uint64_t lid = local.id();
      switch (static_cast<Sys>(sig->kind)) {
        case Sys::link: p->links[{lid, remote}] = local; break;
        case Sys::unlink: p->links.erase({lid, remote}); break;
        case Sys::exit:
          if (sig->linked) p->links.erase({lid, remote});
          break;
        case Sys::monitor: p->out_monitors[sig->ref] = {local, remote}; break;
        case Sys::demonitor: p->out_monitors.erase(sig->ref); break;
        case Sys::down: p->in_monitors.erase(sig->ref); break;
        default: break;
      }
    }
  }
  // Backpressure: wait while the peer's window is full (never on the network thread, which drains it).
  size_t before = p->outstanding.fetch_add(1, std::memory_order_acq_rel);
  if (before >= opts.window && t_io_core != this) {
    stats.backpressure_waits.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock<std::mutex> l(room_mu);
    room_waiters.fetch_add(1, std::memory_order_seq_cst);
    while (p->outstanding.load(std::memory_order_seq_cst) > opts.window && !closed.load() &&
           p->generation.load() == gen)
      room_cv.wait_for(l, std::chrono::milliseconds(50));
    room_waiters.fetch_sub(1, std::memory_order_seq_cst);
  }
  Queued q{p, gen, static_cast<uint32_t>(head.size() + tail.size()), static_cast<uint8_t>(kind)};
  bool wake;
  {
    std::lock_guard<std::mutex> l(q_mu);
    wake = queue.empty() && commands.empty();
    queue.append(reinterpret_cast<const char*>(&q), sizeof q).append(head).append(tail);
  }
  if (wake && io_waiting.load(std::memory_order_seq_cst) && t_io_core != this) transport->wake();
  return true;
}

// A message for a node that is down: answer what expects an answer, as for a dead local process.
void DistNode::Core::answer_unreachable(Peer* p, Message* m, uint64_t remote_id) {
  const Pid& from = m->sender_;
  if (!from || (from.control_block()->flags.load() & detail::kCbRemote)) return;
  Pid target = p ? proxy(p, remote_id) : Pid();
  std::string node_name = p ? p->name : "?";
  detail::SignalFields f;
  switch (m->sys_) {
    case Sys::link:
      f.kind = static_cast<uint8_t>(Sys::exit);
      f.linked = true;
      f.reason = noconnection_reason(node_name, "not connected");
      deliver_signal(from, target, f);
      break;
    case Sys::monitor: {
      detail::SignalFields in;
      detail::read_signal(m, in);
      f.kind = static_cast<uint8_t>(Sys::down);
      f.ref = in.ref;
      f.reason = noconnection_reason(node_name, "not connected");
      deliver_signal(from, target, f);
      break;
    }
    case Sys::none:
      if (m->flags_ & Message::kRequest) {
        Message* r = detail::make_message<Error>(
            p ? Error(noconnection, "node " + node_name + " is not connected").with("node", node_name)
              : Error(errc::badarg, std::string("message type ") + m->type_->name + " is not registered for distribution"));
        r->flags_ |= Message::kReply;
        r->corr_ = m->corr_;
        r->sender_ = target;
        detail::deliver_from_remote(from, r);
      }
      break;
    default: break;
  }
}

void DistNode::Core::post_command(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> l(q_mu);
    if (!io_gone) {
      commands.push_back(std::move(fn));
      fn = nullptr;
    }
  }
  if (fn) return;  // never run: destroyed here (outside the lock), so a waiter sees a broken promise at once
  transport->wake();
}

// ---- DistNode ----

namespace {
// Lets the node's own lookups (Node::whereis, Context::whereis, a send to Ref::name) find global names.
// The resolver keeps the Core alive: a lookup that copied it just before stop() removed it still runs
// on valid memory, finds the node closed (or its command dropped) and answers the null pid.
void install_name_resolver(DistNode::Core& c) {
  c.refs.fetch_add(1, std::memory_order_relaxed);
  std::shared_ptr<DistNode::Core> keep(&c, [](DistNode::Core* p) { p->unref(); });
  c.name_resolver = std::make_shared<const detail::NameResolver>([keep](std::string_view name) -> Pid {
    // The network thread never waits for itself (a name-addressed arrival uses the local registry only).
    if (keep->closed.load(std::memory_order_acquire) || is_io_thread(keep.get())) return Pid();
    return lookup_global(keep.get(), std::string(name));
  });
  detail::set_name_resolver(c.node, c.name_resolver);
}

ZmqOptions zmq_options_of(const DistOptions& o) {
  ZmqOptions z = o.zmq;
  if (!z.security && o.security) z.security = o.security;
  return z;
}
}  // namespace

DistNode::DistNode(Node& node, DistOptions options)
    : DistNode(node, options, make_zmq_transport(zmq_options_of(options))) {}

DistNode::DistNode(Node& node, DistOptions options, std::unique_ptr<Transport> transport)
    : core_(new Core(node, std::move(options), std::move(transport))) {
  static const bool installed = [] {
    detail::set_remote_hooks(&kHooks);
    install_pid_resolver();
    return true;
  }();
  (void)installed;
  detail::index_local_pids(node);  // pids arrive as ids (find_local_pid)
  Core& c = *core_;
#if defined(__GLIBC__)
  static std::once_flag malloc_tuned;
  if (c.opts.tune_malloc) std::call_once(malloc_tuned, [] { (void)mallopt(M_MXFAST, 0); });  // DistOptions
#endif
  if (c.name.empty() || c.name.size() > 255 || c.name[0] == '\0') {
    c.error = Error(errc::badarg, "node name must be 1..255 bytes and not start with NUL");
    return;
  }
  auto r = c.transport->bind(c.name, c.opts.bind);
  if (!r) {
    c.error = r.error();  // error() tells the owner, which reports it (not logged here as well)
    return;
  }
  c.address = c.opts.advertise.empty() ? *r : c.opts.advertise;
  c.io = std::thread([&c] { c.run(); });
  if (c.opts.membership) install_name_resolver(c);
}

DistNode::~DistNode() {
  stop();
  core_->unref();  // proxies still held by the program keep the Core's memory until released
}

namespace {
// With membership: tells the live members that this node leaves (they see `left` at once rather than
// `down` after the suspicion timeout), on the network thread, and gives the datagrams a moment to
// leave the process before the sockets close (they are closed with linger 0).
void leave_gracefully(DistNode::Core& c) {
  if (!c.opts.membership || c.error || !c.io.joinable()) return;
  auto done = std::make_shared<std::promise<bool>>();
  auto told = done->get_future();
  DistNode::Core* cp = &c;
  c.post_command([cp, done] {
    bool any = false;
    if (cp->swim && cp->swim->running()) {
      for (const auto& m : cp->swim->members())
        any |= m.status == membership::MemberStatus::alive || m.status == membership::MemberStatus::suspect;
      cp->swim->leave(std::chrono::duration_cast<membership::Time>(SteadyClock::now().time_since_epoch()));
      cp->membership_flush();
    }
    done->set_value(any);
  });
  if (told.wait_for(std::chrono::seconds(1)) == std::future_status::ready && told.get())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}
}  // namespace

void DistNode::stop() {
  Core& c = *core_;
  if (c.stopped) return;
  if (c.name_resolver) {  // first: no new node.whereis reaches the global registry from here on
    detail::remove_name_resolver(c.node, c.name_resolver.get());
    c.name_resolver.reset();
  }
  leave_gracefully(c);
  c.stopped = true;
  c.closed.store(true, std::memory_order_seq_cst);
  c.stop_io.store(true, std::memory_order_seq_cst);
  c.transport->wake();
  if (c.io.joinable()) c.io.join();
  std::vector<std::function<void()>> orphaned;  // posted after the loop's last drain: they will never run
  {
    std::lock_guard<std::mutex> l(c.q_mu);
    c.io_gone = true;
    orphaned.swap(c.commands);
  }
  orphaned.clear();  // a caller waiting on one (a global-name lookup racing stop()) returns at once
  c.transport->close();
  {
    std::lock_guard<std::mutex> l(c.room_mu);
    c.room_cv.notify_all();
  }
  std::map<std::pair<uint32_t, uint64_t>, Pid> proxies;
  std::unordered_map<uint64_t, Pid> exports;
  {
    std::lock_guard<std::mutex> l(c.mu);
    proxies.swap(c.proxies);
    exports.swap(c.exports);
    c.subscribers.clear();
  }
  c.drop_caches();  // the network thread's (it has stopped): a proxy would keep c alive
  proxies.clear();
  exports.clear();
}

const std::string& DistNode::address() const noexcept { return core_->address; }
const std::string& DistNode::name() const noexcept { return core_->name; }
uint64_t DistNode::incarnation() const noexcept { return core_->inc; }
const Error* DistNode::error() const noexcept { return core_->error ? &*core_->error : nullptr; }

void DistNode::connect(const std::string& node, const std::string& address) {
  if (core_->stopped || core_->error || node == core_->name) return;
  Core* c = core_;
  c->post_command([c, node, address] { c->connect_io(node, address); });
}

void DistNode::declare_down(const std::string& node, const std::string& reason) {
  if (core_->stopped || core_->error) return;
  Core* c = core_;
  c->post_command([c, node, reason] {
    Peer* p = nullptr;
    {
      std::lock_guard<std::mutex> l(c->mu);
      auto it = c->current.find(node);
      if (it != c->current.end()) p = it->second;
    }
    if (p) c->declare_down_io(p, "declared: " + reason, false);
  });
}

void DistNode::subscribe(std::function<void(const NodeEvent&)> fn) {
  std::lock_guard<std::mutex> l(core_->mu);
  core_->subscribers.push_back(std::move(fn));
}

bool DistNode::send_named(std::string_view node, std::string_view reg_name, Message* m) {
  MessagePtr own(m);
  if (core_->stopped || core_->error) return false;
  Core& c = *core_;
  Peer* p = nullptr;
  {
    std::lock_guard<std::mutex> l(c.mu);
    auto it = c.current.find(std::string(node));
    if (it != c.current.end()) p = it->second;
  }
  if (!p) return false;
  const WireType* wt = find_type(m->type_);
  if (!wt) {
    c.stats.unserializable.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (!m->sender_) m->sender_ = fnd::self();
  if (!m->ctx_) m->ctx_ = current_request_context().detach();  // as a local send would (process.cpp)
  lang::Writer w;
  wt->encode(*m, w);
  wire::DataBody b;
  b.sender = c.export_pid(m->sender_);
  b.to_name = true;
  b.receiver_name = std::string(reg_name);
  b.type_id = wt->id;
  b.context = m->ctx_;
  return c.submit(p, wire::Kind::data, wire::encode_data_body(b), w.bytes(), nullptr, m->sender_, 0, m);
}

std::vector<PeerInfo> DistNode::peers() const {
  std::vector<PeerInfo> out;
  std::lock_guard<std::mutex> l(core_->mu);
  for (auto& [n, p] : core_->current) {
    PeerInfo i;
    i.name = n;
    i.incarnation = p->inc.load();
    i.up = p->st() == PeerState::up;
    i.outstanding = p->outstanding.load();
    out.push_back(std::move(i));
  }
  return out;
}

bool DistNode::is_up(std::string_view node) const {
  std::lock_guard<std::mutex> l(core_->mu);
  auto it = core_->current.find(std::string(node));
  return it != core_->current.end() && it->second->st() == PeerState::up;
}

std::optional<security::SecurityStats> DistNode::security_stats() const {
  return core_->transport ? core_->transport->security_stats() : std::nullopt;
}

DistStats DistNode::stats() const {
  const AtomicStats& s = core_->stats;
  DistStats d;
  d.frames_out = s.frames_out;
  d.frames_in = s.frames_in;
  d.resent = s.resent;
  d.duplicates = s.duplicates;
  d.malformed = s.malformed;
  d.oversized = s.oversized;
  d.stale = s.stale;
  d.unknown_type = s.unknown_type;
  d.unserializable = s.unserializable;
  d.no_receiver = s.no_receiver;
  d.dropped_down = s.dropped_down;
  d.backpressure_waits = s.backpressure_waits;
  d.bad_context = s.bad_context;
  d.membership_unroutable = s.membership_unroutable;
  return d;
}

}  // namespace fnd::dist
