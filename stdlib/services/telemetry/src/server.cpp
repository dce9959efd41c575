// GET /metrics through prometheus-cpp's exposer (civetweb), and the node option that starts it.
#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include "fnd/services/errors.hpp"
#include "registry_impl.hpp"

namespace fnd::telemetry {

namespace {
class Adapter final : public prometheus::Collectable {
 public:
  explicit Adapter(Registry& r) : r_(r) {}
  std::vector<prometheus::MetricFamily> Collect() const override { return r_.impl().collect(); }

 private:
  Registry& r_;
};
}  // namespace

struct MetricsServer::Impl {
  std::shared_ptr<Adapter> adapter;
  std::unique_ptr<prometheus::Exposer> exposer;
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(Registry& r, const std::string& address) {
  std::unique_ptr<MetricsServer> s(new MetricsServer());
  s->impl_ = std::make_unique<Impl>();
  s->impl_->adapter = std::make_shared<Adapter>(r);
  try {
    s->impl_->exposer = std::make_unique<prometheus::Exposer>(address, 2);
  } catch (const std::exception& e) {
    return errors::make(errors::code::initialization_failed, "metrics endpoint: cannot listen on " + address + ": " + e.what())
        .with("address", address);
  }
  s->impl_->exposer->RegisterCollectable(s->impl_->adapter, "/metrics");
  auto ports = s->impl_->exposer->GetListeningPorts();
  if (!ports.empty()) s->port_ = static_cast<uint16_t>(ports.front());
  return s;
}

MetricsServer::~MetricsServer() {
  if (impl_ && impl_->exposer) impl_->exposer->RemoveCollectable(impl_->adapter, "/metrics");
}

Result<std::unique_ptr<NodeTelemetry>> start(Node& node, TelemetryOptions opts) {
  auto t = std::unique_ptr<NodeTelemetry>(new NodeTelemetry());
  t->reg_ = opts.registry ? opts.registry : &Registry::global();
  if (opts.runtime_metrics) t->runtime_ = std::make_unique<RuntimeMetrics>(*t->reg_, node);
  if (!opts.metrics_address.empty()) {
    auto s = MetricsServer::start(*t->reg_, opts.metrics_address);
    if (!s) return s.error();
    t->server_ = std::move(*s);
  }
  return t;
}

}  // namespace fnd::telemetry
