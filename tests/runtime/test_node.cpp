// Node lifecycle: run() exit codes, shutdown from a handler, stop() top-down, spawn after stop.
#include <future>

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
