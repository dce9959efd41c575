// Savina ping-pong on the fnd runtime: one ping actor, one pong actor, N round trips.
// Checksum: the number of pongs the ping actor received (= N).
#include "fnd_common.hpp"

using namespace fndbench;

namespace {

struct Start {};
struct Ping {};
struct Pong {};

class PongActor : public fnd::Actor {
 public:
  void on_message(fnd::Message& m) override { send(m.sender(), Pong{}); }
};

class PingActor : public fnd::Actor {
 public:
  PingActor(fnd::Pid pong, std::int64_t n, fnd::Pid sink) : pong_(std::move(pong)), left_(n), sink_(std::move(sink)) {}
  void on_message(fnd::Message& m) override {
    if (m.is<Pong>()) {
      ++pongs_;
      if (left_ == 0) {
        send(sink_, Report{pongs_});
        stop();
        return;
      }
    }
    --left_;  // Start or Pong: next round trip
    send(pong_, Ping{});
  }

 private:
  fnd::Pid pong_;
  std::int64_t left_;
  fnd::Pid sink_;
  std::int64_t pongs_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = bench::arg(argc, argv, 1, 1000000);
  fnd::Node node(node_options());
  std::promise<std::int64_t> done;
  auto result = done.get_future();
  auto sink = node.spawn<Sink>(1, &done);
  bench::Stopwatch clock;
  auto pong = node.spawn<PongActor>();
  auto ping = node.spawn<PingActor>(pong, n, sink);
  node.send(ping, Start{});
  const std::int64_t pongs = result.get();
  const double seconds = clock.seconds();
  node.stop();
  bench::report("ping_pong", pongs, seconds);
}
