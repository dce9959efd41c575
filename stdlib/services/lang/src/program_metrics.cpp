// `--metrics-port PORT` / `--metrics-address HOST:PORT` of generated programs: the node's runtime
// metrics (and the program's own) in Prometheus text format at GET /metrics while the node runs
// (fnd::telemetry::start, docs/services.md "Telemetry").
#include "program_metrics.hpp"

#include <charconv>
#include <memory>
#include <mutex>

#include "fnd/log.hpp"
#include "fnd/services/telemetry.hpp"
#include "fnd/telemetry.hpp"

namespace fnd::lang::services {

namespace {
struct MetricsState {
  std::string address;  // "" = off
  std::mutex mu;
  std::unique_ptr<fnd::telemetry::NodeTelemetry> running;
  bool hooked = false;
};
MetricsState& ms() {
  static auto* m = new MetricsState;  // never destroyed (see program_config.cpp)
  return *m;
}
}  // namespace

std::string parse_metrics_option(std::string_view option, std::string_view value) {
  if (option == "--metrics-port") {
    unsigned port = 0;
    auto r = std::from_chars(value.data(), value.data() + value.size(), port);
    if (r.ec != std::errc() || r.ptr != value.data() + value.size() || port > 65535)
      return "--metrics-port: expected a port from 0 to 65535, got '" + std::string(value) + "'";
    ms().address = "0.0.0.0:" + std::to_string(port);
    return {};
  }
  const auto colon = value.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size())
    return "--metrics-address: expected HOST:PORT, got '" + std::string(value) + "'";
  ms().address = std::string(value);
  return {};
}

bool start_metrics(fnd::Node& node) {
  auto& m = ms();
  if (m.address.empty()) return true;
  if (!m.hooked) {
    m.hooked = true;
    // Stopped with the node (its metrics read the node), before the node is destroyed.
    fnd::telemetry::attach("fnd.node.stop", [](std::string_view, const fnd::telemetry::Measurements&) {
      std::unique_ptr<fnd::telemetry::NodeTelemetry> gone;
      std::lock_guard<std::mutex> g(ms().mu);
      gone = std::move(ms().running);
    });
  }
  auto t = fnd::telemetry::start(node, {.metrics_address = m.address});
  if (!t) {
    fnd::log::error("metrics: " + t.error().code + ": " + t.error().message);
    return false;
  }
  const uint16_t port = (*t)->metrics_port();
  fnd::log::info("metrics: serving /metrics on " + m.address.substr(0, m.address.rfind(':')) + ":" +
                 std::to_string(port));
  std::lock_guard<std::mutex> g(m.mu);
  m.running = std::move(*t);
  return true;
}

}  // namespace fnd::lang::services
