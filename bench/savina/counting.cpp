// Savina counting on the fnd runtime: a producer sends N increments to one counter, then asks for
// the count. Checksum: the count the counter reports (= N).
#include "fnd_common.hpp"

using namespace fndbench;

namespace {

struct Start {};
struct Inc {};
struct Get {};
struct Count {
  std::int64_t value;
};

class Counter : public fnd::Actor {
 public:
  void on_message(fnd::Message& m) override {
    if (m.is<Inc>())
      ++count_;
    else if (m.is<Get>())
      send(m.sender(), Count{count_});
  }

 private:
  std::int64_t count_ = 0;
};

class Producer : public fnd::Actor {
 public:
  Producer(fnd::Pid counter, std::int64_t n, fnd::Pid sink) : counter_(std::move(counter)), n_(n), sink_(std::move(sink)) {}
  void on_message(fnd::Message& m) override {
    if (m.is<Start>()) {
      for (std::int64_t i = 0; i < n_; ++i) send(counter_, Inc{});
      send(counter_, Get{});
    } else if (auto* c = m.try_get<Count>()) {
      send(sink_, Report{c->value});
      stop();
    }
  }

 private:
  fnd::Pid counter_;
  std::int64_t n_;
  fnd::Pid sink_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = bench::arg(argc, argv, 1, 5000000);
  fnd::Node node(node_options());
  std::promise<std::int64_t> done;
  auto result = done.get_future();
  auto sink = node.spawn<Sink>(1, &done);
  bench::Stopwatch clock;
  auto counter = node.spawn<Counter>();
  auto producer = node.spawn<Producer>(counter, n, sink);
  node.send(producer, Start{});
  const std::int64_t count = result.get();
  const double seconds = clock.seconds();
  node.stop();
  bench::report("counting", count, seconds);
}
