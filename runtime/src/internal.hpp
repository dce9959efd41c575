// Internal structures of the runtime: node, scheduler workers, per-process extras, bounded mailbox state,
// timers and registry. Not installed; only runtime/src includes it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fnd/detail/name_resolver.hpp"
#include "fnd/node.hpp"
#include "ws_deque.hpp"

namespace fnd::detail {

// What one kind of process keeps beside its Extras (C actors: c_api.cpp's CExtras), freed with them.
struct ProcessExtension {
  virtual ~ProcessExtension() = default;
};

// ---- per-process state allocated on first use (most actors never link or monitor) ----
struct Extras {
  std::unordered_set<Pid, PidHash> links;
  std::unordered_map<uint64_t, Pid> monitors;      // monitors this process holds: ref -> target
  // Monitors held on this process: ref -> watcher. A multimap: refs are unique per node only, and a
  // remote watcher's ref (from its node's counter) may equal a local watcher's.
  std::unordered_multimap<uint64_t, Pid> monitored_by;
  std::unordered_set<uint64_t> abandoned_calls;    // timed-out calls: late replies are dropped
  std::optional<ExitReason> stop_reason;
  Pid start_ack_to;  // kAckStart: whom this actor tells that its on_start has completed
  Pid start_acker;   // a supervisor: the actor its last child start spawned with kAckStart
  std::unique_ptr<ProcessExtension> extension;
};
Extras& extras(ProcessCore* p);

// Extra flags (ProcessCore::flags_), beyond those in process_core.hpp.
enum : uint32_t {
  kQueueTrimmed = 1u << 16,
  kTopLevelSup = 1u << 17,
  // Synchronous child starts (OTP's start_link/init): while a supervisor runs a child's start function
  // (kStartingChild), the first actor it spawns gets kAckStart and sends it StartedAck once its
  // on_start has completed; the supervisor waits for that before starting the next child.
  kStartingChild = 1u << 18,
  kAckStart = 1u << 19,
  // Bits 24..27: the live-process shard the process is in (NodeImpl::add_live).
  kLiveShardShift = 24,
  kLiveShardMask = 0xFu << kLiveShardShift,
};
// The message an actor with kAckStart sends after its on_start (supervisor.cpp).
struct StartedAck {
  Pid pid;  // the actor that started
};
void ack_start(ProcessCore* p);

// ---- signal payloads (Message::sys_ != none) ----
struct SigEmpty {};
struct SigRef {
  uint64_t ref;
};
struct SigExit {
  ExitReason reason;
  bool linked;  // sent because of a link (ignored if the link is gone)
};
struct SigDown {
  uint64_t ref;
  ExitReason reason;
};
struct SigTimeout {
  uint64_t token;
};

template <class T>
Message* make_signal(Sys kind, T value) {
  Message* m = make_message<T>(std::move(value));
  m->sys_ = kind;
  return m;
}

// ---- bounded mailboxes ----
// Messages that bounded mailboxes dropped or refused, node-wide: RuntimeStats reports them, and they
// must outlive the processes that counted them (a Prometheus counter never goes down).
struct MailboxTotals {
  std::atomic<uint64_t> dropped{0};
  std::atomic<uint64_t> rejected{0};
};

struct BoundedState {
  std::shared_ptr<MailboxTotals> totals;  // the node's
  uint32_t capacity = 0;
  OverflowPolicy policy = OverflowPolicy::drop_newest;
  std::atomic<uint64_t> dropped{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint32_t> nwait{0};  // waiting senders (processes + threads)
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Pid> waiters;        // muted actors / suspended fibers
};

// ---- scheduler ----
class NodeImpl;

class Worker {
 public:
  Worker(NodeImpl* node, unsigned index);
  void loop();
  // Makes `p` runnable from this worker. `lifo`: the run-next slot (a process woken by the running one).
  void push_local(ProcessCore* p, bool lifo);
  // Moves the run-next process to the deque (stealable) and wakes a sleeping worker.
  void spill_run_next();

  NodeImpl* node;
  unsigned index;
  WsDeque<ProcessCore> deque;
  // Set and taken by this worker; the node's monitor takes it when this worker stays in one turn
  // (a handler that does not return must not strand the process it woke: NodeImpl::monitor_loop).
  std::atomic<ProcessCore*> run_next{nullptr};
  unsigned run_next_streak = 0;
  std::atomic<uint64_t> turns{0};  // turns started on this worker (written only by it)
  uint64_t tick = 0;
  uint64_t rng;
  std::atomic<ProcessCore*> running{nullptr};  // for stop(): the process a stuck worker is in
  std::atomic<bool> exited{false};
  // Messages handled by processes on this worker (written only by this worker; read by fnd/stats.hpp).
  std::atomic<uint64_t> handled{0};
  std::thread thread;

 private:
  ProcessCore* find_work();
  ProcessCore* steal();
  ProcessCore* take_run_next() { return run_next.load(std::memory_order_relaxed) ? run_next.exchange(nullptr, std::memory_order_acquire) : nullptr; }
  void run(ProcessCore* p);
};

Worker* current_worker() noexcept;

// ---- timers ----
class TimerService {
 public:
  explicit TimerService(NodeImpl* node);
  ~TimerService();
  TimerRef start(ProcessCore* owner, const Pid& to, Duration delay, Duration period, Message* once,
                 std::function<Message*()> make);
  bool cancel(uint64_t id);
  void cancel_owner(uint64_t owner_id);
  void stop();

 private:
  struct Entry {
    Pid to;
    Pid owner;
    Message* once = nullptr;
    std::function<Message*()> make;
    Duration period{0};
    Clock::time_point deadline;
  };
  void loop();
  void erase_locked(uint64_t id, std::unordered_map<uint64_t, Entry>::iterator it);
  NodeImpl* node_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t next_id_ = 1;
  using Item = std::pair<Clock::time_point, uint64_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap_;
  std::unordered_map<uint64_t, Entry> entries_;
  std::unordered_map<uint64_t, std::unordered_set<uint64_t>> owned_;  // owner id -> timer ids
  std::thread thread_;
};

// ---- registry ----
class Registry {
 public:
  Result<void> add(const std::string& name, const Pid& pid);
  bool remove(std::string_view name);
  void remove_pid(const Pid& pid);  // at death
  Pid find(std::string_view name) const;        // local holder, else the resolver's answer (local names win)
  Pid find_local(std::string_view name) const;  // never consults the resolver
  std::string name_of(const Pid& pid) const;    // comma-separated if several
  // Installs (or clears, with nullptr) the resolver consulted for names with no local holder.
  void set_resolver(std::shared_ptr<const NameResolver> r);
  void remove_resolver(const NameResolver* installed);

 private:
  void erase_name_locked(uint64_t id, const std::string& name);

 public:

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, Pid> names_;
  std::unordered_multimap<uint64_t, std::string> by_pid_;  // a process may hold several names
  std::shared_ptr<const NameResolver> resolver_;            // global names (fnd_dist), under mu_
};

// ---- the node ----
class NodeImpl : public std::enable_shared_from_this<NodeImpl> {
 public:
  explicit NodeImpl(NodeOptions o, Node* facade);
  ~NodeImpl();
  void start();

  // Scheduling.
  void schedule(ProcessCore* p);     // from anywhere
  void inject(ProcessCore* p);       // global FIFO queue
  ProcessCore* pop_injected();
  void notify_one();                 // wake a sleeping worker if there is one
  // A thread that moves a process left in the run-next slot of a worker stuck in one turn to the
  // injection queue (scheduler.cpp). Only with more than one worker.
  void monitor_loop();
  std::thread monitor;
  std::mutex monitor_mu;
  std::condition_variable monitor_cv;
  void park(Worker& w);              // sleep until notified (no lost wake-up)

  // Live processes.
  void add_live(ProcessCore* p);
  void remove_live(ProcessCore* p);
  std::vector<Pid> live_pids();

  // Exit watchers (Node::watch, run()'s root).
  void watch(const Pid& pid, std::function<void(const ExitReason&)> fn);
  void fire_watchers(ControlBlock* cb, const ExitReason& reason);

  void stop();

  NodeOptions opts;
  Node* facade;
  std::vector<std::unique_ptr<Worker>> workers;
  std::atomic<uint64_t> next_id{1};
  std::shared_ptr<MailboxTotals> mailbox_totals = std::make_shared<MailboxTotals>();
  std::atomic<bool> stopping{false};   // workers exit their loops
  std::atomic<bool> stopped{false};    // stop() ran
  std::atomic<bool> refuse_spawn{false};
  std::atomic<bool> stopping_wait{false};  // stop() waits for live_count() == 0

  // injection queue
  std::mutex inj_mu;
  std::deque<ProcessCore*> injected;
  std::atomic<size_t> inj_size{0};

  // parking
  std::mutex park_mu;
  std::condition_variable park_cv;
  std::atomic<uint64_t> wake_epoch{0};
  std::atomic<int> sleepers{0};

  // Live processes, in shards: a process joins the shard of the worker that spawns it (a thread
  // that is no worker uses its id's), so that the spawns and exits of one worker write lines no
  // other worker writes (a shared list or counter had both workers' every spawn and exit pull the
  // same lines). Each shard counts its processes; the node's count is their sum.
  static constexpr unsigned kShards = 16;
  struct alignas(128) Shard {
    std::mutex mu;
    ProcessCore* head = nullptr;
    std::atomic<size_t> count{0};
  };
  Shard shards[kShards];
  // The sum of the shards' counts. Not a snapshot: a spawn into one shard and an exit from another
  // can be seen in either order, so a reader may be off by a process for that moment.
  size_t live_count() const noexcept;
  // Processes by id, for the distribution layer's look-ups of local pids that arrive as ids
  // (find_local_pid): kept only once a DistNode asks for it (enable_id_index), so a node alone pays
  // nothing per spawn. An entry changes under its process's live shard lock, then its id shard's.
  std::atomic<bool> index_ids{false};
  struct alignas(128) IdShard {
    std::mutex mu;
    std::unordered_map<uint64_t, ControlBlock*> by_id;  // the process holds the block while listed
  };
  IdShard id_shards[kShards];
  void enable_id_index();
  Pid find_by_id(uint64_t id);
  void index_add(ProcessCore* p);
  void index_remove(ProcessCore* p);
  std::mutex live_mu;
  std::condition_variable live_cv;  // signalled at every exit while stop() waits

  // watchers
  std::mutex watch_mu;
  std::atomic<int> watch_count{0};
  std::unordered_multimap<ControlBlock*, std::function<void(const ExitReason&)>> watchers;

  // top-level supervisors, in start order (stop() shuts them down in reverse)
  std::mutex sup_mu;
  std::vector<Pid> top_sups;

  // run()/shutdown()
  std::mutex run_mu;
  std::condition_variable run_cv;
  bool shutdown_requested = false;
  int shutdown_code = 0;
  bool root_exited = false;
  int root_code = 0;

  TimerService timers;
  Registry registry;
  struct StackPool* stacks = nullptr;
};

// ---- process machinery (process.cpp) ----
// Moves new inbox messages into the private queue, handling signals. Returns true if a signal requires
// the process to exit (reason in `out`); the remaining messages stay queued for terminate().
// The messages taken in (counted in the inbox's head word until now) are added to `depth`. With a
// non-null `taken` (an actor's turn), a batch of data only is added to *taken instead as long as
// *taken stays within the node's throughput: the turn settles it with what it handled in one update,
// so a turn that takes in and handles a message does not write `depth` at all, and a reading during
// the turn is low by at most one turn's worth.
bool fetch(ProcessCore* p, ExitReason& out, uint32_t* taken = nullptr);
// Closes the mailbox, notifies links/monitors/watchers, answers queued requests, unregisters. Does not
// delete the process.
void terminate(ProcessCore* p, const ExitReason& reason);
// A message that could not be delivered to `to` (dead): answer link/monitor/call requests with noproc.
void bounce(const Pid& to, Message* m);
void on_dequeued(ProcessCore* p) noexcept;  // depth accounting + bounded-mailbox wake-ups
void append_queue(ProcessCore* p, Message* m) noexcept;
Message* pop_queue(ProcessCore* p) noexcept;
// Destroys a handled message; its sender reference is released later, in a batch with other messages
// from the same sender (process.cpp), at the latest by flush_releases(): the worker calls it when it
// runs out of work and when it stops.
void retire_message(Message* m) noexcept;
// Makes `c` (borrowed; may be null) the process's request context in effect.
inline void adopt_context(ProcessCore* p, ContextData* c) noexcept {
  retain_context(c);
  release_context(p->ctx_);
  p->ctx_ = c;
}
void flush_releases() noexcept;
// Non-blocking post (timers, runtime-internal signals).
void post_nowait(ProcessCore* from, const Pid& to, Message* m);
void set_current(ProcessCore* p) noexcept;
void log_crash(ProcessCore* p, const ExitReason& reason);

}  // namespace fnd::detail
