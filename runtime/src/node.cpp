// Node: workers, spawning, observation, run/shutdown/stop.
#include "fnd/node.hpp"

#include <chrono>
#include <future>

#include "fnd/log.hpp"
#include "fnd/telemetry.hpp"
#include "internal.hpp"

namespace fnd::detail {

StackPool* make_stack_pool(size_t size);
void destroy_stack_pool(StackPool* p);

NodeImpl::NodeImpl(NodeOptions o, Node* f) : opts(std::move(o)), facade(f), timers(this) {
  if (opts.threads == 0) opts.threads = std::max(1u, std::thread::hardware_concurrency());
  if (opts.throughput == 0) opts.throughput = 1;
  stacks = make_stack_pool(opts.fiber_stack_size);
}

NodeImpl::~NodeImpl() {
  timers.stop();
  if (monitor.joinable()) monitor.join();
  for (auto& w : workers)
    if (w->thread.joinable()) w->thread.join();
  destroy_stack_pool(stacks);
}

void NodeImpl::start() {
  log::set_level(opts.log_level);
  for (unsigned i = 0; i < opts.threads; ++i) workers.push_back(std::make_unique<Worker>(this, i));
  // Workers keep the node alive: a worker stuck in a handler at stop() is abandoned, not destroyed.
  for (auto& w : workers) w->thread = std::thread([self = shared_from_this(), w = w.get()] { w->loop(); });
  if (workers.size() > 1) monitor = std::thread([this] { monitor_loop(); });
}

void NodeImpl::add_live(ProcessCore* p) {
  static_assert(kShards - 1 <= (kLiveShardMask >> kLiveShardShift));
  const Worker* w = current_worker();
  const unsigned i = static_cast<unsigned>((w ? w->index : p->cb_->id) % kShards);
  p->flags_ = (p->flags_ & ~kLiveShardMask) | (i << kLiveShardShift);  // not running yet: no race
  Shard& s = shards[i];
  {
    std::lock_guard<std::mutex> g(s.mu);
    p->live_next_ = s.head;
    p->live_prev_ = nullptr;
    if (s.head) s.head->live_prev_ = p;
    s.head = p;
    if (index_ids.load(std::memory_order_seq_cst)) [[unlikely]] index_add(p);
  }
  s.count.fetch_add(1, std::memory_order_relaxed);
}

void NodeImpl::remove_live(ProcessCore* p) {
  Shard& s = shards[(p->flags_ & kLiveShardMask) >> kLiveShardShift];
  {
    std::lock_guard<std::mutex> g(s.mu);
    if (p->live_prev_) p->live_prev_->live_next_ = p->live_next_;
    else if (s.head == p) s.head = p->live_next_;
    if (p->live_next_) p->live_next_->live_prev_ = p->live_prev_;
    p->live_prev_ = p->live_next_ = nullptr;
    if (index_ids.load(std::memory_order_seq_cst)) [[unlikely]] index_remove(p);
  }
  // seq_cst with stop()'s store of stopping_wait and its reads of the counts: either stop() sees
  // this exit in live_count(), or this sees stopping_wait and wakes it.
  s.count.fetch_sub(1, std::memory_order_seq_cst);
  if (stopping_wait.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> g(live_mu);
    live_cv.notify_all();
  }
}

// Turned on once; the processes already live are added shard by shard under each shard's lock, so
// a concurrent spawn or exit in that shard is either seen by the walk or sees the flag itself.
void NodeImpl::enable_id_index() {
  if (index_ids.exchange(true, std::memory_order_seq_cst)) return;
  for (Shard& s : shards) {
    std::lock_guard<std::mutex> g(s.mu);
    for (ProcessCore* p = s.head; p; p = p->live_next_) index_add(p);
  }
}

// Under the process's live shard lock (add_live, remove_live, enable_id_index).
void NodeImpl::index_add(ProcessCore* p) {
  IdShard& x = id_shards[p->cb_->id % kShards];
  std::lock_guard<std::mutex> g(x.mu);
  x.by_id[p->cb_->id] = p->cb_;
}
void NodeImpl::index_remove(ProcessCore* p) {
  IdShard& x = id_shards[p->cb_->id % kShards];
  std::lock_guard<std::mutex> g(x.mu);
  x.by_id.erase(p->cb_->id);
}

Pid NodeImpl::find_by_id(uint64_t id) {
  if (index_ids.load(std::memory_order_seq_cst)) {
    IdShard& x = id_shards[id % kShards];
    std::lock_guard<std::mutex> gx(x.mu);
    auto it = x.by_id.find(id);
    return it == x.by_id.end() ? Pid() : Pid::share(it->second);
  }
  for (Shard& s : shards) {  // no index: a process is in its spawning worker's shard, not its id's
    std::lock_guard<std::mutex> g(s.mu);
    for (ProcessCore* p = s.head; p; p = p->live_next_)
      if (p->cb_->id == id) return Pid::share(p->cb_);
  }
  return Pid();
}

size_t NodeImpl::live_count() const noexcept {
  size_t n = 0;
  for (const Shard& s : shards) n += s.count.load(std::memory_order_seq_cst);
  return n;
}

std::vector<Pid> NodeImpl::live_pids() {
  std::vector<Pid> out;
  for (auto& s : shards) {
    std::lock_guard<std::mutex> g(s.mu);
    for (ProcessCore* p = s.head; p; p = p->live_next_) out.push_back(Pid::share(p->cb_));
  }
  return out;
}

void NodeImpl::watch(const Pid& pid, std::function<void(const ExitReason&)> fn) {
  watch_count.fetch_add(1, std::memory_order_seq_cst);
  // Flag first, then look at liveness; the exiting process stores "dead" first, then reads the flag
  // (both seq_cst): either we see it dead, or it sees the flag and fires (only flagged exits lock).
  if (ControlBlock* cb = pid.control_block()) cb->flags.fetch_or(kCbWatched, std::memory_order_seq_cst);
  std::unique_lock<std::mutex> g(watch_mu);
  if (!pid || pid.control_block()->proc.load(std::memory_order_seq_cst) == nullptr) {
    g.unlock();
    watch_count.fetch_sub(1, std::memory_order_seq_cst);
    fn(ExitReason::noproc());
    return;
  }
  watchers.emplace(pid.control_block(), std::move(fn));
}

void NodeImpl::fire_watchers(ControlBlock* cb, const ExitReason& reason) {
  std::vector<std::function<void(const ExitReason&)>> fns;
  {
    std::lock_guard<std::mutex> g(watch_mu);
    auto [b, e] = watchers.equal_range(cb);
    for (auto it = b; it != e; ++it) fns.push_back(std::move(it->second));
    watchers.erase(b, e);
  }
  watch_count.fetch_sub(static_cast<int>(fns.size()), std::memory_order_seq_cst);
  for (auto& f : fns) f(reason);
}

namespace {
bool wait_until_dead(NodeImpl* n, const Pid& pid, Clock::time_point deadline) {
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  n->watch(pid, [done](const ExitReason&) { done->set_value(); });
  return fut.wait_until(deadline) == std::future_status::ready;
}
}  // namespace

void NodeImpl::stop() {
  if (stopped.exchange(true)) return;
  auto grace = opts.stop_grace;
  size_t before = live_count();
  // 1. Supervision trees, top-down: each top-level supervisor stops its children in reverse order.
  std::vector<Pid> sups;
  {
    std::lock_guard<std::mutex> g(sup_mu);
    sups = top_sups;
  }
  auto deadline = Clock::now() + grace;
  for (auto it = sups.rbegin(); it != sups.rend(); ++it) {
    if (!it->alive()) continue;
    facade->exit(*it, ExitReason::shutdown());
    if (!wait_until_dead(this, *it, deadline))
      log::warning("node stop: supervisor " + it->to_string() + " did not stop within the grace period");
  }
  // 2. Everything else is killed.
  refuse_spawn.store(true);
  stopping_wait.store(true, std::memory_order_seq_cst);
  for (int round = 0; round < 3 && live_count() > 0; ++round) {
    for (auto& p : live_pids()) facade->exit(p, ExitReason::kill());
    std::unique_lock<std::mutex> l(live_mu);
    live_cv.wait_until(l, Clock::now() + grace / 3, [&] { return live_count() == 0; });
  }
  // 3. Workers. One stuck in a handler cannot be preempted: it is abandoned (it keeps the node's memory
  //    alive through its shared_ptr) and reported.
  stopping.store(true, std::memory_order_seq_cst);
  {
    std::lock_guard<std::mutex> g(park_mu);
    wake_epoch.fetch_add(1);
  }
  park_cv.notify_all();
  {
    std::lock_guard<std::mutex> g(monitor_mu);
  }
  monitor_cv.notify_all();
  if (monitor.joinable()) monitor.join();
  {
    std::unique_lock<std::mutex> l(live_mu);
    live_cv.wait_until(l, Clock::now() + grace, [&] {
      for (auto& w : workers)
        if (!w->exited.load(std::memory_order_acquire)) return false;
      return true;
    });
  }
  std::vector<ProcessCore*> stuck;
  for (auto& w : workers) {
    if (w->exited.load(std::memory_order_acquire)) {
      if (w->thread.joinable()) w->thread.join();
    } else {
      ProcessCore* p = w->running.load();
      if (p) stuck.push_back(p);
      log::error("node stop: worker " + std::to_string(w->index) + " is stuck in a handler of " +
                 (p ? Pid::share(p->cb_).to_string() : std::string("?")) + "; abandoning it");
      w->thread.detach();
    }
  }
  timers.stop();
  // 4. Processes that never got to run their exit (idle fibers, queued actors): released here.
  std::vector<ProcessCore*> rest;
  for (auto& s : shards) {
    std::lock_guard<std::mutex> g(s.mu);
    for (ProcessCore* p = s.head; p; p = p->live_next_)
      if (std::find(stuck.begin(), stuck.end(), p) == stuck.end()) rest.push_back(p);
  }
  for (ProcessCore* p : rest) {
    terminate(p, ExitReason::killed());
    delete p;
  }
  telemetry::emit("fnd.node.stop", {{"processes", static_cast<double>(before)}});
}

Node& node_of(NodeImpl* n) noexcept { return *n->facade; }

Pid spawn_core(NodeImpl* node, ProcessCore* parent, ProcessCore* p, const SpawnOptions& opts, bool link_parent) {
  if (!node || node->refuse_spawn.load(std::memory_order_relaxed)) {
    delete p;
    return Pid();
  }
  auto* cb = new ControlBlock();
  cb->id = node->next_id.fetch_add(1, std::memory_order_relaxed);
  cb->node = node->opts.node_id;
  if (opts.mailbox.capacity > 0) {
    cb->bounded = new BoundedState();
    cb->bounded->totals = node->mailbox_totals;
    cb->bounded->capacity = opts.mailbox.capacity;
    cb->bounded->policy = opts.mailbox.policy;
  }
  p->cb_ = cb;  // the process owns the block's first reference
  p->node_ = node;
  cb->proc.store(p, std::memory_order_release);
  if (opts.trap_exit) p->flags_ |= kTrapExit;
  Pid pid = Pid::share(cb);
  if (!opts.name.empty()) {
    auto r = node->registry.add(opts.name, pid);
    if (!r) {
      log::warning("spawn: " + r.error().to_string());
      cb->head.store(kInboxClosed);
      cb->proc.store(nullptr);
      delete p;
      return Pid();
    }
  }
  if (link_parent && parent) {
    extras(parent).links.insert(pid);
    extras(p).links.insert(Pid::share(parent->cb_));
  }
  if (opts.link_to) {
    if (parent && opts.link_to.control_block() == parent->cb_) {
      extras(parent).links.insert(pid);
      extras(p).links.insert(opts.link_to);
    } else if (extras(p).links.insert(opts.link_to).second) {
      // The child asks for the link; if link_to is dead the child gets exit(noproc) before it starts.
      Message* m = make_signal(Sys::link, SigEmpty{});
      m->sender_ = pid;
      post_nowait(nullptr, opts.link_to, m);
    }
  }
  const bool linked_to_parent =
      parent && (link_parent || (opts.link_to && opts.link_to.control_block() == parent->cb_));
  if (linked_to_parent && (parent->flags_ & kStartingChild) && !(p->flags_ & kFiber)) {
    // The supervisor's child (internal.hpp: kStartingChild); fibers have no on_start to wait for.
    // Linked only: if the child dies before its ack, the link's exit is what the supervisor sees.
    parent->flags_ &= ~kStartingChild;
    p->flags_ |= kAckStart;
    extras(p).start_ack_to = Pid::share(parent->cb_);
    extras(parent).start_acker = pid;
  }
  node->add_live(p);
  node->schedule(p);
  return pid;
}

Result<MessagePtr> external_call(NodeImpl* node, const Pid& to, Message* req, Duration timeout) {
  if (current_process() && (current_process()->flags_ & kFiber))
    return static_cast<Process*>(current_process())->call_raw(to, req, timeout);
  auto prom = std::make_shared<std::promise<Result<MessagePtr>>>();
  auto fut = prom->get_future();
  struct Holder {  // frees the request if the helper never runs
    Message* m = nullptr;
    ~Holder() { destroy_message(m); }
  };
  auto h = std::make_shared<Holder>();
  h->m = req;
  Pid helper = spawn_fiber_core(
      node, nullptr,
      [prom, h, to, timeout](Process& p) {
        Message* m = h->m;
        h->m = nullptr;
        prom->set_value(p.call_raw(to, m, timeout));
      },
      {}, false);
  if (!helper) return Error(errc::shutdown, "node is stopping");
  auto limit = timeout + node->opts.stop_grace;
  if (fut.wait_for(limit) != std::future_status::ready)
    return Error(errc::timeout, "call to " + to.to_string() + " timed out");
  return fut.get();
}

}  // namespace fnd::detail

namespace fnd {
using namespace detail;

Node::Node(NodeOptions options) : impl_(std::make_shared<NodeImpl>(std::move(options), this)) { impl_->start(); }

Node::~Node() { stop(); }

void Node::stop() { impl_->stop(); }
bool Node::stopped() const noexcept { return impl_->stopped.load(); }

int Node::wait() {
  std::unique_lock<std::mutex> l(impl_->run_mu);
  impl_->run_cv.wait(l, [&] { return impl_->shutdown_requested || impl_->root_exited; });
  return impl_->shutdown_requested ? impl_->shutdown_code : impl_->root_code;
}

int Node::run() {
  const int code = wait();
  stop();
  return code;
}

void Node::shutdown(int code) {
  std::lock_guard<std::mutex> l(impl_->run_mu);
  if (!impl_->shutdown_requested) {
    impl_->shutdown_requested = true;
    impl_->shutdown_code = code;
  }
  impl_->run_cv.notify_all();
}

std::optional<int> Node::shutdown_code() const {
  std::lock_guard<std::mutex> l(impl_->run_mu);
  if (!impl_->shutdown_requested) return std::nullopt;
  return impl_->shutdown_code;
}

void Node::set_root(const Pid& root) {
  NodeImpl* n = impl_.get();
  n->watch(root, [n, root](const ExitReason& r) {
    // A root that already ended (e.g. an actor that stops in on start) is reported as noproc: its
    // control block says whether that end was normal.
    const bool normal = r.is_normal() || (r.kind() == ExitKind::noproc && root.control_block() &&
                                          (root.control_block()->flags.load() & kCbExitedNormally));
    std::lock_guard<std::mutex> l(n->run_mu);
    n->root_exited = true;
    n->root_code = normal ? 0 : 1;
    n->run_cv.notify_all();
  });
}

std::shared_future<ExitReason> Node::watch(const Pid& pid) {
  auto prom = std::make_shared<std::promise<ExitReason>>();
  std::shared_future<ExitReason> f = prom->get_future().share();
  impl_->watch(pid, [prom](const ExitReason& r) { prom->set_value(r); });
  return f;
}

bool Node::cancel_timer(TimerRef t) { return timer_cancel(impl(), nullptr, t); }

Result<void> Node::register_name(std::string name, const Pid& pid) { return impl_->registry.add(name, pid); }
bool Node::unregister_name(std::string_view name) { return impl_->registry.remove(name); }
Pid Node::whereis(std::string_view name) const { return impl_->registry.find(name); }

size_t Node::mailbox_depth(const Pid& pid) const noexcept {
  if (!pid) return 0;
  // Taken in by the receiver (or counted by their senders) plus still in its inbox's count. None for a
  // dead process (a sender may still be undoing a count it moved into depth).
  const ControlBlock* cb = pid.control_block();
  const InboxWord h = cb->head.load(std::memory_order_relaxed);
  if (h == kInboxClosed) return 0;
  return cb->depth.load(std::memory_order_relaxed) + inbox_count(h);
}

ProcessInfo Node::process_info(const Pid& pid) const {
  ProcessInfo i;
  i.pid = pid;
  if (!pid) return i;
  i.alive = pid.alive();
  i.mailbox_depth = mailbox_depth(pid);
  if (auto* b = pid.control_block()->bounded) {
    i.dropped = b->dropped.load();
    i.rejected = b->rejected.load();
  }
  i.registered_name = impl_->registry.name_of(pid);
  return i;
}

size_t Node::process_count() const noexcept { return impl_->live_count(); }
const NodeOptions& Node::options() const noexcept { return impl_->opts; }
unsigned Node::threads() const noexcept { return impl_->opts.threads; }
uint32_t Node::id() const noexcept { return impl_->opts.node_id; }

}  // namespace fnd
