// Savina fork-join throughput on the fnd runtime: a driver sends N messages to each of W workers,
// round-robin; each message costs a small computation; each worker reports the sum of its results.
// Checksum: sum over workers w and messages k of (mix(w*N + k) >> 48).
#include <vector>

#include "fnd_common.hpp"

using namespace fndbench;

namespace {

struct Start {};
struct Work {
  std::int64_t k;
};

class Worker : public fnd::Actor {
 public:
  Worker(std::int64_t index, std::int64_t n, fnd::Pid sink) : index_(index), n_(n), sink_(std::move(sink)) {}
  void on_message(fnd::Message& m) override {
    if (auto* w = m.try_get<Work>()) {
      sum_ += static_cast<std::int64_t>(bench::mix(static_cast<std::uint64_t>(index_ * n_ + w->k)) >> 48);
      if (++received_ == n_) {
        send(sink_, Report{sum_});
        stop();
      }
    }
  }

 private:
  std::int64_t index_, n_;
  fnd::Pid sink_;
  std::int64_t received_ = 0;
  std::int64_t sum_ = 0;
};

class Driver : public fnd::Actor {
 public:
  Driver(std::vector<fnd::Pid> workers, std::int64_t n) : workers_(std::move(workers)), n_(n) {}
  void on_message(fnd::Message& m) override {
    if (!m.is<Start>()) return;
    for (std::int64_t k = 0; k < n_; ++k)
      for (const auto& w : workers_) send(w, Work{k});
    stop();
  }

 private:
  std::vector<fnd::Pid> workers_;
  std::int64_t n_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t workers = bench::arg(argc, argv, 1, 60);
  const std::int64_t n = bench::arg(argc, argv, 2, 100000);
  fnd::Node node(node_options());
  std::promise<std::int64_t> done;
  auto result = done.get_future();
  auto sink = node.spawn<Sink>(workers, &done);
  bench::Stopwatch clock;
  std::vector<fnd::Pid> ws;
  for (std::int64_t w = 0; w < workers; ++w) ws.push_back(node.spawn<Worker>(w, n, sink));
  auto driver = node.spawn<Driver>(ws, n);
  node.send(driver, Start{});
  const std::int64_t sum = result.get();
  const double seconds = clock.seconds();
  node.stop();
  bench::report("fork_join_throughput", sum, seconds);
}
