// Mailbox, signals and process lifecycle shared by actors and fibers.
//
// Inbox protocol (ControlBlock::head, one atomic word = mailbox + scheduling state + count, see
// fnd/detail/control_block.hpp):
//   producers CAS-push onto a LIFO stack, counting the message in the same CAS; pushing onto
//   kInboxBlocked (idle) means the producer must schedule the process; pushing onto kInboxClosed fails
//   (the process is dead: bounce()).
//   The running process takes the whole stack with one exchange, adds its count to `depth`, reverses it
//   and appends it to its private FIFO queue; only it sets kInboxEmpty -> kInboxBlocked (going idle)
//   and -> kInboxClosed (death).
// Signals (link, monitor, exit, down, ...) travel in the same inbox, so they are ordered with data from
// the same sender, and they take effect when taken from the inbox (like Erlang, where a signal acts on
// arrival, before queued messages are consumed).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fnd/detail/remote.hpp"
#include "fnd/log.hpp"
#include "fnd/process.hpp"
#include "fnd/telemetry.hpp"
#include "internal.hpp"
#include "post_fast.hpp"

namespace fnd::detail {

namespace {
thread_local ProcessCore* t_current = nullptr;
std::atomic<uint64_t> g_request_ids{1};
std::atomic<uint64_t> g_monitor_refs{1};

}  // namespace

// The slow half of push (post_fast.hpp): a bounded mailbox, a full count, a closed inbox, a lost
// race, an envelope the word cannot hold.
[[gnu::noinline]] Push push_slow(ControlBlock* cb, Message* m, InboxWord h) noexcept {
  const auto addr = reinterpret_cast<InboxWord>(m);
  if (addr & ~kInboxPointerMask) {
    std::fprintf(stderr, "fnd: a message envelope at %p lies above 2^48; the inbox cannot hold it\n",
                 static_cast<void*>(m));
    std::abort();
  }
  // A bounded mailbox counts every send in `depth` (its policies read it at once).
  const bool bounded = cb->bounded != nullptr;
  if (bounded) cb->depth.fetch_add(1, std::memory_order_seq_cst);
  const InboxWord one = bounded ? 0 : kInboxOne;
  for (;;) {
    if (h == kInboxClosed) {
      if (bounded) cb->depth.fetch_sub(1, std::memory_order_relaxed);
      return Push::closed;
    }
    InboxWord count = h & ~kInboxPointerMask;
    uint32_t moved = 0;
    if (count == kInboxFull && one) {
      // The count is full: move it to `depth` (before the receiver can take the messages) and restart
      // it at this message. Once per 65535 sends to a receiver that takes none in meanwhile.
      moved = static_cast<uint32_t>(kInboxCountMax);
      cb->depth.fetch_add(moved, std::memory_order_relaxed);
      count = 0;
    }
    m->next_ = inbox_message(h);
    if (cb->head.compare_exchange_weak(h, addr | (count + one), std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return h == kInboxBlocked ? Push::woke : Push::ok;
    if (moved) cb->depth.fetch_sub(moved, std::memory_order_relaxed);  // head changed: count again
  }
}

constinit thread_local uint32_t t_sends = 0;
void spill_run_next_now() {
  if (Worker* w = current_worker()) w->spill_run_next();
}

void wake(ControlBlock* cb) {
  ProcessCore* p = cb->proc.load(std::memory_order_acquire);
  p->node_->schedule(p);
}

bool deliver_closed(ControlBlock* cb, Message* m) {
  // A remote pid's proxy block is always closed: hand the message to the distribution layer.
  if (cb->flags.load(std::memory_order_relaxed) & kCbRemote) return route_remote(cb, m);
  Pid view = Pid::adopt(cb);  // borrowed for the call: no count taken or dropped
  bounce(view, m);
  (void)view.detach();
  return false;
}

namespace {

// Delivers without any bounded-mailbox policy (signals, bounces). Returns false if `to` is dead.
bool deliver(const Pid& to, Message* m) { return deliver_to(to.control_block(), m); }

void wait_for_room(ProcessCore* from, ControlBlock* cb);

// A bounded mailbox's own count and the node's (runtime_stats).
void count_dropped(BoundedState* b) {
  b->dropped.fetch_add(1, std::memory_order_relaxed);
  b->totals->dropped.fetch_add(1, std::memory_order_relaxed);
}
void count_rejected(BoundedState* b) {
  b->rejected.fetch_add(1, std::memory_order_relaxed);
  b->totals->rejected.fetch_add(1, std::memory_order_relaxed);
}

enum class PostMode { normal, nowait, try_ };

Result<void> post_impl(ProcessCore* from, const Pid& to, Message* m, PostMode mode) {
  if (!to) {
    destroy_message(m);
    return Error(errc::noproc, "send to the null pid");
  }
  set_sender(from, m);
  attach_context(from, m);
  ControlBlock* cb = to.control_block();
  BoundedState* b = cb->bounded;
  if (b && m->sys_ == Sys::none) {
    uint32_t depth = cb->depth.load(std::memory_order_relaxed);
    if (depth >= b->capacity) {
      if (b->policy == OverflowPolicy::drop_newest) {
        count_dropped(b);
        destroy_message(m);
        return ok();
      }
      if (b->policy == OverflowPolicy::reject) {
        count_rejected(b);
        destroy_message(m);
        return Error(errc::mailbox_full, "mailbox of " + to.to_string() + " is full")
            .with("pid", to.to_string())
            .with_retry(RetryStrategy::exponential_backoff(5, std::chrono::milliseconds(1)));
      }
    }
  }
  if (from) spill_check();
  bool is_data = m->sys_ == Sys::none;  // m belongs to the receiver once delivered
  if (!deliver(to, m)) return Error(errc::noproc, "no process " + to.to_string());
  if (b && b->policy == OverflowPolicy::block && is_data && mode != PostMode::nowait &&
      cb->depth.load(std::memory_order_seq_cst) > b->capacity)
    wait_for_room(from, cb);
  return ok();
}

// Backpressure: the message was accepted; the sender now waits until the receiver's depth is at most its
// capacity. Processes register as waiters and are sent an unmute signal; threads wait on the condvar.
void wait_for_room(ProcessCore* from, ControlBlock* cb) {
  BoundedState* b = cb->bounded;
  auto has_room = [&] {
    return cb->depth.load(std::memory_order_seq_cst) <= b->capacity ||
           cb->head.load(std::memory_order_acquire) == kInboxClosed;
  };
  if (!from) {
    std::unique_lock<std::mutex> l(b->mu);
    b->nwait.fetch_add(1, std::memory_order_seq_cst);
    b->cv.wait(l, has_room);
    b->nwait.fetch_sub(1, std::memory_order_seq_cst);
    return;
  }
  if (from->cb_ == cb) return;  // never wait on oneself
  {
    std::lock_guard<std::mutex> l(b->mu);
    b->nwait.fetch_add(1, std::memory_order_seq_cst);
    if (has_room()) {
      b->nwait.fetch_sub(1, std::memory_order_seq_cst);
      return;
    }
    b->waiters.push_back(Pid::share(from->cb_));
  }
  from->flags_ |= kMuted;
  if (from->flags_ & kFiber) {
    auto* fp = static_cast<Process*>(from);
    while (fp->flags_ & kMuted) fp->await_more(nullptr);
  }
  // An actor stays muted after its handler returns: its run loop does not handle data until unmuted.
}

void send_signal(ProcessCore* from, const Pid& to, Message* m) {
  set_sender(from, m);
  if (to) deliver(to, m);
  else destroy_message(m);
}

void send_signal_as(const Pid& from, const Pid& to, Message* m) {
  m->sender_ = from;
  if (to) deliver(to, m);
  else destroy_message(m);
}

}  // namespace

// ---- public entry points ----
ProcessCore* current_process() noexcept { return t_current; }
NodeImpl* current_node() noexcept { return t_current ? t_current->node_ : nullptr; }
void set_current(ProcessCore* p) noexcept { t_current = p; }

void post(ProcessCore* from, const Pid& to, Message* m) {
  if (!post_unbounded(from, to.control_block(), m)) [[unlikely]] (void)post_impl(from, to, m, PostMode::normal);
}
// Replies and runtime notices: never blocked by a full mailbox.
void post_nowait(ProcessCore* from, const Pid& to, Message* m) {
  if (!post_unbounded(from, to.control_block(), m)) [[unlikely]] (void)post_impl(from, to, m, PostMode::nowait);
}
Result<void> try_post(ProcessCore* from, const Pid& to, Message* m) { return post_impl(from, to, m, PostMode::try_); }

void post_ref(NodeImpl* node, ProcessCore* from, const Ref& to, Message* m) {
  if (to.is_pid()) return post(from, to.pid(), m);
  if (!node) {
    destroy_message(m);
    return;
  }
  Pid p = node->registry.find(to.name());
  post(from, p, m);
}

uint64_t next_request_id() noexcept {
  // Message::corr_ holds 48 bits; ids wrap there (skipping 0, "no request").
  for (;;) {
    uint64_t id = g_request_ids.fetch_add(1, std::memory_order_relaxed) & ((uint64_t{1} << 48) - 1);
    if (id) return id;
  }
}

void reply_to(ProcessCore* from, const Pid& to, uint64_t corr, Message* m) {
  if (corr) {
    m->flags_ |= Message::kReply;
    m->corr_ = corr;
  }
  post_nowait(from, to, m);
}

void bounce(const Pid& to, Message* m) {
  // `to` is dead: answer what expects an answer, as Erlang does for a dead process.
  switch (m->sys_) {
    case Sys::link:
      send_signal_as(to, m->sender_, make_signal(Sys::exit, SigExit{ExitReason::noproc(), true}));
      break;
    case Sys::monitor:
      send_signal_as(to, m->sender_,
                     make_signal(Sys::down, SigDown{m->get<SigRef>().ref, ExitReason::noproc()}));
      break;
    case Sys::none:
      if ((m->flags_ & Message::kRequest) && m->sender_) {
        Message* r = make_message<Error>(Error(errc::noproc, "no process " + to.to_string()).with("pid", to.to_string()));
        r->flags_ |= Message::kReply;
        r->corr_ = m->corr_;
        r->sender_ = to;
        if (m->sender_) deliver(m->sender_, r);
        else destroy_message(r);
      }
      break;
    default: break;
  }
  destroy_message(m);
}

Extras& extras(ProcessCore* p) {
  if (!p->ext_) p->ext_ = new Extras();
  return *p->ext_;
}

void append_queue(ProcessCore* p, Message* m) noexcept {
  m->next_ = nullptr;
  if (p->q_tail_) p->q_tail_->next_ = m;
  else p->q_head_ = m;
  p->q_tail_ = m;
}

Message* pop_queue(ProcessCore* p) noexcept {
  Message* m = p->q_head_;
  if (m) {
    Message* n = m->next_;
    p->q_head_ = n;
    if (n) __builtin_prefetch(n);  // a long queue is cold: fetch the next one while m is handled
    else p->q_tail_ = nullptr;
    m->next_ = nullptr;
  }
  return m;
}

// ---- batched releases of sender references (the receiving side of set_sender's credits) ----
// Each handled message holds a reference to its sender's control block. Dropping it at once would
// write the sender's block from the receiver's worker for every message: for a server answering
// clients on another worker, a line the server's own inbox often shares. Instead each thread keeps
// a few pending counts and drops them in one atomic operation when their slot is needed for another
// sender, when the worker runs out of work, or when it stops. The slots are 2-way set-associative:
// with one way, two busy senders whose blocks happened to share a slot (1 in 8 pairs, depending only
// on where the blocks were allocated) cost an atomic release and a retake on every message.
namespace {
struct PendingReleases {
  static constexpr size_t kSets = 8;
  struct Slot {
    ControlBlock* cb = nullptr;
    uint32_t n = 0;
  };
  Slot slots[kSets][2];  // [set][0]: the sender that took a place in the set last
  static size_t index(const ControlBlock* cb) noexcept {
    // Pooled blocks are 128 bytes, 128-aligned (pid.cpp): the bits above 7 tell them apart.
    return (reinterpret_cast<uintptr_t>(cb) >> 7) & (kSets - 1);
  }
};
// Trivially destructible: no TLS guard on the per-message path. Only workers retire messages
// (Actor::run_turn), and a worker flushes before it leaves its loop.
thread_local PendingReleases t_releases;
}  // namespace

void flush_releases() noexcept {
  for (auto& set : t_releases.slots) {
    for (auto& s : set) {
      if (s.cb) {
        release(s.cb, s.n);
        s.cb = nullptr;
        s.n = 0;
      }
    }
  }
}

namespace {
// Neither slot of the set holds this sender: the older one's count is dropped, and the sender takes
// the newer place.
[[gnu::noinline]] void retake_slot(PendingReleases::Slot* set, ControlBlock* cb) noexcept {
  if (set[1].cb) release(set[1].cb, set[1].n);
  set[1] = set[0];
  set[0].cb = cb;
  set[0].n = 1;
}
}  // namespace

void retire_message(Message* m) noexcept {
  if (ControlBlock* cb = m->sender_.control_block()) {
    PendingReleases::Slot* set = t_releases.slots[PendingReleases::index(cb)];
    if (set[0].cb == cb) [[likely]] ++set[0].n;
    else if (set[1].cb == cb) ++set[1].n;
    else retake_slot(set, cb);
    (void)m->sender_.detach();
  }
  destroy_message(m);
}

void on_dequeued(ProcessCore* p) noexcept {
  ControlBlock* cb = p->cb_;
  uint32_t d = cb->depth.fetch_sub(1, std::memory_order_seq_cst) - 1;
  BoundedState* b = cb->bounded;
  if (!b || b->policy != OverflowPolicy::block || d > b->capacity) return;
  if (b->nwait.load(std::memory_order_seq_cst) == 0) return;
  std::vector<Pid> ws;
  {
    std::lock_guard<std::mutex> l(b->mu);
    ws.swap(b->waiters);
    b->nwait.fetch_sub(static_cast<uint32_t>(ws.size()), std::memory_order_seq_cst);
    b->cv.notify_all();
  }
  for (auto& w : ws) send_signal(p, w, make_signal(Sys::unmute, SigEmpty{}));
}

// Handles one signal taken from the inbox (consumes it). Returns true if the process must exit.
static bool handle_signal(ProcessCore* p, Message* m, ExitReason& out) {
  bool die = false;
  on_dequeued(p);
  switch (m->sys_) {
    case Sys::link:
      if (m->sender_ && m->sender_.control_block() != p->cb_) extras(p).links.insert(m->sender_);
      break;
    case Sys::unlink:
      if (p->ext_) p->ext_->links.erase(m->sender_);
      break;
    case Sys::monitor:
      if (m->sender_) extras(p).monitored_by.emplace(m->get<SigRef>().ref, m->sender_);
      break;
    case Sys::demonitor:
      if (p->ext_) {
        auto [b, e] = p->ext_->monitored_by.equal_range(m->get<SigRef>().ref);
        for (auto it = b; it != e; ++it) {
          if (it->second == m->sender_) {
            p->ext_->monitored_by.erase(it);
            break;
          }
        }
      }
      break;
    case Sys::exit: {
      auto& s = m->get<SigExit>();
      const Pid& from = m->sender_;
      if (s.linked) {
        if (!p->ext_ || p->ext_->links.erase(from) == 0) break;  // unlinked meanwhile
      }
      if (!s.linked && s.reason.kind() == ExitKind::kill) {
        out = ExitReason::killed();
        die = true;
      } else if ((p->flags_ & kTrapExit) && (s.linked || !(p->flags_ & kTrapLinkedOnly))) {
        Message* e = make_message<Exit>(Exit{from, s.reason});
        e->sender_ = from;
        p->cb_->depth.fetch_add(1, std::memory_order_relaxed);
        append_queue(p, e);
      } else if (s.reason.is_normal()) {
        if (!s.linked && from.control_block() == p->cb_) {
          out = ExitReason::normal();
          die = true;
        }
      } else {
        out = s.reason;
        die = true;
      }
      break;
    }
    case Sys::down: {
      auto& s = m->get<SigDown>();
      if (p->ext_ && p->ext_->monitors.erase(s.ref)) {
        Message* d = make_message<Down>(Down{MonitorRef{s.ref}, m->sender_, s.reason});
        d->sender_ = m->sender_;
        p->cb_->depth.fetch_add(1, std::memory_order_relaxed);
        append_queue(p, d);
      }
      break;
    }
    case Sys::unmute: p->flags_ &= ~kMuted; break;
    case Sys::timeout:
      if (p->flags_ & kFiber) static_cast<Process*>(p)->on_timeout_signal(m->get<SigTimeout>().token);
      break;
    case Sys::wake:
    case Sys::none: break;
  }
  destroy_message(m);
  return die;
}

bool fetch(ProcessCore* p, ExitReason& out, uint32_t* taken) {
  ControlBlock* cb = p->cb_;
  if (cb->head.load(std::memory_order_acquire) == kInboxEmpty) return false;
  const InboxWord w = cb->head.exchange(kInboxEmpty, std::memory_order_acq_rel);
  const auto counted = static_cast<uint32_t>(inbox_count(w));  // 0 for bounded mailboxes
  Message* h = inbox_message(w);
  // One pass: reverse the LIFO batch into send order and note whether any message needs handling on
  // the way in (a signal, or a reply that may belong to an abandoned call). Usually none does, and the
  // whole batch is spliced onto the private queue at once.
  Message* fifo = nullptr;
  Message* last = h;
  bool plain = true;
  while (h) {
    Message* n = h->next_;
    plain &= h->sys_ == Sys::none && !(h->flags_ & Message::kReply);
    h->next_ = fifo;
    fifo = h;
    h = n;
  }
  // Into `depth` before any signal is handled (handling one takes it off again); a small batch of data
  // only is left to the turn (fetch's declaration).
  if (taken && plain && *taken + counted <= p->node_->opts.throughput) *taken += counted;
  else if (counted) cb->depth.fetch_add(counted, std::memory_order_relaxed);
  if (plain) {
    if (fifo) {
      if (p->q_tail_) p->q_tail_->next_ = fifo;
      else p->q_head_ = fifo;
      p->q_tail_ = last;
    }
    fifo = nullptr;
  }
  bool dying = false;
  while (fifo) {
    Message* m = fifo;
    fifo = fifo->next_;
    m->next_ = nullptr;
    if (dying || m->sys_ == Sys::none) {
      if (!dying && (m->flags_ & Message::kReply) && p->ext_ && p->ext_->abandoned_calls.erase(m->corr_)) {
        on_dequeued(p);
        destroy_message(m);
        continue;
      }
      append_queue(p, m);
      continue;
    }
    if (handle_signal(p, m, out)) dying = true;
  }
  BoundedState* b = cb->bounded;
  if (!dying && b && b->policy == OverflowPolicy::drop_oldest) {
    while (cb->depth.load(std::memory_order_relaxed) > b->capacity && p->q_head_) {
      Message* old = pop_queue(p);
      count_dropped(b);
      on_dequeued(p);
      destroy_message(old);
      p->flags_ |= kQueueTrimmed;
    }
  }
  return dying;
}

void log_crash(ProcessCore* p, const ExitReason& reason) {
  std::string name = p->node_->registry.name_of(Pid::share(p->cb_));
  std::string s = "CRASH REPORT process=" + Pid::share(p->cb_).to_string();
  if (!name.empty()) s += " name=" + name;
  s += " reason=" + reason.to_string();
  log::error(s);
  telemetry::emit("fnd.process.crash", {{"id", static_cast<double>(p->cb_->id)}});
}

void terminate(ProcessCore* p, const ExitReason& reason) {
  p->flags_ |= kDead;
  ControlBlock* cb = p->cb_;
  NodeImpl* node = p->node_;
  Pid self = Pid::share(cb);
  // 1. No new messages: close the inbox and keep what was in it, in order.
  Message* h = inbox_message(cb->head.exchange(kInboxClosed, std::memory_order_acq_rel));
  Message* fifo = nullptr;
  while (h) {
    Message* n = h->next_;
    h->next_ = fifo;
    fifo = h;
    h = n;
  }
  while (fifo) {
    Message* n = fifo->next_;
    append_queue(p, fifo);
    fifo = n;
  }
  if (reason.is_error()) log_crash(p, reason);
  // 2. Timers and name.
  if (p->flags_ & kHasTimers) node->timers.cancel_owner(cb->id);
  if (cb->flags.load(std::memory_order_acquire) & kCbRegistered) node->registry.remove_pid(self);
  // 3. Senders blocked on this mailbox.
  if (BoundedState* b = cb->bounded) {
    std::vector<Pid> ws;
    {
      std::lock_guard<std::mutex> l(b->mu);
      ws.swap(b->waiters);
      b->cv.notify_all();
    }
    for (auto& w : ws) send_signal(p, w, make_signal(Sys::unmute, SigEmpty{}));
  }
  // 4. Links and monitors.
  ExitReason link_reason = reason.kind() == ExitKind::kill ? ExitReason::killed() : reason;
  if (Extras* e = p->ext_) {
    for (auto& l : e->links) send_signal(p, l, make_signal(Sys::exit, SigExit{link_reason, true}));
    for (auto& [ref, w] : e->monitored_by) send_signal(p, w, make_signal(Sys::down, SigDown{ref, link_reason}));
    for (auto& [ref, target] : e->monitors) send_signal(p, target, make_signal(Sys::demonitor, SigRef{ref}));
  }
  // 5. What was still queued: answer requests (link, monitor, call) with noproc.
  while (Message* m = pop_queue(p)) bounce(self, m);
  cb->depth.store(0, std::memory_order_relaxed);
  if (link_reason.is_normal()) cb->flags.fetch_or(kCbExitedNormally, std::memory_order_relaxed);
  cb->proc.store(nullptr, std::memory_order_seq_cst);
  // Only watched processes take the watchers' lock (an exit-heavy load would serialize on it).
  if (cb->flags.load(std::memory_order_seq_cst) & kCbWatched) node->fire_watchers(cb, link_reason);
  delete p->ext_;
  p->ext_ = nullptr;
  node->remove_live(p);
}

ProcessCore::~ProcessCore() {
  delete ext_;
  release_context(ctx_);
  // Messages left (a process destroyed without terminate(), e.g. spawn failure) are freed.
  while (Message* m = q_head_) {
    q_head_ = m->next_;
    destroy_message(m);
  }
  release(cb_, 1 + credits_);
}

}  // namespace fnd::detail

namespace fnd {
using namespace detail;

void Context::link(const Pid& other) {
  if (!other || other.control_block() == cb_) return;
  if (extras(this).links.insert(other).second) send_signal(this, other, make_signal(Sys::link, SigEmpty{}));
}

void Context::unlink(const Pid& other) {
  if (!other || !ext_) return;
  if (ext_->links.erase(other)) send_signal(this, other, make_signal(Sys::unlink, SigEmpty{}));
}

MonitorRef Context::monitor(const Pid& other) {
  uint64_t ref = g_monitor_refs.fetch_add(1, std::memory_order_relaxed);
  extras(this).monitors.emplace(ref, other);
  if (!other) {
    Message* d = make_message<Down>(Down{MonitorRef{ref}, other, ExitReason::noproc()});
    cb_->depth.fetch_add(1, std::memory_order_relaxed);
    ext_->monitors.erase(ref);
    append_queue(this, d);
  } else {
    send_signal(this, other, make_signal(Sys::monitor, SigRef{ref}));
  }
  return MonitorRef{ref};
}

bool Context::demonitor(MonitorRef ref, bool flush) {
  bool found = false;
  if (ext_) {
    auto it = ext_->monitors.find(ref.id);
    if (it != ext_->monitors.end()) {
      send_signal(this, it->second, make_signal(Sys::demonitor, SigRef{ref.id}));
      ext_->monitors.erase(it);
      found = true;
    }
  }
  if (flush) {
    Message* prev = nullptr;
    for (Message* m = q_head_; m;) {
      Message* next = m->next_;
      if (m->is<Down>() && m->get<Down>().ref == ref) {
        if (prev) prev->next_ = next;
        else q_head_ = next;
        if (q_tail_ == m) q_tail_ = prev;
        on_dequeued(this);
        destroy_message(m);
        flags_ |= kQueueTrimmed;
      } else {
        prev = m;
      }
      m = next;
    }
  }
  return found;
}

void Context::trap_exit(bool on) noexcept {
  if (on) flags_ |= kTrapExit;
  else flags_ &= ~kTrapExit;
}

void Context::exit(const Pid& to, ExitReason reason) {
  send_signal(this, to, make_signal(Sys::exit, SigExit{std::move(reason), false}));
}

bool Context::cancel_timer(TimerRef t) { return timer_cancel(node_, this, t); }

Result<void> Context::register_name(std::string name) { return node_->registry.add(name, self()); }

Pid Context::whereis(std::string_view name) const { return node_->registry.find(name); }

Pid self() {
  ProcessCore* p = current_process();
  return p ? Pid::share(p->cb_) : Pid();
}

void yield() {
  ProcessCore* p = current_process();
  if (!p) {
    std::this_thread::yield();
    return;
  }
  if (p->flags_ & kFiber) {
    static_cast<Process*>(p)->yield();
    return;
  }
  // Actor: a checkpoint; a pending kill/exit unwinds the handler.
  ExitReason r;
  if (fetch(p, r)) throw ExitException{r};
}

void Node::exit(const Pid& to, ExitReason reason) {
  send_signal(nullptr, to, make_signal(Sys::exit, SigExit{std::move(reason), false}));
}

}  // namespace fnd
