// Memory of an idle event-driven actor on the fnd runtime: spawn N actors, let each handle one message (so
// each is started and scheduled once; at most 1,000 messages are in flight at a time), then compare
// resident memory with the level before the spawns.
// Prints RESULT idle_actors N (the checksum: replies received) and RESULT idle_actor_bytes.
#include <vector>

#include "fnd_common.hpp"

using namespace fndbench;

namespace {

struct Start {};
struct Ping {};
struct Pong {};

class IdleActor : public fnd::Actor {
 public:
  void on_message(fnd::Message& m) override { send(m.sender(), Pong{}); }
};

// Pings every actor once, at most kWindow at a time (so message memory stays out of the
// measurement), and reports when all have answered.
constexpr size_t kWindow = 1000;

class Collector : public fnd::Actor {
 public:
  Collector(const std::vector<fnd::Pid>* actors, std::promise<std::int64_t>* done) : actors_(actors), done_(done) {}
  void on_message(fnd::Message& m) override {
    if (m.is<Start>()) {
      while (sent_ < actors_->size() && sent_ < kWindow) send((*actors_)[sent_++], Ping{});
    } else if (m.is<Pong>()) {
      if (sent_ < actors_->size()) send((*actors_)[sent_++], Ping{});
      if (++replies_ == static_cast<std::int64_t>(actors_->size())) {
        done_->set_value(replies_);
        stop();
      }
    }
  }

 private:
  const std::vector<fnd::Pid>* actors_;
  std::promise<std::int64_t>* done_;
  size_t sent_ = 0;
  std::int64_t replies_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = bench::arg(argc, argv, 1, 100000);
  fnd::Node node(node_options());
  std::promise<std::int64_t> done;
  auto result = done.get_future();
  std::vector<fnd::Pid> actors(static_cast<size_t>(n));  // touched before the baseline is taken
  const long long before = bench::rss_bytes();
  bench::Stopwatch clock;
  for (auto& a : actors) a = node.spawn<IdleActor>();
  auto collector = node.spawn<Collector>(&actors, &done);
  node.send(collector, Start{});
  const std::int64_t replies = result.get();
  const double seconds = clock.seconds();
  const long long bytes = (bench::rss_bytes() - before) / n;
  node.stop();
  bench::report("idle_actors", replies, seconds);
  std::printf("RESULT idle_actor_bytes %lld\n", bytes);
}
