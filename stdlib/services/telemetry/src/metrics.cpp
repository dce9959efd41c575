// Counter, gauge and histogram.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "fnd/services/telemetry.hpp"

namespace fnd::telemetry {

namespace detail {
unsigned shard_slot() noexcept {
  static std::atomic<unsigned> next{0};
  thread_local unsigned slot = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return slot;
}
}  // namespace detail

uint64_t Counter::value() const noexcept {
  uint64_t s = 0;
  for (auto& c : cells_) s += c.v.load(std::memory_order_relaxed);
  return s;
}

namespace {
void atomic_add(std::atomic<double>& a, double d) noexcept {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}
}  // namespace

void Gauge::add(double d) noexcept { atomic_add(v_, d); }

Buckets Buckets::fixed(std::vector<double> bounds) {
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  if (!bounds.empty() && std::isinf(bounds.back())) bounds.pop_back();  // +Inf is implicit
  return {std::move(bounds)};
}

Buckets Buckets::exponential(double start, double factor, size_t count) {
  if (start <= 0 || factor <= 1 || count == 0) throw std::invalid_argument("exponential buckets need start > 0, factor > 1, count > 0");
  Buckets b;
  double v = start;
  for (size_t i = 0; i < count; ++i, v *= factor) b.bounds.push_back(v);
  return b;
}

Buckets Buckets::linear(double start, double width, size_t count) {
  if (width <= 0 || count == 0) throw std::invalid_argument("linear buckets need width > 0, count > 0");
  Buckets b;
  for (size_t i = 0; i < count; ++i) b.bounds.push_back(start + width * static_cast<double>(i));
  return b;
}

Histogram::Histogram(Buckets b)
    : bounds_(Buckets::fixed(std::move(b.bounds)).bounds), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) noexcept {
  // Bucket i holds bounds[i-1] < v <= bounds[i] (Prometheus' "le").
  size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  double m = max_.load(std::memory_order_relaxed);
  while (v > m && !max_.compare_exchange_weak(m, v, std::memory_order_relaxed)) {
  }
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot s;
  s.bounds = bounds_;
  s.counts.resize(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    s.counts[i] = counts_[i].load(std::memory_order_relaxed);
    s.count += s.counts[i];
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

double Histogram::percentile(double q) const {
  HistogramSnapshot s = snapshot();
  if (s.count == 0) return std::numeric_limits<double>::quiet_NaN();
  q = std::clamp(q, 0.0, 1.0);
  double rank = q * static_cast<double>(s.count);
  uint64_t seen = 0;
  for (size_t i = 0; i < s.counts.size(); ++i) {
    if (s.counts[i] == 0) continue;
    if (static_cast<double>(seen + s.counts[i]) >= rank) {
      if (i == s.bounds.size()) return max_.load(std::memory_order_relaxed);  // beyond the last bound
      double lo = i == 0 ? std::min(0.0, s.bounds[0]) : s.bounds[i - 1];
      double hi = s.bounds[i];
      double within = (rank - static_cast<double>(seen)) / static_cast<double>(s.counts[i]);
      return lo + (hi - lo) * std::clamp(within, 0.0, 1.0);
    }
    seen += s.counts[i];
  }
  return max_.load(std::memory_order_relaxed);
}

}  // namespace fnd::telemetry
