// Service registry: register with metadata and health checks, lookup, list, namespaces, wait_for,
// dead entries removed on death.
#include <catch2/catch.hpp>

#include <thread>

#include "fnd/actor.hpp"
#include "fnd/node.hpp"
#include "fnd/services/service_registry.hpp"

using namespace std::chrono_literals;
using fnd::services::ServiceRegistry;

namespace {
struct Echo : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (m.is<int>()) reply(m.get<int>() + 1);
  }
};
}  // namespace

TEST_CASE("register, lookup, list, namespaces, unregister") {
  fnd::Node node({.threads = 2});
  ServiceRegistry reg(node);
  auto a = node.spawn<Echo>();
  auto b = node.spawn<Echo>();
  REQUIRE(reg.register_service("ns1", "billing", a, {{"version", "2"}}).ok());
  REQUIRE(reg.register_service("ns1", "auth", b).ok());
  REQUIRE(reg.register_service("ns2", "billing", b).ok());  // same name, other namespace
  auto s = reg.lookup("ns1", "billing");
  REQUIRE(s.ok());
  CHECK(s->pid == a);
  CHECK(s->metadata.at("version") == "2");
  CHECK(reg.lookup("ns2", "billing")->pid == b);
  CHECK(reg.lookup("ns1", "nope").error().code == "not_found");
  auto l = reg.list("ns1");
  REQUIRE(l.size() == 2);
  CHECK(l[0].name == "auth");
  CHECK(l[1].name == "billing");
  CHECK(reg.namespaces() == std::vector<std::string>{"ns1", "ns2"});
  // On the runtime's process registry: reachable by name.
  CHECK(node.whereis(ServiceRegistry::process_name("ns1", "billing")) == a);
  CHECK(node.call<int>(node.whereis("svc:ns1:billing"), 41, 5s).value() == 42);

  auto taken = reg.register_service("ns1", "billing", b);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == "name_taken");
  CHECK(reg.register_service("ns1", "", a).error().code == "badarg");
  CHECK(reg.register_service("a:b", "x", a).error().code == "badarg");

  REQUIRE(reg.unregister_service("ns1", "billing").ok());
  CHECK(reg.lookup("ns1", "billing").error().code == "not_found");
  CHECK(!node.whereis("svc:ns1:billing"));
  CHECK(reg.unregister_service("ns1", "billing").error().code == "not_found");
}

TEST_CASE("dead entries are removed on death") {
  fnd::Node node({.threads = 2});
  ServiceRegistry reg(node);
  auto a = node.spawn<Echo>();
  REQUIRE(reg.register_service("dead", "svc", a).ok());
  node.exit(a, fnd::ExitReason::kill());
  node.watch(a).get();
  CHECK(reg.lookup("dead", "svc").error().code == "not_found");  // at once: the runtime name is gone
  for (int i = 0; i < 5000 && !reg.list("dead").empty(); ++i) std::this_thread::sleep_for(1ms);
  CHECK(reg.list("dead").empty());
  CHECK(reg.namespaces().empty());
  auto b = node.spawn<Echo>();
  CHECK(reg.register_service("dead", "svc", b).ok());  // the name is free again
  node.exit(b, fnd::ExitReason::kill());
  node.watch(b).get();
  CHECK(reg.register_service("dead", "svc", b).error().code == "noproc");
}

TEST_CASE("health checks") {
  fnd::Node node({.threads = 1});
  ServiceRegistry reg(node);
  auto a = node.spawn<Echo>();
  bool healthy = true;
  REQUIRE(reg.register_service("h", "db", a, {}, [&]() -> fnd::Result<void> {
    if (healthy) return {};
    return fnd::Error("network_error", "connection lost");
  }).ok());
  CHECK(reg.lookup("h", "db")->has_health_check);
  CHECK(reg.check_health("h", "db").ok());
  healthy = false;
  auto bad = reg.check_health("h", "db");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "service_unavailable");
  CHECK(bad.error().context.at("cause") == "network_error");
  CHECK(reg.check_health("h", "none").error().code == "not_found");
}

TEST_CASE("wait_for: immediate, after a later registration (thread and fiber), timeout") {
  fnd::Node node({.threads = 2});
  ServiceRegistry reg(node);
  auto a = node.spawn<Echo>();
  REQUIRE(reg.register_service("w", "ready", a).ok());
  CHECK(reg.wait_for("w", "ready", 0ms).value() == a);
  CHECK(reg.wait_for("w", "never", 5ms).error().code == "timeout");

  std::atomic<bool> fiber_ok{false};
  auto f = node.spawn_fiber([&](fnd::Process&) {
    auto p = reg.wait_for("w", "late", 20s);
    fiber_ok = p.ok();
  });
  auto fiber_done = node.watch(f);
  std::atomic<bool> thread_ok{false};  // Catch2 v2 assertions are not thread-safe: check on this thread
  std::thread t([&] {
    auto p = reg.wait_for("w", "late", 20s);
    thread_ok = p.ok();
  });
  std::this_thread::sleep_for(20ms);  // lets both start waiting (the test holds either way)
  auto late = node.spawn<Echo>();
  REQUIRE(reg.register_service("w", "late", late).ok());
  t.join();
  CHECK(thread_ok.load());
  CHECK(fiber_done.get().is_normal());
  CHECK(fiber_ok.load());
}
