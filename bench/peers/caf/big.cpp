// Savina big on CAF: W actors; each sends P pings, one at a time, to pseudo-random other actors,
// answering the pings it gets with pongs; after its P-th pong it reports to the sink. When all
// have reported, the sink stops them. Neighbour choice: r = mix(seed) with seed = index, then
// seed += 1 per ping; target = r % (W-1), skipping the sender's own index.
// Checksum: the total number of pongs received (= W*P).
#include <memory>
#include <vector>

#include "caf_common.hpp"

using namespace caf;
using namespace cafbench;

namespace {

using neighbours = std::shared_ptr<const std::vector<actor>>;

struct big_state {
  std::uint64_t seed = 0;
  std::int64_t pongs = 0;
};

void send_ping(stateful_actor<big_state>* self, const neighbours& all, std::int64_t index) {
  auto w = static_cast<std::uint64_t>(all->size());
  auto target = bench::mix(self->state.seed++) % (w - 1);
  if (target >= static_cast<std::uint64_t>(index)) ++target;
  self->send((*all)[target], ping_atom::value);
}

behavior big_actor(stateful_actor<big_state>* self, neighbours all, std::int64_t index,
                   std::int64_t pings, actor sink) {
  self->state.seed = static_cast<std::uint64_t>(index);
  return {
      [=](start_atom) { send_ping(self, all, index); },
      [=](ping_atom) { self->send(sender_of(self), pong_atom::value); },
      [=](pong_atom) {
        if (++self->state.pongs == pings) {
          self->send(sink, done_atom::value, self->state.pongs);
          return;
        }
        send_ping(self, all, index);
      },
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t workers = bench::arg(argc, argv, 1, 1000);
  const std::int64_t pings = bench::arg(argc, argv, 2, 1000);
  config cfg;
  actor_system sys{cfg};
  std::int64_t result = 0;
  double seconds = 0;
  {
    scoped_actor self{sys};
    bench::Stopwatch clock;
    auto all = std::make_shared<std::vector<actor>>();
    for (std::int64_t i = 0; i < workers; ++i)
      all->push_back(sys.spawn(big_actor, neighbours{all}, i, pings, actor{self}));
    for (auto& a : *all) self->send(a, start_atom::value);
    for (std::int64_t i = 0; i < workers; ++i)
      self->receive([&](done_atom, std::int64_t p) { result += p; });
    seconds = clock.seconds();
    for (auto& a : *all) self->send_exit(a, exit_reason::user_shutdown);
    all->clear();  // the actors hold the vector too: break the cycle
  }
  bench::report("big", result, seconds);
}
