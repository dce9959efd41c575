// Telemetry (issue #5): counters, gauges and real histograms with labels, `measure` spans, runtime
// metrics out of the box, and Prometheus exposition over HTTP (prometheus-cpp's civetweb exposer;
// the metric types are ours: see docs/services.md for why). Lives beside the runtime's telemetry hook
// (fnd/telemetry.hpp: attach/emit) in namespace fnd::telemetry.
//
//   auto& reqs = fnd::telemetry::Registry::global().counter("http_requests_total", {{"method", "get"}});
//   reqs.inc();                                                  // ~ns: a per-thread shard
//   auto& lat = registry.histogram("db_query_seconds", {}, fnd::telemetry::Buckets::exponential(1e-4, 2, 16));
//   lat.observe(0.003);  lat.percentile(0.99);
//   auto rows = fnd::telemetry::measure(registry, "db_query", {{"table", "users"}}, [&] { return db.query(q); });
//   auto t = fnd::telemetry::start(node, {.metrics_address = "127.0.0.1:9464"});  // GET /metrics
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fnd/error.hpp"
#include "fnd/telemetry.hpp"

namespace fnd {
class Node;
}

namespace fnd::telemetry {

using Labels = std::vector<std::pair<std::string, std::string>>;

namespace detail {
inline constexpr unsigned kShards = 8;
unsigned shard_slot() noexcept;  // this thread's shard (assigned round-robin at first use)
}  // namespace detail

// Monotonic counter: sharded per thread (a relaxed add on the thread's own cache line), summed on read.
class Counter {
 public:
  void inc(uint64_t n = 1) noexcept { cells_[detail::shard_slot()].v.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept;

 private:
  struct alignas(64) Cell {
    std::atomic<uint64_t> v{0};
  };
  std::array<Cell, detail::kShards> cells_;
};

class Gauge {
 public:
  void set(double v) noexcept { v_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept;
  void inc() noexcept { add(1); }
  void dec() noexcept { add(-1); }
  double value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

// Upper bounds of a histogram's buckets (ascending; +Inf is implicit).
struct Buckets {
  std::vector<double> bounds;
  static Buckets fixed(std::vector<double> bounds);
  static Buckets exponential(double start, double factor, size_t count);
  static Buckets linear(double start, double width, size_t count);
};

struct HistogramSnapshot {
  std::vector<double> bounds;
  std::vector<uint64_t> counts;  // per bucket (not cumulative); one more than bounds (+Inf)
  uint64_t count = 0;
  double sum = 0;
};

// Fixed or exponential buckets; percentiles interpolated within the bucket that holds the rank
// (exact to the bucket's width: pick bounds at the resolution you need).
class Histogram {
 public:
  explicit Histogram(Buckets b);
  void observe(double v) noexcept;
  HistogramSnapshot snapshot() const;
  // q in [0, 1]; NaN if empty. Values beyond the last bound report the largest value observed.
  double percentile(double q) const;
  double p50() const { return percentile(0.5); }
  double p90() const { return percentile(0.9); }
  double p99() const { return percentile(0.99); }
  uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0}, max_{-1e308};
};

enum class MetricType : uint8_t { counter, gauge, histogram };

// Metric families by name; each label set is one metric. References stay valid for the registry's
// life: look a metric up once and keep the reference on hot paths. Names follow Prometheus
// ([a-zA-Z_:][a-zA-Z0-9_:]*); a bad name, or one name used with two types, throws std::invalid_argument.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  static Registry& global();

  Counter& counter(std::string_view name, Labels labels = {}, std::string_view help = "");
  Gauge& gauge(std::string_view name, Labels labels = {}, std::string_view help = "");
  Histogram& histogram(std::string_view name, Labels labels = {},
                       Buckets buckets = Buckets::exponential(0.0001, 2, 18), std::string_view help = "");
  // Metrics computed at collection time.
  void counter_fn(std::string_view name, Labels labels, std::function<double()> fn, std::string_view help = "");
  void gauge_fn(std::string_view name, Labels labels, std::function<double()> fn, std::string_view help = "");
  // Runs before every collection (refresh gauges from a source); returns an id for remove_hook.
  uint64_t before_collect(std::function<void()> fn);
  void remove_hook(uint64_t id);

  // Prometheus text exposition format (version 0.0.4).
  std::string text() const;

  struct Impl;
  Impl& impl() const noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Times fn(); records the duration in seconds in histogram `<name>_duration_seconds` with the labels
// plus outcome = ok | error (a Result that failed) | exception (rethrown), and counts calls in
// `<name>_total` with the same labels. Also emits the runtime telemetry event `<name>` with
// {duration_seconds, exception} to handlers attached with fnd::telemetry::attach.
void record_span(Registry& r, std::string_view name, const Labels& labels, double seconds, const char* outcome);

template <class F>
auto measure(Registry& r, std::string_view name, Labels labels, F&& fn) {
  using R = std::invoke_result_t<F&>;
  auto t0 = std::chrono::steady_clock::now();
  auto secs = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  try {
    if constexpr (std::is_void_v<R>) {
      fn();
      record_span(r, name, labels, secs(), "ok");
    } else {
      R out = fn();
      const char* outcome = "ok";
      if constexpr (requires { out.ok(); }) outcome = out.ok() ? "ok" : "error";
      record_span(r, name, labels, secs(), outcome);
      return out;
    }
  } catch (...) {
    record_span(r, name, labels, secs(), "exception");
    throw;
  }
}

// Runtime metrics of a node in a registry, refreshed at each collection:
//   fnd_processes, fnd_workers, fnd_mailbox_depth_total, fnd_mailbox_depth_max,
//   fnd_messages_handled_total, fnd_messages_per_second (since the previous collection),
//   fnd_scheduler_utilisation{worker} (worker CPU time / wall time since the previous collection),
//   fnd_worker_cpu_seconds{worker}, fnd_process_crashes_total, fnd_supervisor_restarts_total,
//   fnd_supervisor_shutdowns_total, fnd_mailbox_dropped_total, fnd_mailbox_rejected_total,
//   fnd_telemetry_events_total{event} (every event through the runtime's telemetry hook).
class RuntimeMetrics {
 public:
  RuntimeMetrics(Registry& r, Node& node);
  ~RuntimeMetrics();
  RuntimeMetrics(const RuntimeMetrics&) = delete;
  RuntimeMetrics& operator=(const RuntimeMetrics&) = delete;
  void refresh();  // what a collection does first

  struct State;

 private:
  Registry& reg_;
  std::shared_ptr<State> st_;
  uint64_t hook_ = 0;
  HandlerId handler_ = 0;
};

// GET /metrics over HTTP (prometheus-cpp's exposer).
class MetricsServer {
 public:
  // "host:port" (port 0: an ephemeral port). Fails with initialization_failed if it cannot listen.
  static Result<std::unique_ptr<MetricsServer>> start(Registry& r, const std::string& address);
  ~MetricsServer();
  uint16_t port() const noexcept { return port_; }

  struct Impl;

 private:
  MetricsServer() = default;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

// The node option: runtime metrics in a registry (the global one by default) and, with an address,
// the /metrics endpoint. Destroy before the node.
struct TelemetryOptions {
  Registry* registry = nullptr;
  bool runtime_metrics = true;
  std::string metrics_address;  // "" = no HTTP endpoint; e.g. "127.0.0.1:9464", "0.0.0.0:0"
};

class NodeTelemetry {
 public:
  Registry& registry() const noexcept { return *reg_; }
  uint16_t metrics_port() const noexcept { return server_ ? server_->port() : 0; }

 private:
  friend Result<std::unique_ptr<NodeTelemetry>> start(Node&, TelemetryOptions);
  Registry* reg_ = nullptr;
  std::unique_ptr<RuntimeMetrics> runtime_;
  std::unique_ptr<MetricsServer> server_;
};

Result<std::unique_ptr<NodeTelemetry>> start(Node& node, TelemetryOptions opts = {});

}  // namespace fnd::telemetry
