// Savina thread ring on the fnd runtime: R actors in a ring pass one token H times.
// Checksum: the hop count carried by the token when it stops (= H).
#include <vector>

#include "fnd_common.hpp"

using namespace fndbench;

namespace {

struct Next {
  fnd::Pid next;
};
struct Token {
  std::int64_t made;
};

class RingActor : public fnd::Actor {
 public:
  RingActor(std::int64_t hops, fnd::Pid sink) : hops_(hops), sink_(std::move(sink)) {}
  void on_message(fnd::Message& m) override {
    if (auto* t = m.try_get<Token>()) {
      if (t->made == hops_)
        send(sink_, Report{t->made});
      else
        send(next_, Token{t->made + 1});
    } else if (auto* n = m.try_get<Next>()) {
      next_ = std::move(n->next);
    }
  }

 private:
  std::int64_t hops_;
  fnd::Pid sink_;
  fnd::Pid next_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t ring = bench::arg(argc, argv, 1, 1000);
  const std::int64_t hops = bench::arg(argc, argv, 2, 5000000);
  fnd::Node node(node_options());
  std::promise<std::int64_t> done;
  auto result = done.get_future();
  auto sink = node.spawn<Sink>(1, &done);
  bench::Stopwatch clock;
  std::vector<fnd::Pid> actors;
  for (std::int64_t i = 0; i < ring; ++i) actors.push_back(node.spawn<RingActor>(hops, sink));
  for (std::int64_t i = 0; i < ring; ++i) node.send(actors[i], Next{actors[(i + 1) % ring]});
  node.send(actors[0], Token{0});
  const std::int64_t made = result.get();
  const double seconds = clock.seconds();
  node.stop();
  bench::report("thread_ring", made, seconds);
}
