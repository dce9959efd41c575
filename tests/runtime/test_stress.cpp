// Stress: 100k supervised processes crashing and being restarted; a storm of crashes in a nested tree.
#include <atomic>
#include <random>
#include <thread>

#include "helpers.hpp"

namespace {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kScale = 5;  // sanitizers are ~10x slower: same shape, fewer processes
#else
constexpr int kScale = 1;
#endif

std::atomic<int> g_starts{0};
struct Crash {};
struct Worker : fnd::Actor {
  void on_start() override { g_starts.fetch_add(1, std::memory_order_relaxed); }
  void on_message(fnd::Message& m) override {
    if (m.is<Crash>()) throw std::runtime_error("stress crash");
  }
};

// Counts log lines instead of printing 200k reports.
struct QuietLog {
  std::atomic<int> lines{0};
  QuietLog() {
    fnd::log::set_sink([this](fnd::log::Level, std::string_view) { lines.fetch_add(1); });
  }
  ~QuietLog() { fnd::log::set_sink({}); }
};

fnd::SupervisorSpec worker_sup(std::string name, int children, uint32_t intensity) {
  fnd::SupervisorSpec s{std::move(name), fnd::Strategy::one_for_one, intensity, 60s, {}};
  for (int i = 0; i < children; ++i) s.children.push_back(fnd::worker<Worker>("w" + std::to_string(i)));
  return s;
}

void wait_for(const std::function<bool()>& cond) {
  auto deadline = std::chrono::steady_clock::now() + 120s;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("condition not reached (hang)");
    std::this_thread::sleep_for(1ms);
  }
}
}  // namespace

TEST_CASE("100k supervised processes crash and are restarted") {
  QuietLog quiet;
  const int kSups = 10, kEach = 10000 / kScale, kTotal = kSups * kEach;
  fnd::Node node({.threads = 0});
  g_starts = 0;
  std::vector<fnd::Pid> sups;
  for (int s = 0; s < kSups; ++s) {
    // Unnamed: children are not registered (100k names would test the registry, not supervision).
    auto r = fnd::start_supervisor(node, worker_sup("", kEach, 1000000));
    REQUIRE(r.ok());
    sups.push_back(*r);
  }
  wait_for([&] { return g_starts.load() == kTotal; });
  std::vector<fnd::Pid> first;
  for (auto& s : sups)
    for (auto& c : fnd::which_children(node, s)) first.push_back(c.pid);
  REQUIRE(static_cast<int>(first.size()) == kTotal);
  for (auto& p : first) node.send(p, Crash{});
  wait_for([&] { return g_starts.load() == 2 * kTotal; });
  size_t active = 0;
  for (auto& s : sups) active += fnd::count_children(node, s).active;
  CHECK(static_cast<int>(active) == kTotal);
  for (auto& p : first) CHECK_FALSE(p.alive());
  CHECK(quiet.lines.load() >= 2 * kTotal);  // a crash report and a supervisor report per crash
  node.stop();
  CHECK(node.process_count() == 0);
}

TEST_CASE("supervisor storm: concurrent crashes in a nested tree, including escalation") {
  QuietLog quiet;
  fnd::Node node({.threads = 0});
  g_starts = 0;
  const int kSubs = 8, kEach = 50;
  fnd::SupervisorSpec root{"root", fnd::Strategy::one_for_one, 1000000, 60s, {}};
  for (int s = 0; s < kSubs; ++s) {
    // Alternate strategies; sub-supervisors have a small intensity so that some of them give up and are
    // restarted by the root (escalation).
    auto sub = worker_sup("sub" + std::to_string(s), kEach, 20);
    sub.strategy = s % 3 == 0 ? fnd::Strategy::one_for_all : s % 3 == 1 ? fnd::Strategy::rest_for_one : fnd::Strategy::one_for_one;
    root.children.push_back(fnd::supervisor_child("sub" + std::to_string(s), sub));
  }
  auto r = fnd::start_supervisor(node, root);
  REQUIRE(r.ok());
  wait_for([&] { return g_starts.load() == kSubs * kEach; });
  auto crasher = [&](unsigned seed) {
    std::mt19937 rng(seed);
    for (int i = 0; i < 1500 / kScale; ++i) {
      std::string name = "sub" + std::to_string(rng() % kSubs) + ".w" + std::to_string(rng() % kEach);
      node.send(fnd::Ref::name(name), Crash{});
      if (i % 50 == 0) std::this_thread::yield();
    }
  };
  std::thread t1(crasher, 1), t2(crasher, 2), t3(crasher, 3);
  t1.join();
  t2.join();
  t3.join();
  // The tree converges back to full strength.
  wait_for([&] {
    auto subs = fnd::which_children(node, *r);
    if (static_cast<int>(subs.size()) != kSubs) return false;
    for (auto& s : subs) {
      if (!s.pid) return false;
      if (static_cast<int>(fnd::count_children(node, s.pid).active) != kEach) return false;
    }
    return true;
  });
  CHECK(r->alive());
  node.stop();
  CHECK(node.process_count() == 0);
}
