// Node lifecycle: run() and wait() exit codes, shutdown from a handler, stop() top-down, spawn after stop; the
// live processes (count, lookup by id).
#include <algorithm>
#include <future>

#include "fnd/detail/remote.hpp"
#include "helpers.hpp"

namespace {
struct ShutdownOn : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (m.is<int>()) node().shutdown(m.get<int>());
  }
};
struct Crash {};
struct Kid : fnd::Actor {
  Channel<std::string>* ev;
  std::string id;
  Kid(Channel<std::string>* e, std::string i) : ev(e), id(std::move(i)) {}
  void on_message(fnd::Message& m) override {
    if (m.is<Crash>()) throw std::runtime_error("crash");
  }
  void on_stop(const fnd::ExitReason& r) override { ev->push(id + ":" + r.to_string()); }
};
fnd::ChildSpec kid(Channel<std::string>* ev, std::string id) {
  fnd::ChildSpec c;
  c.id = id;
  c.start = [ev, id](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> { return ctx.spawn<Kid>(ev, id); };
  return c;
}
}  // namespace

TEST_CASE("run() returns the code given to shutdown from a handler") {
  fnd::Node node({.threads = 2});
  auto a = node.spawn<ShutdownOn>();
  node.send(a, 7);
  CHECK(node.run() == 7);
  CHECK(node.stopped());
}

TEST_CASE("wait() returns the shutdown code and leaves the processes running until stop()") {
  fnd::Node node({.threads = 2});
  auto a = node.spawn<ShutdownOn>();
  auto echo = node.spawn_fiber([](fnd::Process& p) {
    for (;;) {
      fnd::MessagePtr m = p.receive();
      if (m->is<int>()) p.reply(m->get<int>() + 1);
    }
  });
  node.send(a, 5);
  CHECK(node.wait() == 5);
  CHECK_FALSE(node.stopped());
  // Still served after the shutdown request: the last words a program may need before it stops.
  auto r = node.call<int>(echo, 41, 5s);
  REQUIRE(r.ok());
  CHECK(*r == 42);
  node.stop();
  CHECK(node.stopped());
  CHECK_FALSE(node.process_info(echo).alive);
}

TEST_CASE("run() returns 0 when the root supervisor ends normally") {
  fnd::Node node({.threads = 2});
  auto sup = fnd::start_supervisor(node, {"root", fnd::Strategy::one_for_one, 3, 5s, {}});
  REQUIRE(sup.ok());
  node.set_root(*sup);
  node.exit(*sup, fnd::ExitReason::normal());  // trapped by the supervisor: it stops normally
  CHECK(node.run() == 0);
}

TEST_CASE("run() returns 1 when the root supervisor gives up") {
  Channel<std::string> ev;
  fnd::Node node({.threads = 2, .log_level = fnd::log::Level::error});
  auto sup = fnd::start_supervisor(node, {"root", fnd::Strategy::one_for_one, 0, 5s, {kid(&ev, "a")}});
  REQUIRE(sup.ok());
  node.set_root(*sup);
  while (!node.whereis("root.a")) std::this_thread::yield();
  node.send(node.whereis("root.a"), Crash{});
  CHECK(node.run() == 1);
}

TEST_CASE("stop() stops supervision trees top-down, children in reverse, then kills the rest") {
  Channel<std::string> ev;
  fnd::Node node({.threads = 2});
  auto s1 = fnd::start_supervisor(node, {"s1", fnd::Strategy::one_for_one, 3, 5s, {kid(&ev, "a"), kid(&ev, "b")}});
  auto s2 = fnd::start_supervisor(node, {"s2", fnd::Strategy::one_for_one, 3, 5s, {kid(&ev, "c")}});
  REQUIRE(s1.ok());
  REQUIRE(s2.ok());
  // A process outside any tree that ignores shutdown requests: stop() kills it.
  auto loner = node.spawn_fiber([](fnd::Process& p) {
    p.trap_exit(true);
    for (;;) p.receive();
  });
  auto fl = node.watch(loner);
  node.stop();
  // Trees in reverse start order, each one's children in reverse.
  CHECK(ev.pop() == "c:shutdown");
  CHECK(ev.pop() == "b:shutdown");
  CHECK(ev.pop() == "a:shutdown");
  CHECK(get_exit(fl).kind() == fnd::ExitKind::killed);
  CHECK(node.process_count() == 0);
  node.stop();  // idempotent
  CHECK(node.spawn<ShutdownOn>().is_null());  // no spawning after stop
}

TEST_CASE("stop() releases idle fibers and queued actors") {
  fnd::Node node({.threads = 2});
  std::atomic<int> unwound{0}, entered{0};
  for (int i = 0; i < 100; ++i)
    node.spawn_fiber([&](fnd::Process& p) {
      ++entered;
      struct G {
        std::atomic<int>* n;
        ~G() { ++*n; }
      } g{&unwound};
      p.receive<Crash>();
    });
  while (entered.load() != 100) std::this_thread::yield();
  node.stop();
  CHECK(unwound.load() == 100);
  CHECK(node.process_count() == 0);
}

namespace {
struct Idle : fnd::Actor {
  void on_message(fnd::Message&) override {}
};
// On an int n: spawns n idle actors (from its worker) and pushes their pids.
struct Spawner : fnd::Actor {
  Channel<std::vector<fnd::Pid>>* out;
  explicit Spawner(Channel<std::vector<fnd::Pid>>* o) : out(o) {}
  void on_message(fnd::Message& m) override {
    std::vector<fnd::Pid> kids;
    for (int i = 0; i < m.get<int>(); ++i) kids.push_back(spawn<Idle>());
    out->push(std::move(kids));
  }
};
}  // namespace

// Live processes are kept per spawning worker (threads that are no worker use the id's shard): the
// count, the lookup by id (the distribution layer's; by scan, then by the index once it is on, with
// processes spawned before and after) and stop() must see all of them.
TEST_CASE("processes spawned by workers and by threads are counted, found by id and stopped") {
  fnd::Node node({.threads = 2});
  Channel<std::vector<fnd::Pid>> out;
  std::vector<fnd::Pid> all;
  auto spawn_some = [&] {
    std::vector<fnd::Pid> spawners;
    for (int i = 0; i < 4; ++i) spawners.push_back(node.spawn<Spawner>(&out));
    for (auto& sp : spawners) node.send(sp, 50);
    for (int i = 0; i < 4; ++i)
      for (auto& p : out.pop()) all.push_back(p);
    for (auto& sp : spawners) all.push_back(sp);
    for (int i = 0; i < 20; ++i) all.push_back(node.spawn<Idle>());
  };
  auto settled = [&](size_t want) {  // an exit is counted a moment after its watchers fire
    for (int i = 0; i < 2000 && node.process_count() != want; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return node.process_count() == want;
  };
  auto kill_every_third = [&](size_t from) {
    std::vector<fnd::Pid> killed;
    std::vector<std::shared_future<fnd::ExitReason>> exits;
    for (size_t i = from; i < all.size(); i += 3) {
      killed.push_back(all[i]);
      exits.push_back(node.watch(all[i]));
      node.exit(all[i], fnd::ExitReason::kill());
    }
    for (auto& f : exits) get_exit(f);
    return killed;
  };

  spawn_some();
  CHECK(node.process_count() == all.size());
  for (const auto& p : all) CHECK(fnd::detail::find_local_pid(node, p.id()) == p);  // by scan
  CHECK(fnd::detail::find_local_pid(node, 0).is_null());
  CHECK(fnd::detail::find_local_pid(node, all.back().id() + 1000).is_null());  // never given out
  auto killed = kill_every_third(0);
  REQUIRE(settled(all.size() - killed.size()));
  for (const auto& p : killed) CHECK(fnd::detail::find_local_pid(node, p.id()).is_null());

  fnd::detail::index_local_pids(node);  // the live ones are indexed now, later ones at spawn
  fnd::detail::index_local_pids(node);  // idempotent
  const size_t before = all.size();
  spawn_some();
  size_t alive = all.size() - killed.size();
  CHECK(node.process_count() == alive);
  for (size_t i = 0; i < all.size(); ++i) {
    const bool dead = std::find(killed.begin(), killed.end(), all[i]) != killed.end();
    CHECK(fnd::detail::find_local_pid(node, all[i].id()) == (dead ? fnd::Pid() : all[i]));
  }
  auto killed2 = kill_every_third(before + 1);
  REQUIRE(settled(alive - killed2.size()));
  for (const auto& p : killed2) CHECK(fnd::detail::find_local_pid(node, p.id()).is_null());
  node.stop();
  CHECK(node.process_count() == 0);
  for (const auto& p : all) CHECK(fnd::detail::find_local_pid(node, p.id()).is_null());
}

// A process woken by a handler goes to that worker's run-next slot. If the handler then runs for a
// long time, the node's monitor hands the woken process to an idle worker: the waker here spins
// until the woken actor has run, which it would never do from the slot. (The 30 s bound only turns a
// regression into a failure instead of a hang.)
TEST_CASE("a process woken by a long-running handler runs on another worker") {
  static std::atomic<bool> woken_ran{false};
  struct Woken : fnd::Actor {
    void on_message(fnd::Message&) override { woken_ran = true; }
  };
  struct Waker : fnd::Actor {
    fnd::Pid other;
    bool saw = false;
    void on_message(fnd::Message& m) override {
      if (!m.is<fnd::Pid>()) return;
      send(m.get<fnd::Pid>(), 1);  // wakes it into this worker's run-next slot
      const auto until = std::chrono::steady_clock::now() + 30s;
      while (!woken_ran.load() && std::chrono::steady_clock::now() < until) {
      }
      saw = woken_ran.load();
      node().shutdown(saw ? 0 : 1);
    }
  };
  woken_ran = false;
  fnd::Node node({.threads = 2});
  auto w = node.spawn<Woken>();
  auto a = node.spawn<Waker>();
  node.send(a, w);
  CHECK(node.run() == 0);
  CHECK(woken_ran.load());
}
