// Savina ping-pong on CAF: one ping actor, one pong actor, N round trips.
// Checksum: the number of pongs the ping actor received (= N).
#include "caf_common.hpp"

using namespace caf;
using namespace cafbench;

namespace {

behavior pong_actor(event_based_actor* self) {
  return {
      [=](ping_atom) { self->send(sender_of(self), pong_atom::value); },
  };
}

struct ping_state {
  std::int64_t left = 0;
  std::int64_t pongs = 0;
};

behavior ping_actor(stateful_actor<ping_state>* self, actor pong, std::int64_t n, actor sink) {
  self->state.left = n;
  return {
      [=](start_atom) {
        --self->state.left;
        self->send(pong, ping_atom::value);
      },
      [=](pong_atom) {
        auto& s = self->state;
        ++s.pongs;
        if (s.left == 0) {
          self->send(sink, done_atom::value, s.pongs);
          self->quit();
          return;
        }
        --s.left;
        self->send(pong, ping_atom::value);
      },
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = bench::arg(argc, argv, 1, 1000000);
  config cfg;
  actor_system sys{cfg};
  std::int64_t result = 0;
  double seconds = 0;
  {
    scoped_actor self{sys};
    bench::Stopwatch clock;
    auto pong = sys.spawn(pong_actor);
    auto ping = sys.spawn(ping_actor, pong, n, actor{self});
    self->send(ping, start_atom::value);
    self->receive([&](done_atom, std::int64_t pongs) { result = pongs; });
    seconds = clock.seconds();
    self->send_exit(pong, exit_reason::user_shutdown);
  }
  bench::report("ping_pong", result, seconds);
}
