// Savina counting on CAF: a producer sends N increments to one counter, then asks for the count.
// Checksum: the count the counter reports (= N).
#include "caf_common.hpp"

using namespace caf;
using namespace cafbench;

namespace {

behavior counter_actor(stateful_actor<std::int64_t>* self) {
  self->state = 0;
  return {
      [=](inc_atom) { ++self->state; },
      [=](get_atom) { self->send(sender_of(self), count_atom::value, self->state); },
  };
}

behavior producer_actor(event_based_actor* self, actor counter, std::int64_t n, actor sink) {
  return {
      [=](start_atom) {
        for (std::int64_t i = 0; i < n; ++i) self->send(counter, inc_atom::value);
        self->send(counter, get_atom::value);
      },
      [=](count_atom, std::int64_t count) {
        self->send(sink, done_atom::value, count);
        self->quit();
      },
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = bench::arg(argc, argv, 1, 5000000);
  config cfg;
  actor_system sys{cfg};
  std::int64_t result = 0;
  double seconds = 0;
  {
    scoped_actor self{sys};
    bench::Stopwatch clock;
    auto counter = sys.spawn(counter_actor);
    auto producer = sys.spawn(producer_actor, counter, n, actor{self});
    self->send(producer, start_atom::value);
    self->receive([&](done_atom, std::int64_t count) { result = count; });
    seconds = clock.seconds();
    self->send_exit(counter, exit_reason::user_shutdown);
  }
  bench::report("counting", result, seconds);
}
