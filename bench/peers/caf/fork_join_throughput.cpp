// Savina fork-join throughput on CAF: a driver sends N messages to each of W workers, round-robin;
// each message costs a small computation; each worker reports the sum of its results.
// Checksum: sum over workers w and messages k of (mix(w*N + k) >> 48).
#include <vector>

#include "caf_common.hpp"

using namespace caf;
using namespace cafbench;

namespace {

struct worker_state {
  std::int64_t received = 0;
  std::int64_t sum = 0;
};

behavior worker_actor(stateful_actor<worker_state>* self, std::int64_t index, std::int64_t n,
                      actor sink) {
  return {
      [=](work_atom, std::int64_t k) {
        auto& s = self->state;
        s.sum += static_cast<std::int64_t>(bench::mix(static_cast<std::uint64_t>(index * n + k)) >> 48);
        if (++s.received == n) {
          self->send(sink, sum_atom::value, s.sum);
          self->quit();
        }
      },
  };
}

behavior driver_actor(event_based_actor* self, std::vector<actor> workers, std::int64_t n) {
  return {
      [=](start_atom) {
        for (std::int64_t k = 0; k < n; ++k)
          for (const auto& w : workers) self->send(w, work_atom::value, k);
        self->quit();
      },
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t workers = bench::arg(argc, argv, 1, 60);
  const std::int64_t n = bench::arg(argc, argv, 2, 100000);
  config cfg;
  actor_system sys{cfg};
  std::int64_t result = 0;
  double seconds = 0;
  {
    scoped_actor self{sys};
    bench::Stopwatch clock;
    std::vector<actor> ws;
    for (std::int64_t w = 0; w < workers; ++w) ws.push_back(sys.spawn(worker_actor, w, n, actor{self}));
    auto driver = sys.spawn(driver_actor, ws, n);
    self->send(driver, start_atom::value);
    for (std::int64_t w = 0; w < workers; ++w)
      self->receive([&](sum_atom, std::int64_t s) { result += s; });
    seconds = clock.seconds();
  }
  bench::report("fork_join_throughput", result, seconds);
}
