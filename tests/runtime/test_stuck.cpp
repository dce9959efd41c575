// stop() never hangs: a handler stuck in a busy loop cannot be preempted, so after the grace period the
// node abandons that worker (logged) and returns. Not run under sanitizers: the abandoned worker thread
// and its process are deliberately left behind until the loop ends.
#include <atomic>
#include <future>

#include "helpers.hpp"

TEST_CASE("stop() returns despite a handler stuck in a busy loop") {
  static std::atomic<bool> release{false};
  static std::atomic<bool> entered{false};
  struct Stuck : fnd::Actor {
    void on_message(fnd::Message&) override {
      entered = true;
      while (!release.load()) {
      }
    }
  };
  std::vector<std::string> lines;
  std::mutex mu;
  fnd::log::set_sink([&](fnd::log::Level, std::string_view t) {
    std::lock_guard<std::mutex> g(mu);
    lines.emplace_back(t);
  });
  {
    fnd::Node node({.threads = 2, .stop_grace = 100ms});
    auto s = node.spawn<Stuck>();
    node.send(s, 1);
    while (!entered.load()) std::this_thread::yield();
    auto ok = node.spawn_fiber([](fnd::Process& p) { p.receive<int>(); });
    auto fok = node.watch(ok);
    node.stop();  // returns
    CHECK(get_exit(fok).kind() == fnd::ExitKind::killed);
  }
  fnd::log::set_sink({});
  bool reported = false;
  for (auto& l : lines)
    if (l.find("stuck in a handler") != std::string::npos) reported = true;
  CHECK(reported);
  release = true;
}
