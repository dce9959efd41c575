// The metric registry and its Prometheus exposition (prometheus-cpp's data model and text serializer).
#include <cmath>
#include <limits>
#include <stdexcept>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include "registry_impl.hpp"

namespace fnd::telemetry {

namespace {
bool valid_name(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}
const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
  }
  return "?";
}
}  // namespace

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;

Registry& Registry::global() {
  static Registry r;
  return r;
}

Registry::Impl::Metric& Registry::Impl::get(std::string_view name, Labels labels, std::string_view help, MetricType t) {
  if (!valid_name(name)) throw std::invalid_argument("bad metric name '" + std::string(name) + "'");
  for (auto& [k, v] : labels)
    if (!valid_name(k) || k.find(':') != std::string::npos) throw std::invalid_argument("bad label name '" + k + "'");
  std::sort(labels.begin(), labels.end());
  auto [fit, fresh] = families.try_emplace(std::string(name));
  Family& f = fit->second;
  if (fresh) {
    f.type = t;
    f.help = help;
  } else if (f.type != t) {
    throw std::invalid_argument("metric " + std::string(name) + " is a " + type_name(f.type) + ", not a " + type_name(t));
  }
  if (f.help.empty() && !help.empty()) f.help = help;
  return f.metrics[std::move(labels)];
}

Counter& Registry::counter(std::string_view name, Labels labels, std::string_view help) {
  std::lock_guard<std::mutex> g(impl_->mu);
  auto& m = impl_->get(name, std::move(labels), help, MetricType::counter);
  if (!m.counter && !m.fn) m.counter = std::make_unique<Counter>();
  if (!m.counter) throw std::invalid_argument("metric " + std::string(name) + " is computed by a function");
  return *m.counter;
}

Gauge& Registry::gauge(std::string_view name, Labels labels, std::string_view help) {
  std::lock_guard<std::mutex> g(impl_->mu);
  auto& m = impl_->get(name, std::move(labels), help, MetricType::gauge);
  if (!m.gauge && !m.fn) m.gauge = std::make_unique<Gauge>();
  if (!m.gauge) throw std::invalid_argument("metric " + std::string(name) + " is computed by a function");
  return *m.gauge;
}

Histogram& Registry::histogram(std::string_view name, Labels labels, Buckets buckets, std::string_view help) {
  std::lock_guard<std::mutex> g(impl_->mu);
  auto& m = impl_->get(name, std::move(labels), help, MetricType::histogram);
  if (!m.histogram) m.histogram = std::make_unique<Histogram>(std::move(buckets));
  return *m.histogram;
}

void Registry::counter_fn(std::string_view name, Labels labels, std::function<double()> fn, std::string_view help) {
  std::lock_guard<std::mutex> g(impl_->mu);
  impl_->get(name, std::move(labels), help, MetricType::counter).fn = std::move(fn);
}

void Registry::gauge_fn(std::string_view name, Labels labels, std::function<double()> fn, std::string_view help) {
  std::lock_guard<std::mutex> g(impl_->mu);
  impl_->get(name, std::move(labels), help, MetricType::gauge).fn = std::move(fn);
}

uint64_t Registry::before_collect(std::function<void()> fn) {
  std::lock_guard<std::mutex> g(impl_->hook_mu);
  uint64_t id = impl_->next_hook++;
  impl_->hooks.emplace(id, std::make_shared<std::function<void()>>(std::move(fn)));
  return id;
}

void Registry::remove_hook(uint64_t id) {
  std::lock_guard<std::mutex> g(impl_->hook_mu);
  impl_->hooks.erase(id);
}

std::vector<prometheus::MetricFamily> Registry::Impl::collect() {
  std::vector<std::shared_ptr<std::function<void()>>> hs;
  {
    std::lock_guard<std::mutex> g(hook_mu);
    for (auto& [id, h] : hooks) hs.push_back(h);
  }
  for (auto& h : hs) (*h)();  // outside the locks: hooks set metrics through the registry

  std::vector<prometheus::MetricFamily> out;
  std::lock_guard<std::mutex> g(mu);
  for (auto& [name, f] : families) {
    prometheus::MetricFamily pf;
    pf.name = name;
    pf.help = f.help.empty() ? name : f.help;
    pf.type = f.type == MetricType::counter ? prometheus::MetricType::Counter
              : f.type == MetricType::gauge ? prometheus::MetricType::Gauge
                                            : prometheus::MetricType::Histogram;
    prometheus::MetricFamily quantiles;  // histograms: p50/p90/p99 as a gauge family beside them
    quantiles.name = name + "_percentile";
    quantiles.help = "p50, p90 and p99 of " + name + " (interpolated within buckets)";
    quantiles.type = prometheus::MetricType::Gauge;
    for (auto& [labels, m] : f.metrics) {
      prometheus::ClientMetric cm;
      for (auto& [k, v] : labels) cm.label.push_back({k, v});
      if (m.fn) {
        double v = m.fn();
        if (f.type == MetricType::counter) cm.counter.value = v;
        else cm.gauge.value = v;
      } else if (m.counter) {
        cm.counter.value = static_cast<double>(m.counter->value());
      } else if (m.gauge) {
        cm.gauge.value = m.gauge->value();
      } else if (m.histogram) {
        HistogramSnapshot s = m.histogram->snapshot();
        cm.histogram.sample_count = s.count;
        cm.histogram.sample_sum = s.sum;
        uint64_t cum = 0;
        for (size_t i = 0; i < s.counts.size(); ++i) {
          cum += s.counts[i];
          double ub = i < s.bounds.size() ? s.bounds[i] : std::numeric_limits<double>::infinity();
          cm.histogram.bucket.push_back({cum, ub});
        }
        if (s.count) {
          for (double q : {0.5, 0.9, 0.99}) {
            prometheus::ClientMetric qm;
            qm.label = cm.label;
            qm.label.push_back({"quantile", q == 0.5 ? "0.5" : q == 0.9 ? "0.9" : "0.99"});
            qm.gauge.value = m.histogram->percentile(q);
            quantiles.metric.push_back(std::move(qm));
          }
        }
      }
      pf.metric.push_back(std::move(cm));
    }
    out.push_back(std::move(pf));
    if (!quantiles.metric.empty()) out.push_back(std::move(quantiles));
  }
  return out;
}

std::string Registry::text() const {
  prometheus::TextSerializer s;
  return s.Serialize(impl_->collect());
}

void record_span(Registry& r, std::string_view name, const Labels& labels, double seconds, const char* outcome) {
  Labels l = labels;
  l.emplace_back("outcome", outcome);
  std::string n(name);
  r.histogram(n + "_duration_seconds", l).observe(seconds);
  r.counter(n + "_total", l).inc();
  bool exc = std::string_view(outcome) == "exception";
  fnd::telemetry::emit(n, {{"duration_seconds", seconds}, {"exception", exc ? 1.0 : 0.0}});
}

}  // namespace fnd::telemetry
