// Timers (send_after, periodic, cancel, owner death) and the name registry (register, whereis,
// name_taken, unregister on death, Ref).
#include <future>

#include "helpers.hpp"

namespace {
struct Tick {
  int n;
};
struct Marker {};
}  // namespace

TEST_CASE("send_after delivers; a cancelled timer never fires") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  auto w = node.spawn<Watcher>(&out, false);
  node.spawn_fiber([&](fnd::Process& self) {
    auto t1 = self.send_after(5ms, w, std::string("first"));
    auto t2 = self.send_after(10ms, w, std::string("cancelled"));
    self.send_after(30ms, w, std::string("last"));
    out.push(self.cancel_timer(t2) ? "cancel ok" : "cancel failed");
    (void)t1;
    self.receive<Marker>();  // stay alive: its timers die with it
  });
  CHECK(out.pop() == "cancel ok");
  CHECK(out.pop() == "first");
  CHECK(out.pop() == "last");  // timers fire in deadline order on one thread: "cancelled" would be before
}

TEST_CASE("cancel after firing returns false") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  spawn_watched(node, [&](fnd::Process& self) {
    auto t = self.send_after(1ms, std::string("fired"));
    out.push(self.receive<std::string>());
    out.push(self.cancel_timer(t) ? "cancelled" : "too late");
  });
  CHECK(out.pop() == "fired");
  CHECK(out.pop() == "too late");
}

TEST_CASE("periodic timers repeat until cancelled") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  spawn_watched(node, [&](fnd::Process& self) {
    auto t = self.every(2ms, Tick{1});
    for (int i = 0; i < 5; ++i) self.receive<Tick>();
    out.push(self.cancel_timer(t) ? "cancelled" : "not cancelled");
    // Ticks fired before the cancel are already in the mailbox (cancel is exact); none come after it.
    size_t pending = self.node().mailbox_depth(self.self());
    self.send_after(30ms, Marker{});
    size_t extra = 0;
    for (;;) {
      bool marker = false;
      self.receive_select(fnd::on<Tick>([&](Tick&) { ++extra; }), fnd::on<Marker>([&](Marker&) { marker = true; }));
      if (marker) break;
    }
    out.push(extra == pending ? "stopped" : "kept ticking");
  });
  CHECK(out.pop() == "cancelled");
  CHECK(out.pop() == "stopped");
}

TEST_CASE("a timer owned by a dead process never fires") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  auto w = node.spawn<Watcher>(&out, false);
  auto [owner, f] = spawn_watched(node, [&](fnd::Process& self) {
    self.send_after(10ms, w, std::string("from the dead"));
    self.every(1ms, w, std::string("periodic from the dead"));
  });
  get_exit(f);
  // Timers fire in deadline order: the marker (later deadline, outside any process) comes first only if
  // the owner's timers were cancelled.
  node.send_after(40ms, w, std::string("marker"));
  CHECK(out.pop() == "marker");
}

TEST_CASE("node-level send_after and cancel") {
  fnd::Node node({.threads = 1});
  Channel<std::string> out;
  auto w = node.spawn<Watcher>(&out, false);
  auto t = node.send_after(20ms, w, std::string("no"));
  CHECK(node.cancel_timer(t));
  CHECK_FALSE(node.cancel_timer(t));
  node.send_after(30ms, w, std::string("yes"));
  CHECK(out.pop() == "yes");
}

TEST_CASE("register, whereis, name_taken, unregister on death") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  auto a = node.spawn<Watcher>(&out, false);
  auto b = node.spawn<Watcher>(&out, false);
  REQUIRE(node.register_name("svc", a).ok());
  CHECK(node.whereis("svc") == a);
  auto taken = node.register_name("svc", b);
  REQUIRE_FALSE(taken);
  CHECK(taken.error().code == fnd::errc::name_taken);
  CHECK(taken.error().context.at("holder") == a.to_string());
  CHECK(taken.error().message.find(a.to_string()) != std::string::npos);
  CHECK(node.process_info(a).registered_name == "svc");
  CHECK(node.register_name("alias", a).ok());  // several names per process are allowed
  CHECK(node.whereis("alias") == a);
  auto f = node.watch(a);
  node.exit(a, fnd::ExitReason::kill());
  get_exit(f);
  CHECK(node.whereis("svc").is_null());
  CHECK(node.whereis("alias").is_null());
  CHECK(node.register_name("svc", b).ok());
  CHECK(node.unregister_name("svc"));
  CHECK_FALSE(node.unregister_name("svc"));
  CHECK(node.whereis("nobody").is_null());
  auto dead = node.register_name("late", a);
  CHECK(dead.error().code == fnd::errc::noproc);
}

TEST_CASE("Ref by name reaches the current holder; SpawnOptions.name registers") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  fnd::Ref ref = fnd::Ref::name("worker");
  CHECK(ref == fnd::Ref::name("worker"));  // interned
  CHECK(ref.is_name());
  node.send(ref, std::string("nobody home"));  // dropped, no holder
  fnd::SpawnOptions o;
  o.name = "worker";
  auto first = node.spawn_opt<Watcher>(o, &out, false);
  CHECK(node.whereis("worker") == first);
  node.send(ref, std::string("to first"));
  CHECK(out.pop() == "to first");
  auto f = node.watch(first);
  node.exit(first, fnd::ExitReason::kill());
  get_exit(f);
  auto second = node.spawn_opt<Watcher>(o, &out, false);
  REQUIRE(second);
  node.send(ref, std::string("to second"));
  CHECK(out.pop() == "to second");
  // A taken name makes spawn fail (null pid) and leaves the holder in place.
  auto third = node.spawn_opt<Watcher>(o, &out, false);
  CHECK(third.is_null());
  CHECK(node.whereis("worker") == second);
  // From inside a process.
  Channel<std::string> direct;
  spawn_watched(node, [&](fnd::Process& self) {
    self.send(ref, std::string("from a process"));
    direct.push(self.register_name("me").ok() ? "registered" : "failed");
    direct.push(self.whereis("me") == self.self() ? "whereis self" : "wrong");
  });
  CHECK(out.pop() == "from a process");
  CHECK(direct.pop() == "registered");
  CHECK(direct.pop() == "whereis self");
}
