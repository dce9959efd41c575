// Memory of an idle event-driven actor on CAF: spawn N actors, let each handle one message (so
// each is started and scheduled once; at most 1,000 messages are in flight at a time), then compare
// resident memory with the level before the spawns.
// Prints RESULT idle_actors N (the checksum: replies received) and RESULT idle_actor_bytes.
#include <vector>

#include "caf_common.hpp"

using namespace caf;
using namespace cafbench;

namespace {

behavior idle_actor(event_based_actor* self) {
  return {
      [=](ping_atom) { self->send(sender_of(self), pong_atom::value); },
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = bench::arg(argc, argv, 1, 100000);
  config cfg;
  actor_system sys{cfg};
  std::int64_t replies = 0;
  long long bytes = 0;
  double seconds = 0;
  {
    scoped_actor self{sys};
    std::vector<actor> actors(static_cast<size_t>(n));  // touched before the baseline is taken
    const long long before = bench::rss_bytes();
    bench::Stopwatch clock;
    for (auto& a : actors) a = sys.spawn(idle_actor);
    // At most kWindow pings in flight, so message memory stays out of the measurement.
    constexpr size_t kWindow = 1000;
    size_t sent = 0;
    while (sent < actors.size() && sent < kWindow) self->send(actors[sent++], ping_atom::value);
    for (std::int64_t i = 0; i < n; ++i)
      self->receive([&](pong_atom) {
        ++replies;
        if (sent < actors.size()) self->send(actors[sent++], ping_atom::value);
      });
    seconds = clock.seconds();
    bytes = (bench::rss_bytes() - before) / n;
    for (auto& a : actors) self->send_exit(a, exit_reason::user_shutdown);
  }
  bench::report("idle_actors", replies, seconds);
  std::printf("RESULT idle_actor_bytes %lld\n", bytes);
}
