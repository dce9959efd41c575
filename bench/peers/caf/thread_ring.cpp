// Savina thread ring on CAF: R actors in a ring pass one token H times.
// Checksum: the hop count carried by the token when it stops (= H).
#include <vector>

#include "caf_common.hpp"

using namespace caf;
using namespace cafbench;

namespace {

behavior ring_actor(stateful_actor<actor>* self, std::int64_t hops, actor sink) {
  return {
      [=](next_atom, actor next) { self->state = std::move(next); },
      [=](token_atom, std::int64_t made) {
        if (made == hops) {
          self->send(sink, done_atom::value, made);
          return;
        }
        self->send(self->state, token_atom::value, made + 1);
      },
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t ring = bench::arg(argc, argv, 1, 1000);
  const std::int64_t hops = bench::arg(argc, argv, 2, 5000000);
  config cfg;
  actor_system sys{cfg};
  std::int64_t result = 0;
  double seconds = 0;
  {
    scoped_actor self{sys};
    bench::Stopwatch clock;
    std::vector<actor> actors;
    for (std::int64_t i = 0; i < ring; ++i) actors.push_back(sys.spawn(ring_actor, hops, actor{self}));
    for (std::int64_t i = 0; i < ring; ++i)
      self->send(actors[i], next_atom::value, actors[(i + 1) % ring]);
    self->send(actors[0], token_atom::value, std::int64_t{0});
    self->receive([&](done_atom, std::int64_t made) { result = made; });
    seconds = clock.seconds();
    for (auto& a : actors) self->send_exit(a, exit_reason::user_shutdown);
  }
  bench::report("thread_ring", result, seconds);
}
