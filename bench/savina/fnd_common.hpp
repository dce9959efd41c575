// fnd runtime side of the benchmark: a node configured like the CAF peers, and the sink through which
// a workload's result gets back to main().
#pragma once

#include <cstdint>
#include <future>

#include <fnd/fnd.hpp>

#include "bench_util.hpp"

namespace fndbench {

// Workers = bench::threads(), the same number the CAF scheduler gets; logs limited to warnings.
inline fnd::NodeOptions node_options() {
  fnd::NodeOptions o;
  o.threads = static_cast<unsigned>(bench::threads());
  o.log_level = fnd::log::Level::warning;
  return o;
}

// A partial result sent to the sink.
struct Report {
  std::int64_t value;
};

// Adds up `expected` Reports, then hands the sum to main() through a promise and stops.
class Sink : public fnd::Actor {
 public:
  Sink(std::int64_t expected, std::promise<std::int64_t>* done) : expected_(expected), done_(done) {}
  void on_message(fnd::Message& m) override {
    if (auto* r = m.try_get<Report>()) {
      sum_ += r->value;
      if (++received_ == expected_) {
        done_->set_value(sum_);
        stop();
      }
    }
  }

 private:
  std::int64_t expected_;
  std::promise<std::int64_t>* done_;
  std::int64_t received_ = 0;
  std::int64_t sum_ = 0;
};

}  // namespace fndbench
