// Savina chameneos on the fnd runtime: C chameneos meet through one mall until M meetings have
// happened. The mall pairs two requests by forwarding the second to the first; the first computes
// the complement colour, tells its partner, and both ask again. After M meetings every request is
// answered with Stop, and each chameneo reports how many meetings it took part in.
// Checksum: the sum of those counts (= 2M).
#include "fnd_common.hpp"

using namespace fndbench;

namespace {

struct Meet {  // chameneo -> mall
  std::int64_t colour;
};
struct MeetWith {  // mall -> the chameneo that waited: its partner
  std::int64_t colour;
  fnd::Pid other;
};
struct Change {  // first -> second of a pair: the colour both now have
  std::int64_t colour;
};
struct Stop {};
struct Faded {
  std::int64_t meetings;
};

class Mall : public fnd::Actor {
 public:
  Mall(std::int64_t meetings, std::int64_t chameneos, fnd::Pid sink)
      : left_(meetings), chameneos_(chameneos), sink_(std::move(sink)) {}
  void on_message(fnd::Message& m) override {
    if (auto* req = m.try_get<Meet>()) {
      if (left_ == 0) {
        send(m.sender(), Stop{});
      } else if (waiting_.is_null()) {
        waiting_ = m.sender();
      } else {
        --left_;
        send(waiting_, MeetWith{req->colour, m.sender()});
        waiting_ = fnd::Pid();
      }
    } else if (auto* f = m.try_get<Faded>()) {
      sum_ += f->meetings;
      if (++faded_ == chameneos_) {
        send(sink_, Report{sum_});
        stop();
      }
    }
  }

 private:
  std::int64_t left_, chameneos_;
  fnd::Pid sink_;
  fnd::Pid waiting_;
  std::int64_t faded_ = 0;
  std::int64_t sum_ = 0;
};

class Chameneo : public fnd::Actor {
 public:
  Chameneo(fnd::Pid mall, std::int64_t colour) : mall_(std::move(mall)), colour_(colour) {}
  void on_start() override { send(mall_, Meet{colour_}); }
  void on_message(fnd::Message& m) override {
    if (auto* w = m.try_get<MeetWith>()) {
      colour_ = bench::complement(colour_, w->colour);
      ++meetings_;
      send(w->other, Change{colour_});
      send(mall_, Meet{colour_});
    } else if (auto* c = m.try_get<Change>()) {
      colour_ = c->colour;
      ++meetings_;
      send(mall_, Meet{colour_});
    } else if (m.is<Stop>()) {
      send(mall_, Faded{meetings_});
      stop();
    }
  }

 private:
  fnd::Pid mall_;
  std::int64_t colour_;
  std::int64_t meetings_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t chameneos = bench::arg(argc, argv, 1, 100);
  const std::int64_t meetings = bench::arg(argc, argv, 2, 200000);
  fnd::Node node(node_options());
  std::promise<std::int64_t> done;
  auto result = done.get_future();
  auto sink = node.spawn<Sink>(1, &done);
  bench::Stopwatch clock;
  auto mall = node.spawn<Mall>(meetings, chameneos, sink);
  for (std::int64_t i = 0; i < chameneos; ++i) node.spawn<Chameneo>(mall, i % 3);
  const std::int64_t sum = result.get();
  const double seconds = clock.seconds();
  node.stop();
  bench::report("chameneos", sum, seconds);
}
