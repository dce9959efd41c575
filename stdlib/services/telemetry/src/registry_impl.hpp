// Internal: the registry's state, shared by the registry, the runtime metrics and the HTTP exposer.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include <prometheus/metric_family.h>

#include "fnd/services/telemetry.hpp"

namespace fnd::telemetry {

struct Registry::Impl {
  struct Metric {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> fn;  // computed metrics (called under the registry's lock)
  };
  struct Family {
    MetricType type = MetricType::counter;
    std::string help;
    std::map<Labels, Metric> metrics;
  };
  Metric& get(std::string_view name, Labels labels, std::string_view help, MetricType t);
  std::vector<prometheus::MetricFamily> collect();

  std::mutex mu;
  std::map<std::string, Family, std::less<>> families;
  std::mutex hook_mu;
  std::map<uint64_t, std::shared_ptr<std::function<void()>>> hooks;
  uint64_t next_hook = 1;
};

}  // namespace fnd::telemetry
