// Savina chameneos on CAF: C chameneos meet through one mall until M meetings have happened.
// The mall pairs two requests by forwarding the second to the first; the first computes the
// complement colour, tells its partner, and both ask again. After M meetings every request is
// answered with stop, and each chameneo reports how many meetings it took part in.
// Checksum: the sum of those counts (= 2M).
#include "caf_common.hpp"

using namespace caf;
using namespace cafbench;

namespace {

struct mall_state {
  std::int64_t left = 0;
  actor waiting;
  std::int64_t waiting_colour = 0;
  std::int64_t faded = 0;
  std::int64_t sum = 0;
};

behavior mall_actor(stateful_actor<mall_state>* self, std::int64_t meetings, std::int64_t chameneos,
                    actor sink) {
  self->state.left = meetings;
  return {
      [=](meet_atom, std::int64_t colour) {
        auto& s = self->state;
        auto from = sender_of(self);
        if (s.left == 0) {
          self->send(from, stop_atom::value);
        } else if (!s.waiting) {
          s.waiting = std::move(from);
          s.waiting_colour = colour;
        } else {
          --s.left;
          self->send(s.waiting, meet_atom::value, colour, from);
          s.waiting = nullptr;
        }
      },
      [=](faded_atom, std::int64_t met) {
        auto& s = self->state;
        s.sum += met;
        if (++s.faded == chameneos) {
          self->send(sink, done_atom::value, s.sum);
          self->quit();
        }
      },
  };
}

struct chameneo_state {
  std::int64_t colour = 0;
  std::int64_t meetings = 0;
};

behavior chameneo_actor(stateful_actor<chameneo_state>* self, actor mall, std::int64_t colour) {
  self->state.colour = colour;
  self->send(mall, meet_atom::value, colour);
  return {
      [=](meet_atom, std::int64_t other_colour, actor other) {
        auto& s = self->state;
        s.colour = bench::complement(s.colour, other_colour);
        ++s.meetings;
        self->send(other, change_atom::value, s.colour);
        self->send(mall, meet_atom::value, s.colour);
      },
      [=](change_atom, std::int64_t colour) {
        auto& s = self->state;
        s.colour = colour;
        ++s.meetings;
        self->send(mall, meet_atom::value, s.colour);
      },
      [=](stop_atom) {
        self->send(mall, faded_atom::value, self->state.meetings);
        self->quit();
      },
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t chameneos = bench::arg(argc, argv, 1, 100);
  const std::int64_t meetings = bench::arg(argc, argv, 2, 200000);
  config cfg;
  actor_system sys{cfg};
  std::int64_t result = 0;
  double seconds = 0;
  {
    scoped_actor self{sys};
    bench::Stopwatch clock;
    auto mall = sys.spawn(mall_actor, meetings, chameneos, actor{self});
    for (std::int64_t i = 0; i < chameneos; ++i) sys.spawn(chameneo_actor, mall, i % 3);
    self->receive([&](done_atom, std::int64_t sum) { result = sum; });
    seconds = clock.seconds();
  }
  bench::report("chameneos", result, seconds);
}
