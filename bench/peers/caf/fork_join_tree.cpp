// Fork-join creation as an actor tree on CAF: a binary tree of depth D (D levels, 2^D - 1 actors).
// Node i (heap numbering, root 1) spawns children 2i and 2i+1, sums their replies, adds i and
// replies to its parent; leaves reply i. Checksum: the root's reply = sum of 1 .. 2^D - 1.
#include "caf_common.hpp"

using namespace caf;
using namespace cafbench;

namespace {

struct node_state {
  std::int64_t sum = 0;
  int replies = 0;
};

behavior node_actor(stateful_actor<node_state>* self, actor parent, std::int64_t id, int level,
                    int depth) {
  if (level == depth - 1) {
    self->send(parent, sum_atom::value, id);
    self->quit();
    return {};
  }
  self->state.sum = id;
  self->spawn(node_actor, actor{self}, 2 * id, level + 1, depth);
  self->spawn(node_actor, actor{self}, 2 * id + 1, level + 1, depth);
  return {
      [=](sum_atom, std::int64_t v) {
        auto& s = self->state;
        s.sum += v;
        if (++s.replies == 2) {
          self->send(parent, sum_atom::value, s.sum);
          self->quit();
        }
      },
  };
}

}  // namespace

int main(int argc, char** argv) {
  const int depth = static_cast<int>(bench::arg(argc, argv, 1, 18));
  config cfg;
  actor_system sys{cfg};
  std::int64_t result = 0;
  double seconds = 0;
  {
    scoped_actor self{sys};
    bench::Stopwatch clock;
    sys.spawn(node_actor, actor{self}, std::int64_t{1}, 0, depth);
    self->receive([&](sum_atom, std::int64_t s) { result = s; });
    seconds = clock.seconds();
  }
  bench::report("fork_join_tree", result, seconds);
}
