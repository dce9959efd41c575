// The work-stealing scheduler. Each worker has a Chase-Lev deque and a run-next slot; a global injection
// queue takes work from non-worker threads and processes that used up their throughput budget (the back
// of the line, for fairness). Idle workers spin briefly, then park on a condition variable; a producer
// wakes one parked worker when it makes work visible (Dekker-style: push, then check `sleepers`; a parker
// increments `sleepers`, then re-checks every queue, so at least one of the two sees the other).
#include <chrono>

#include "fnd/log.hpp"
#include "internal.hpp"

namespace fnd::detail {

namespace {
thread_local Worker* t_worker = nullptr;
constexpr unsigned kRunNextStreak = 32;  // consecutive run-next turns before the deque gets a chance
constexpr unsigned kGlobalEvery = 61;    // check the injection queue first every N ticks (as Go does)
constexpr int kSpins = 64;
// How often the monitor looks for a process stranded in the run-next slot of a worker that stays in
// one turn (NodeImpl::monitor_loop): it is moved after one to two periods.
constexpr std::chrono::milliseconds kStrandedAfter{5};

inline uint64_t xorshift(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}
}  // namespace

__attribute__((noinline)) Worker* current_worker() noexcept { return t_worker; }

Worker::Worker(NodeImpl* n, unsigned i) : node(n), index(i), rng(0x9E3779B97F4A7C15ull * (i + 1)) {}

void Worker::push_local(ProcessCore* p, bool lifo) {
  if (lifo) {
    // Only this worker fills the slot, so an empty one stays empty until the store; a full one may
    // be emptied by a thief meanwhile, hence the exchange.
    if (!run_next.load(std::memory_order_relaxed)) {
      run_next.store(p, std::memory_order_release);
    } else if (ProcessCore* old = run_next.exchange(p, std::memory_order_acq_rel)) {
      deque.push(old);
      node->notify_one();
    }
    return;
  }
  deque.push(p);
  node->notify_one();
}

void Worker::spill_run_next() {
  if (ProcessCore* p = take_run_next()) {
    deque.push(p);
    node->notify_one();
  }
}

ProcessCore* Worker::steal() {
  size_t n = node->workers.size();
  if (n <= 1) return nullptr;
  size_t start = xorshift(rng) % n;
  for (size_t k = 0; k < n; ++k) {
    Worker* v = node->workers[(start + k) % n].get();
    if (v == this) continue;
    if (ProcessCore* p = v->deque.steal()) return p;
  }
  return nullptr;
}

// A process left in a worker's run-next slot while that worker stays in one turn (a handler in a long
// loop) would wait for the turn to end, with other workers idle and parked (a run-next push wakes
// nobody, to keep ping-pong on one core). Every kStrandedAfter the monitor looks at each slot; a
// process seen there twice in the same turn goes to the injection queue, which wakes a worker (as
// Go's sysmon retakes a P held too long). A slot that is about to be taken is never moved.
void NodeImpl::monitor_loop() {
  struct Seen {
    uint64_t turn = 0;
    ProcessCore* p = nullptr;
  };
  std::vector<Seen> seen(workers.size());
  std::unique_lock<std::mutex> l(monitor_mu);
  while (!monitor_cv.wait_for(l, kStrandedAfter, [&] { return stopping.load(std::memory_order_acquire); })) {
    for (size_t i = 0; i < workers.size(); ++i) {
      Worker& v = *workers[i];
      ProcessCore* p = v.run_next.load(std::memory_order_acquire);
      const uint64_t turn = v.turns.load(std::memory_order_relaxed);
      if (!p || !v.running.load(std::memory_order_relaxed)) {
        seen[i] = {};
        continue;
      }
      if (seen[i].p == p && seen[i].turn == turn) {
        seen[i] = {};
        ProcessCore* expected = p;
        if (v.run_next.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel)) inject(p);
        continue;
      }
      seen[i] = {turn, p};
    }
  }
}

ProcessCore* Worker::find_work() {
  ++tick;
  if (tick % kGlobalEvery == 0)
    if (ProcessCore* p = node->pop_injected()) return p;
  if (run_next_streak < kRunNextStreak) {
    if (ProcessCore* p = take_run_next()) {
      ++run_next_streak;
      return p;
    }
  }
  run_next_streak = 0;
  if (ProcessCore* p = deque.pop()) return p;
  if (ProcessCore* p = take_run_next()) return p;
  if (ProcessCore* p = node->pop_injected()) return p;
  return steal();
}

void Worker::run(ProcessCore* p) {
  turns.store(turns.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  running.store(p, std::memory_order_relaxed);
  set_current(p);
  RunResult r = p->run_turn(*this);
  set_current(nullptr);
  running.store(nullptr, std::memory_order_relaxed);
  switch (r) {
    case RunResult::idle: break;
    case RunResult::requeue: node->inject(p); break;
    case RunResult::dead: delete p; break;
  }
}

void Worker::loop() {
  t_worker = this;
  while (!node->stopping.load(std::memory_order_acquire)) {
    ProcessCore* p = find_work();
    for (int i = 0; !p && i < kSpins; ++i) {
      cpu_relax();
      p = find_work();
    }
    if (!p) {
      flush_releases();  // out of work: the sender references held back by retire_message go now
      node->park(*this);
      continue;
    }
    run(p);
  }
  flush_releases();
  t_worker = nullptr;
  exited.store(true, std::memory_order_release);
  {
    std::lock_guard<std::mutex> g(node->live_mu);
    node->live_cv.notify_all();
  }
}

void NodeImpl::schedule(ProcessCore* p) {
  Worker* w = current_worker();
  if (w && w->node == this) {
    // From a running process: the woken process goes next on this worker (ping-pong stays hot).
    w->push_local(p, current_process() != nullptr);
    return;
  }
  inject(p);
}

void NodeImpl::inject(ProcessCore* p) {
  {
    std::lock_guard<std::mutex> g(inj_mu);
    injected.push_back(p);
    inj_size.fetch_add(1, std::memory_order_seq_cst);
  }
  notify_one();
}

ProcessCore* NodeImpl::pop_injected() {
  if (inj_size.load(std::memory_order_seq_cst) == 0) return nullptr;
  std::lock_guard<std::mutex> g(inj_mu);
  if (injected.empty()) return nullptr;
  ProcessCore* p = injected.front();
  injected.pop_front();
  inj_size.fetch_sub(1, std::memory_order_seq_cst);
  return p;
}

void NodeImpl::notify_one() {
  if (sleepers.load(std::memory_order_seq_cst) == 0) return;
  {
    std::lock_guard<std::mutex> g(park_mu);
    wake_epoch.fetch_add(1, std::memory_order_relaxed);
  }
  park_cv.notify_one();
}

void NodeImpl::park(Worker& w) {
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> g(park_mu);
    epoch = wake_epoch.load(std::memory_order_relaxed);
  }
  sleepers.fetch_add(1, std::memory_order_seq_cst);
  // Re-check after announcing: a producer that pushed before seeing us will be seen here.
  bool work = inj_size.load(std::memory_order_seq_cst) > 0 || w.run_next.load(std::memory_order_seq_cst) != nullptr;
  for (auto& o : workers)
    if (!o->deque.empty_hint()) work = true;
  if (!work && !stopping.load(std::memory_order_seq_cst)) {
    std::unique_lock<std::mutex> l(park_mu);
    park_cv.wait(l, [&] {
      return wake_epoch.load(std::memory_order_relaxed) != epoch || stopping.load(std::memory_order_relaxed);
    });
  }
  sleepers.fetch_sub(1, std::memory_order_seq_cst);
}

}  // namespace fnd::detail
