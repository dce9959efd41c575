// Runtime metrics: fnd::runtime_stats() read at each collection (counters advance by what the
// runtime counted since the previous one), plus counters fed by the runtime's telemetry hook
// (crashes, restarts).
#include <chrono>

#include "fnd/node.hpp"
#include "fnd/services/telemetry.hpp"
#include "fnd/stats.hpp"

namespace fnd::telemetry {

struct RuntimeMetrics::State {
  std::mutex mu;  // one refresh at a time (previous-collection values)
  Node* node;
  std::chrono::steady_clock::time_point last_at;
  uint64_t last_messages = 0;
  uint64_t counted_messages = 0, counted_dropped = 0, counted_rejected = 0;  // added to the counters so far
  std::vector<double> last_cpu;
  bool alive = true;
};

RuntimeMetrics::RuntimeMetrics(Registry& r, Node& node) : reg_(r), st_(std::make_shared<State>()) {
  st_->node = &node;
  RuntimeStats s = runtime_stats(node);
  st_->last_at = std::chrono::steady_clock::now();
  st_->last_messages = s.messages;
  for (auto& w : s.workers) st_->last_cpu.push_back(w.cpu_seconds);
  // Create the families now so they show (at zero) before anything happens.
  for (auto* n : {"fnd_process_crashes_total", "fnd_supervisor_restarts_total", "fnd_supervisor_shutdowns_total",
                  "fnd_mailbox_dropped_total", "fnd_mailbox_rejected_total", "fnd_messages_handled_total"})
    (void)reg_.counter(n);
  Counter& crashes = reg_.counter("fnd_process_crashes_total", {}, "processes that ended with an error reason");
  Counter& restarts = reg_.counter("fnd_supervisor_restarts_total", {}, "children restarted by supervisors");
  Counter& shutdowns = reg_.counter("fnd_supervisor_shutdowns_total", {}, "supervisors that gave up (intensity exceeded)");
  (void)reg_.counter("fnd_mailbox_dropped_total", {}, "messages dropped by bounded mailboxes");
  (void)reg_.counter("fnd_mailbox_rejected_total", {}, "messages refused by bounded mailboxes");
  (void)reg_.counter("fnd_messages_handled_total", {}, "messages handled (all workers)");
  Registry* reg = &reg_;
  handler_ = attach("", [=, &crashes, &restarts, &shutdowns](std::string_view ev, const Measurements&) {
    if (ev == "fnd.process.crash") crashes.inc();
    else if (ev == "fnd.supervisor.restart") restarts.inc();
    else if (ev == "fnd.supervisor.shutdown") shutdowns.inc();
    reg->counter("fnd_telemetry_events_total", {{"event", std::string(ev)}}, "events through the runtime telemetry hook").inc();
  });
  hook_ = reg_.before_collect([this] { refresh(); });
}

RuntimeMetrics::~RuntimeMetrics() {
  detach(handler_);
  reg_.remove_hook(hook_);
}

void RuntimeMetrics::refresh() {
  std::lock_guard<std::mutex> g(st_->mu);
  RuntimeStats s = runtime_stats(*st_->node);
  auto now = std::chrono::steady_clock::now();
  double dt = std::chrono::duration<double>(now - st_->last_at).count();
  reg_.gauge("fnd_processes", {}, "live processes").set(static_cast<double>(s.processes));
  reg_.gauge("fnd_workers", {}, "scheduler threads").set(static_cast<double>(s.workers.size()));
  reg_.gauge("fnd_mailbox_depth_total", {}, "messages queued in all mailboxes").set(static_cast<double>(s.mailbox_depth_total));
  reg_.gauge("fnd_mailbox_depth_max", {}, "the deepest mailbox").set(static_cast<double>(s.mailbox_depth_max));
  // Counters advance by what the runtime counted since the last collection.
  auto advance = [&](const char* name, uint64_t now, uint64_t& counted) {
    if (now > counted) reg_.counter(name).inc(now - counted);
    counted = std::max(counted, now);
  };
  advance("fnd_messages_handled_total", s.messages, st_->counted_messages);
  advance("fnd_mailbox_dropped_total", s.mailbox_dropped, st_->counted_dropped);
  advance("fnd_mailbox_rejected_total", s.mailbox_rejected, st_->counted_rejected);
  if (dt > 0)
    reg_.gauge("fnd_messages_per_second", {}, "messages handled per second since the previous collection")
        .set(static_cast<double>(s.messages - std::min(s.messages, st_->last_messages)) / dt);
  for (size_t i = 0; i < s.workers.size(); ++i) {
    Labels l{{"worker", std::to_string(i)}};
    reg_.gauge("fnd_worker_cpu_seconds", l, "CPU time of the worker thread").set(s.workers[i].cpu_seconds);
    double prev = i < st_->last_cpu.size() ? st_->last_cpu[i] : 0;
    if (dt > 0)
      reg_.gauge("fnd_scheduler_utilisation", l, "worker CPU time / wall time since the previous collection (0..1)")
          .set(std::clamp((s.workers[i].cpu_seconds - prev) / dt, 0.0, 1.0));
  }
  st_->last_at = now;
  st_->last_messages = s.messages;
  st_->last_cpu.clear();
  for (auto& w : s.workers) st_->last_cpu.push_back(w.cpu_seconds);
}

}  // namespace fnd::telemetry
