// Supervisors: strategies, intensity, restart types, shutdown, dynamic children, nesting, API.
#include <future>
#include <map>
#include <thread>

#include "helpers.hpp"

namespace {
struct Crash {};
struct Finish {};  // the child exits normally

using Events = Channel<std::string>;

// A supervised worker: logs its stop reason; crashes or finishes on request.
struct Kid : fnd::Actor {
  Events* ev;
  std::string id;
  bool stubborn;  // traps exits and ignores shutdown requests
  Kid(Events* e, std::string i, bool s = false) : ev(e), id(std::move(i)), stubborn(s) {}
  void on_start() override {
    if (stubborn) trap_exit(true);
  }
  void on_message(fnd::Message& m) override {
    if (m.is<Crash>()) throw std::runtime_error(id + " crashed");
    if (m.is<Finish>()) stop();
  }
  void on_stop(const fnd::ExitReason& r) override { ev->push("stop:" + id + ":" + r.to_string()); }
};

fnd::ChildSpec kid(Events* ev, std::string id, fnd::Restart r = fnd::Restart::permanent,
                   fnd::Shutdown sd = fnd::Shutdown::after(5s), bool stubborn = false) {
  fnd::ChildSpec c;
  c.id = id;
  c.restart = r;
  c.shutdown = sd;
  // Logged in the start function, which runs inside the supervisor: this is the start order.
  c.start = [ev, id, stubborn](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> {
    ev->push("start:" + id);
    return ctx.spawn<Kid>(ev, id, stubborn);
  };
  return c;
}

fnd::Pid pid_of(fnd::Node& node, const fnd::Pid& sup, const std::string& id) {
  for (auto& c : fnd::which_children(node, sup))
    if (c.id == id) return c.pid;
  return {};
}

std::string crash_reason(const std::string& id) { return "error(exception: " + id + " crashed)"; }

struct Fx {
  Events ev;  // declared first: destroyed after the node (children log while the node stops)
  fnd::Node node{{.threads = 2}};
  fnd::Pid start(std::string name, fnd::Strategy s, std::vector<fnd::ChildSpec> children, uint32_t intensity = 10,
                 std::chrono::milliseconds period = 60s) {
    auto r = fnd::start_supervisor(node, {std::move(name), s, intensity, period, std::move(children)});
    REQUIRE(r.ok());
    return *r;
  }
  std::map<std::string, fnd::Pid> last;  // last incarnation each name was sent to
  // Sends to the current incarnation registered as `name` (waits for a new one to be registered: the
  // start event is logged before the supervisor registers the child's name).
  template <class T>
  void send_to(const std::string& name, T msg) {
    for (;;) {
      auto p = node.whereis(name);
      if (p && p.alive() && p != last[name]) {
        last[name] = p;
        node.send(p, std::move(msg));
        return;
      }
      std::this_thread::yield();
    }
  }
  void expect(std::initializer_list<std::string> events) {
    for (auto& e : events) CHECK(ev.pop() == e);
  }
};
}  // namespace

TEST_CASE_METHOD(Fx, "children start in order and stop in reverse") {
  auto sup = start("s", fnd::Strategy::one_for_one, {kid(&ev, "a"), kid(&ev, "b"), kid(&ev, "c")});
  expect({"start:a", "start:b", "start:c"});
  auto f = node.watch(sup);
  node.exit(sup, fnd::ExitReason::shutdown());
  expect({"stop:c:shutdown", "stop:b:shutdown", "stop:a:shutdown"});
  CHECK(get_exit(f).is_shutdown());
}

TEST_CASE_METHOD(Fx, "one_for_one restarts only the failed child") {
  auto sup = start("s", fnd::Strategy::one_for_one, {kid(&ev, "a"), kid(&ev, "b"), kid(&ev, "c")});
  expect({"start:a", "start:b", "start:c"});
  auto a = pid_of(node, sup, "a"), b = pid_of(node, sup, "b"), c = pid_of(node, sup, "c");
  send_to("s.b", Crash{});
  expect({"stop:b:" + crash_reason("b"), "start:b"});
  CHECK(pid_of(node, sup, "a") == a);
  CHECK(pid_of(node, sup, "c") == c);
  auto b2 = pid_of(node, sup, "b");
  CHECK(b2 != b);
  CHECK(b2.alive());
  CHECK(node.whereis("s.b") == b2);  // the registered name follows the new incarnation
  CHECK(node.whereis("s") == sup);
  CHECK(fnd::child_ref("s", "b") == fnd::Ref::name("s.b"));
  node.send(fnd::child_ref("s", "b"), Finish{});  // a Ref by name reaches the current incarnation
  expect({"stop:b:normal", "start:b"});
}

TEST_CASE_METHOD(Fx, "one_for_all restarts every child") {
  auto sup = start("s", fnd::Strategy::one_for_all, {kid(&ev, "a"), kid(&ev, "b"), kid(&ev, "c")});
  expect({"start:a", "start:b", "start:c"});
  send_to("s.b", Crash{});
  expect({"stop:b:" + crash_reason("b"), "stop:c:shutdown", "stop:a:shutdown", "start:a", "start:b", "start:c"});
  CHECK(fnd::count_children(node, sup).active == 3);
}

TEST_CASE_METHOD(Fx, "rest_for_one restarts the failed child and those started after it") {
  auto sup = start("s", fnd::Strategy::rest_for_one, {kid(&ev, "a"), kid(&ev, "b"), kid(&ev, "c"), kid(&ev, "d")});
  expect({"start:a", "start:b", "start:c", "start:d"});
  auto a = pid_of(node, sup, "a");
  send_to("s.b", Crash{});
  expect({"stop:b:" + crash_reason("b"), "stop:d:shutdown", "stop:c:shutdown", "start:b", "start:c", "start:d"});
  CHECK(pid_of(node, sup, "a") == a);
}

TEST_CASE_METHOD(Fx, "more than intensity restarts within the period: the supervisor gives up with shutdown") {
  auto sup = start("s", fnd::Strategy::one_for_one, {kid(&ev, "a"), kid(&ev, "b")}, 2, 60s);
  expect({"start:a", "start:b"});
  auto f = node.watch(sup);
  send_to("s.a", Crash{});
  expect({"stop:a:" + crash_reason("a"), "start:a"});
  send_to("s.a", Crash{});
  expect({"stop:a:" + crash_reason("a"), "start:a"});
  send_to("s.a", Crash{});  // the third restart exceeds intensity 2
  expect({"stop:a:" + crash_reason("a"), "stop:b:shutdown"});
  CHECK(get_exit(f).is_shutdown());
  CHECK(node.whereis("s").is_null());
}

TEST_CASE_METHOD(Fx, "restarts outside the period do not accumulate") {
  // Period 1ms: every crash is alone in its window, so intensity 1 is never exceeded.
  auto sup = start("s", fnd::Strategy::one_for_one, {kid(&ev, "a")}, 1, 1ms);
  expect({"start:a"});
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(3ms);  // spacing the crashes (the outcome does not depend on it being exact
                                       // beyond the window: 3ms > 1ms)
    send_to("s.a", Crash{});
    expect({"stop:a:" + crash_reason("a"), "start:a"});
  }
  CHECK(sup.alive());
}

TEST_CASE_METHOD(Fx, "intensity 0: the first failure stops the supervisor") {
  auto sup = start("s", fnd::Strategy::one_for_one, {kid(&ev, "a")}, 0, 60s);
  expect({"start:a"});
  auto f = node.watch(sup);
  send_to("s.a", Crash{});
  expect({"stop:a:" + crash_reason("a")});
  CHECK(get_exit(f).is_shutdown());
}

TEST_CASE_METHOD(Fx, "restart types: permanent, transient, temporary") {
  auto sup = start("s", fnd::Strategy::one_for_one,
                   {kid(&ev, "perm", fnd::Restart::permanent), kid(&ev, "trans", fnd::Restart::transient),
                    kid(&ev, "temp", fnd::Restart::temporary)});
  expect({"start:perm", "start:trans", "start:temp"});
  send_to("s.perm", Finish{});  // permanent: restarted even after a normal exit
  expect({"stop:perm:normal", "start:perm"});
  send_to("s.trans", Crash{});  // transient: restarted after a crash
  expect({"stop:trans:" + crash_reason("trans"), "start:trans"});
  send_to("s.trans", Finish{});  // ... but not after a normal exit
  expect({"stop:trans:normal"});
  send_to("s.temp", Crash{});  // temporary: never restarted, spec removed
  expect({"stop:temp:" + crash_reason("temp")});
  // on_stop logs before the supervisor sees the exit: wait for it to have acted.
  std::vector<fnd::ChildInfo> children;
  for (;;) {
    children = fnd::which_children(node, sup);
    if (children.size() == 2 && children[1].pid.is_null()) break;
    std::this_thread::yield();
  }
  REQUIRE(children.size() == 2);
  CHECK(children[0].id == "perm");
  CHECK(children[0].pid);
  CHECK(children[1].id == "trans");
  CHECK(children[1].pid.is_null());  // kept as a spec, not running
  auto n = fnd::count_children(node, sup);
  CHECK(n.specs == 2);
  CHECK(n.active == 1);
  CHECK(n.workers == 2);
}

TEST_CASE_METHOD(Fx, "shutdown: a child ignoring shutdown is killed after its timeout; brutal_kill kills") {
  auto sup = start("s", fnd::Strategy::one_for_one,
                   {kid(&ev, "brutal", fnd::Restart::permanent, fnd::Shutdown::brutal()),
                    kid(&ev, "stubborn", fnd::Restart::permanent, fnd::Shutdown::after(30ms), true),
                    kid(&ev, "polite", fnd::Restart::permanent, fnd::Shutdown::infinite())});
  expect({"start:brutal", "start:stubborn", "start:polite"});
  auto stubborn = pid_of(node, sup, "stubborn"), brutal = pid_of(node, sup, "brutal");
  auto fs = node.watch(stubborn), fb = node.watch(brutal), fsup = node.watch(sup);
  node.exit(sup, fnd::ExitReason::shutdown());
  expect({"stop:polite:shutdown"});
  CHECK(get_exit(fs).kind() == fnd::ExitKind::killed);  // no on_stop for killed: no event
  CHECK(get_exit(fb).kind() == fnd::ExitKind::killed);
  CHECK(get_exit(fsup).is_shutdown());
  CHECK(ev.size() == 0);
}

TEST_CASE_METHOD(Fx, "simple_one_for_one: dynamic children with arguments") {
  fnd::ChildSpec tmpl;
  tmpl.id = "conn";
  tmpl.restart = fnd::Restart::transient;
  Events* e = &ev;
  tmpl.start = [e](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> {
    auto name = std::any_cast<std::string>(ctx.args());
    e->push("start:" + name);
    return ctx.spawn<Kid>(e, name);
  };
  auto sup = start("pool", fnd::Strategy::simple_one_for_one, {tmpl});
  CHECK(fnd::count_children(node, sup).specs == 0);
  auto c1 = fnd::start_child(node, sup, std::any(std::string("x")));
  auto c2 = fnd::start_child(node, sup, std::any(std::string("y")));
  REQUIRE(c1.ok());
  REQUIRE(c2.ok());
  expect({"start:x", "start:y"});
  CHECK(fnd::count_children(node, sup).active == 2);
  node.send(*c1, Crash{});  // restarted with the same arguments
  expect({"stop:x:" + crash_reason("x"), "start:x"});
  CHECK(fnd::count_children(node, sup).active == 2);
  node.send(*c2, Finish{});  // transient + normal: removed
  expect({"stop:y:normal"});
  while (fnd::count_children(node, sup).specs != 1) std::this_thread::yield();  // sup acts after on_stop
  CHECK(fnd::count_children(node, sup).active == 1);
  auto kids = fnd::which_children(node, sup);
  REQUIRE(kids.size() == 1);
  REQUIRE(fnd::terminate_child(node, sup, kids[0].pid).ok());
  expect({"stop:x:shutdown"});
  CHECK(fnd::count_children(node, sup).specs == 0);
  auto bad = fnd::start_child(node, sup, kid(&ev, "static"));
  CHECK_FALSE(bad.ok());
}

TEST_CASE_METHOD(Fx, "start_child, terminate_child, restart_child, delete_child") {
  auto sup = start("s", fnd::Strategy::one_for_one, {kid(&ev, "a")});
  expect({"start:a"});
  auto b = fnd::start_child(node, sup, kid(&ev, "b"));
  REQUIRE(b.ok());
  expect({"start:b"});
  auto dup = fnd::start_child(node, sup, kid(&ev, "b"));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == fnd::errc::already_present);
  CHECK(fnd::delete_child(node, sup, "b").error().code == fnd::errc::running);
  REQUIRE(fnd::terminate_child(node, sup, std::string("b")).ok());
  expect({"stop:b:shutdown"});
  CHECK(fnd::count_children(node, sup).active == 1);
  auto b2 = fnd::restart_child(node, sup, "b");
  REQUIRE(b2.ok());
  expect({"start:b"});
  CHECK(*b2 != *b);
  REQUIRE(fnd::terminate_child(node, sup, std::string("b")).ok());
  expect({"stop:b:shutdown"});
  REQUIRE(fnd::delete_child(node, sup, "b").ok());
  CHECK(fnd::count_children(node, sup).specs == 1);
  CHECK(fnd::terminate_child(node, sup, std::string("zzz")).error().code == fnd::errc::not_found);
  CHECK(fnd::restart_child(node, sup, "zzz").error().code == fnd::errc::not_found);
}

TEST_CASE_METHOD(Fx, "a child that fails to start makes the supervisor fail; started ones are stopped") {
  fnd::ChildSpec broken;
  broken.id = "broken";
  broken.start = [](fnd::ChildContext&) -> fnd::Result<fnd::Pid> { return fnd::Error("db_down", "cannot connect"); };
  auto r = fnd::start_supervisor(node, {"s", fnd::Strategy::one_for_one, 3, 5s, {kid(&ev, "a"), broken, kid(&ev, "c")}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "db_down");
  CHECK(r.error().context.at("child") == "broken");
  expect({"start:a", "stop:a:shutdown"});
  CHECK(ev.size() == 0);  // c never started
}

TEST_CASE_METHOD(Fx, "supervisor names are unique") {
  start("dup", fnd::Strategy::one_for_one, {});
  auto r = fnd::start_supervisor(node, {"dup", fnd::Strategy::one_for_one, 3, 5s, {}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == fnd::errc::name_taken);
}

TEST_CASE_METHOD(Fx, "nested trees: an inner supervisor that gives up is restarted by the outer one") {
  fnd::SupervisorSpec inner{"inner", fnd::Strategy::one_for_one, 0, 60s, {kid(&ev, "w")}};
  auto outer = start("outer", fnd::Strategy::one_for_one, {kid(&ev, "first"), fnd::supervisor_child("inner", inner)});
  expect({"start:first", "start:w"});
  auto inner1 = node.whereis("inner");
  REQUIRE(inner1);
  CHECK(node.whereis("outer.inner") == inner1);
  send_to("inner.w", Crash{});  // inner has intensity 0: it exits with shutdown
  expect({"stop:w:" + crash_reason("w"), "start:w"});  // ... and outer restarts it (and so w)
  auto inner2 = node.whereis("inner");
  CHECK(inner2);
  CHECK(inner2 != inner1);
  auto n = fnd::count_children(node, outer);
  CHECK(n.supervisors == 1);
  CHECK(n.workers == 1);
  // Stopping the outer tree stops it top-down: inner's worker, then inner, then first.
  auto f = node.watch(outer);
  node.exit(outer, fnd::ExitReason::shutdown());
  expect({"stop:w:shutdown", "stop:first:shutdown"});
  CHECK(get_exit(f).is_shutdown());
}

TEST_CASE_METHOD(Fx, "supervisor API from inside a fiber process") {
  auto sup = start("s", fnd::Strategy::one_for_one, {});
  Channel<std::string> out;
  spawn_watched(node, [&](fnd::Process&) {
    auto c = fnd::start_child(node, sup, kid(&ev, "f"));
    out.push(c.ok() ? "started" : c.error().to_string());
    out.push(std::to_string(fnd::count_children(node, sup).active));
  });
  CHECK(out.pop() == "started");
  CHECK(out.pop() == "1");
  expect({"start:f"});
}

TEST_CASE_METHOD(Fx, "fiber workers are supervised like actors") {
  std::atomic<int> runs{0};
  auto sup = start("s", fnd::Strategy::one_for_one, {fnd::fiber_worker("fw", [&](fnd::Process& p) {
                     ++runs;
                     p.receive<Crash>();
                     throw std::runtime_error("fiber worker crashed");
                   })});
  send_to("s.fw", Crash{});
  // After the restart, the name points at a new, live incarnation.
  fnd::Pid first;
  while (runs.load() < 2) std::this_thread::yield();
  CHECK(node.whereis("s.fw").alive());
  (void)sup;
  (void)first;
}

namespace {
// A worker that logs when its on_start completes; it sleeps there first, so that a sibling started
// without waiting for it would log first.
struct Initer : fnd::Actor {
  Events* ev;
  std::string id;
  bool fail_start;
  Initer(Events* e, std::string i, bool f) : ev(e), id(std::move(i)), fail_start(f) {}
  void on_start() override {
    std::this_thread::sleep_for(2ms);
    if (fail_start) throw std::runtime_error(id + " failed in on_start");
    ev->push("init:" + id);
  }
  void on_message(fnd::Message& m) override {
    if (m.is<Crash>()) throw std::runtime_error(id + " crashed");
  }
  void on_stop(const fnd::ExitReason& r) override { ev->push("stop:" + id + ":" + r.to_string()); }
};

fnd::ChildSpec initer(Events* ev, std::string id, fnd::Restart r = fnd::Restart::permanent, bool fail_start = false) {
  fnd::ChildSpec c;
  c.id = id;
  c.restart = r;
  c.start = [ev, id, fail_start](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> {
    ev->push("start:" + id);
    return ctx.spawn<Initer>(ev, id, fail_start);
  };
  return c;
}
}  // namespace

TEST_CASE_METHOD(Fx, "each child's on_start completes before the next child is started") {
  auto sup = start("s", fnd::Strategy::one_for_one,
                   {initer(&ev, "a"), initer(&ev, "b"), initer(&ev, "c")});
  // start_supervisor returns after the last child's on_start.
  CHECK(ev.size() == 6);
  expect({"start:a", "init:a", "start:b", "init:b", "start:c", "init:c"});
  (void)sup;
}

TEST_CASE_METHOD(Fx, "one_for_all: stopped in reverse order, restarted in order, each on_start before the next") {
  start("s", fnd::Strategy::one_for_all, {initer(&ev, "a"), initer(&ev, "b"), initer(&ev, "c")});
  expect({"start:a", "init:a", "start:b", "init:b", "start:c", "init:c"});
  send_to("s.b", Crash{});
  expect({"stop:b:" + crash_reason("b"), "stop:c:shutdown", "stop:a:shutdown", "start:a", "init:a", "start:b",
          "init:b", "start:c", "init:c"});
}

TEST_CASE_METHOD(Fx, "rest_for_one: the rest restarted in order, each on_start before the next") {
  start("s", fnd::Strategy::rest_for_one, {initer(&ev, "a"), initer(&ev, "b"), initer(&ev, "c"), initer(&ev, "d")});
  expect({"start:a", "init:a", "start:b", "init:b", "start:c", "init:c", "start:d", "init:d"});
  send_to("s.b", Crash{});
  expect({"stop:b:" + crash_reason("b"), "stop:d:shutdown", "stop:c:shutdown", "start:b", "init:b", "start:c",
          "init:c", "start:d", "init:d"});
}

TEST_CASE_METHOD(Fx, "a child that fails in on_start does not hold up its siblings; its exit is handled as any") {
  auto sup = start("s", fnd::Strategy::one_for_one,
                   {initer(&ev, "a", fnd::Restart::temporary, true), initer(&ev, "b")});
  expect({"start:a", "stop:a:error(exception: a failed in on_start)", "start:b", "init:b"});
  // The temporary child's exit is handled after the start: it is removed, b runs.
  for (;;) {
    auto kids = fnd::which_children(node, sup);
    if (kids.size() == 1) {
      CHECK(kids[0].id == "b");
      CHECK(kids[0].pid.alive());
      break;
    }
    std::this_thread::yield();
  }
}

TEST_CASE_METHOD(Fx, "start_child returns after the new child's on_start") {
  auto sup = start("s", fnd::Strategy::one_for_one, {});
  auto c = fnd::start_child(node, sup, initer(&ev, "late"));
  REQUIRE(c.ok());
  CHECK(ev.size() == 2);
  expect({"start:late", "init:late"});
}
