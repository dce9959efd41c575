// Savina big on the fnd runtime: W actors; each sends P pings, one at a time, to pseudo-random other
// actors, answering the pings it gets with pongs; after its P-th pong it reports to the sink. When
// all have reported, main stops the node. Neighbour choice: r = mix(seed) with seed = index, then
// seed += 1 per ping; target = r % (W-1), skipping the sender's own index.
// Checksum: the total number of pongs received (= W*P).
#include <memory>
#include <vector>

#include "fnd_common.hpp"

using namespace fndbench;

namespace {

struct Start {};
struct Ping {};
struct Pong {};

using Neighbours = std::shared_ptr<const std::vector<fnd::Pid>>;

class BigActor : public fnd::Actor {
 public:
  BigActor(Neighbours all, std::int64_t index, std::int64_t pings, fnd::Pid sink)
      : all_(std::move(all)), index_(index), pings_(pings), sink_(std::move(sink)),
        seed_(static_cast<std::uint64_t>(index)) {}
  void on_message(fnd::Message& m) override {
    if (m.is<Ping>()) {
      send(m.sender(), Pong{});
    } else if (m.is<Pong>()) {
      if (++pongs_ == pings_) {
        send(sink_, Report{pongs_});
        return;
      }
      send_ping();
    } else if (m.is<Start>()) {
      send_ping();
    }
  }

 private:
  void send_ping() {
    auto w = static_cast<std::uint64_t>(all_->size());
    auto target = bench::mix(seed_++) % (w - 1);
    if (target >= static_cast<std::uint64_t>(index_)) ++target;
    send((*all_)[target], Ping{});
  }

  Neighbours all_;
  std::int64_t index_, pings_;
  fnd::Pid sink_;
  std::uint64_t seed_;
  std::int64_t pongs_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t workers = bench::arg(argc, argv, 1, 1000);
  const std::int64_t pings = bench::arg(argc, argv, 2, 1000);
  fnd::Node node(node_options());
  std::promise<std::int64_t> done;
  auto result = done.get_future();
  auto sink = node.spawn<Sink>(workers, &done);
  bench::Stopwatch clock;
  auto all = std::make_shared<std::vector<fnd::Pid>>();
  for (std::int64_t i = 0; i < workers; ++i) all->push_back(node.spawn<BigActor>(Neighbours{all}, i, pings, sink));
  for (const auto& a : *all) node.send(a, Start{});
  const std::int64_t pongs = result.get();
  const double seconds = clock.seconds();
  node.stop();
  all->clear();  // the actors held the vector too
  bench::report("big", pongs, seconds);
}
