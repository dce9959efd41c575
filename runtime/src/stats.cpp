#include "fnd/stats.hpp"

#include <pthread.h>
#include <time.h>

#include "internal.hpp"

namespace fnd {

RuntimeStats runtime_stats(const Node& node) {
  detail::NodeImpl* n = node.impl();
  RuntimeStats s;
  s.processes = n->live_count();
  s.mailbox_dropped = n->mailbox_totals->dropped.load(std::memory_order_relaxed);
  s.mailbox_rejected = n->mailbox_totals->rejected.load(std::memory_order_relaxed);
  for (const Pid& p : n->live_pids()) {
    uint64_t d = node.mailbox_depth(p);
    s.mailbox_depth_total += d;
    if (d > s.mailbox_depth_max) s.mailbox_depth_max = d;
  }
  for (auto& w : n->workers) {
    WorkerStats ws;
    ws.messages = w->handled.load(std::memory_order_relaxed);
    clockid_t cid;
    timespec ts{};
    if (!w->exited.load(std::memory_order_acquire) && w->thread.joinable() &&
        pthread_getcpuclockid(w->thread.native_handle(), &cid) == 0 && clock_gettime(cid, &ts) == 0)
      ws.cpu_seconds = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    s.messages += ws.messages;
    s.workers.push_back(ws);
  }
  return s;
}

}  // namespace fnd
