// A real network partition between node processes in network namespaces (run_netns_test.sh sets them up
// and runs this program inside the namespace of node "t"). Nodes b and c run dist_test_node in their own
// namespaces, on a bridge; all three run SWIM membership as their only failure detector. The test cuts b
// off with iptables DROP rules inside b's namespace (partition {t, c} | {b}), checks that monitors fire
// with noconnection and that membership declares b down at t and at c, then deletes the rules (heal)
// and checks that b is a member again, its old pids answer, and a numbered stream sent after the heal
// arrives exact (b's sink counts every number: no loss, no duplicate, nothing from the partition).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "eventually.hpp"
#include "fnd/dist/dist.hpp"
#include "fnd/fnd.hpp"
#include "remote_ask.hpp"

using namespace fnd;
using namespace fnd::dist;
using namespace fnd::dist::test;
using namespace std::chrono_literals;

namespace {

// What run_netns_test.sh passes in the environment.
struct Setup {
  std::string node_program, t_ip, b_ns, b_ip, c_ns, c_ip;
  static std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
  }
  Setup()
      : node_program(env("FND_NETNS_NODE")),
        t_ip(env("FND_NETNS_T_IP")),
        b_ns(env("FND_NETNS_B")),
        b_ip(env("FND_NETNS_B_IP")),
        c_ns(env("FND_NETNS_C")),
        c_ip(env("FND_NETNS_C_IP")) {}
  bool complete() const {
    return !node_program.empty() && !t_ip.empty() && !b_ns.empty() && !b_ip.empty() && !c_ns.empty() &&
           !c_ip.empty();
  }
};

// Runs a command, true if it exited 0 (iptables inside a namespace).
bool run(const std::string& command) {
  int rc = std::system(command.c_str());
  return rc == 0;
}

// The rules that cut namespace ns off its bridge (both directions; loopback stays). `verb` is -A to add
// them, -D to delete them. The script's cleanup deletes the namespace, and the rules with it.
bool cut_rules(const std::string& ns, const char* verb) {
  std::string ipt = "ip netns exec " + ns + " iptables -w ";
  return run(ipt + verb + " INPUT -i eth0 -j DROP") && run(ipt + verb + " OUTPUT -o eth0 -j DROP");
}

long long ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
}

struct Events {  // node events at t, kept for the main thread
  std::mutex mu;
  std::vector<NodeEvent> seen;
  void add(const NodeEvent& e) {
    std::lock_guard<std::mutex> l(mu);
    seen.push_back(e);
  }
  std::optional<NodeEvent> last(NodeEventKind kind, const std::string& node) {
    std::lock_guard<std::mutex> l(mu);
    for (auto i = seen.rbegin(); i != seen.rend(); ++i)
      if (i->kind == kind && i->node == node) return *i;
    return std::nullopt;
  }
  size_t count(NodeEventKind kind, const std::string& node) {
    std::lock_guard<std::mutex> l(mu);
    return std::count_if(seen.begin(), seen.end(), [&](auto& e) { return e.kind == kind && e.node == node; });
  }
};

}  // namespace

TEST_CASE("a partition between network namespaces: monitors fire, membership declares down, heal reconnects") {
  Setup s;
  if (!s.complete()) FAIL("run this test through run_netns_test.sh (it makes the namespaces)");

  Events events;  // before the node: its subscriber runs until the node stops
  Node node{{.threads = 2, .name = "t", .log_level = log::Level::warning}};
  DistOptions o;
  o.name = "t";
  o.bind = "tcp://" + s.t_ip + ":0";
  o.heartbeat = 50ms;
  o.down_after = 0ms;  // SWIM is the only failure detector (default Config)
  o.membership = membership::Config{};
  DistNode t(node, o);
  REQUIRE(!t.error());
  t.subscribe([&](const NodeEvent& e) { events.add(e); });

  auto node_args = [&](const std::string& name, const std::string& ip) {
    return std::vector<std::string>{"--name", name, "--bind", "tcp://" + ip + ":0", "--down-after", "0",
                                    "--membership", "on", "--seed", "t=" + t.address()};
  };
  TestNodeProcess b, c;
  REQUIRE(b.start(s.node_program, node_args("b", s.b_ip), {"ip", "netns", "exec", s.b_ns}));
  REQUIRE(c.start(s.node_program, node_args("c", s.c_ip), {"ip", "netns", "exec", s.c_ns}));
  auto view_of = [&](const char* n) { return ask(node, t, n, "view", "?", 1s); };
  REQUIRE(eventually([&] { return alive_members(t) == "b,c" && view_of("b") == "c,t" && view_of("c") == "b,t"; }));
  REQUIRE(t.is_up("b"));

  // Across the bridge: numbered messages into b's sink, echo pids of b and c, monitors on both.
  const int64_t n = 5000;
  for (int64_t i = 1; i <= n; ++i) REQUIRE(t.send("b", "sink", i));
  CHECK(ask(node, t, "b", "sink", "report") == "count=5000 first=1 last=5000 errors=0");
  auto echo_of = [&](const char* name) {
    return in_fiber<Pid>(node, [&](Process& p) {
      (void)t.send(name, "echo", std::string("hi"));
      auto r = p.receive_for<std::string>(5s);
      return r ? p.sender() : Pid();
    });
  };
  Pid echo_b = echo_of("b"), echo_c = echo_of("c");
  REQUIRE(!echo_b.is_null());
  REQUIRE(!echo_c.is_null());

  struct Out {
    std::string down_b, down_c;
  };
  std::promise<void> monitoring;
  auto monitoring_f = monitoring.get_future();
  auto watcher = std::async(std::launch::async, [&] {
    return in_fiber<Out>(node, [&](Process& p) {
      Out r;
      auto rb = p.monitor(echo_b);
      auto rc = p.monitor(echo_c);
      (void)p.call<int64_t>(echo_b, int64_t{0}, 5s);  // the monitors have reached b and c
      (void)p.call<int64_t>(echo_c, int64_t{0}, 5s);
      monitoring.set_value();
      p.receive_select_for(10s, on<Down>([&](Down& d) {
                             if (d.ref == rb) r.down_b = d.reason.to_string();
                             if (d.ref == rc) r.down_c = d.reason.to_string();
                           }));
      // Nothing arrives for c's monitor: c was never cut off.
      p.receive_select_for(300ms, on<Down>([&](Down& d) {
                             if (d.ref == rc) r.down_c = d.reason.to_string();
                           }));
      return r;
    });
  });
  monitoring_f.wait();

  // Partition: b's namespace drops everything on its link to the bridge.
  auto cut_at = std::chrono::steady_clock::now();
  REQUIRE(cut_rules(s.b_ns, "-A"));
  Out w = watcher.get();
  auto down_ms = ms_since(cut_at);  // when the monitor fired (or the watcher gave up)
  INFO("b's monitor: " << w.down_b);
  CHECK(w.down_b.find("noconnection") != std::string::npos);
  CHECK(w.down_c.empty());
  REQUIRE(eventually([&] { return events.last(NodeEventKind::down, "b").has_value(); }));
  CHECK(events.last(NodeEventKind::down, "b")->reason.find("SWIM") != std::string::npos);
  CHECK_FALSE(t.is_up("b"));
  CHECK(eventually([&] { return alive_members(t) == "c"; }));
  CHECK(eventually([&] { return view_of("c") == "t"; }, 5s));  // c declared b down too
  CHECK(ask(node, t, "c", "echo", "still here") == "still here");
  // A message to a node that is down is dropped at the sender, not queued for after the heal (b's sink
  // would count it as an error if it arrived).
  CHECK_FALSE(t.send("b", "sink", int64_t{-1}));
  size_t downs = events.count(NodeEventKind::down, "b");

  // Heal: the rules go; b refutes its death and is a member again everywhere; a new link session.
  auto heal_at = std::chrono::steady_clock::now();
  REQUIRE(cut_rules(s.b_ns, "-D"));
  REQUIRE(eventually([&] { return alive_members(t) == "b,c" && t.is_up("b"); }));
  auto up_ms = ms_since(heal_at);
  CHECK(eventually([&] { return view_of("b") == "c,t" && view_of("c") == "b,t"; }));
  CHECK(eventually([&] { return events.count(NodeEventKind::up, "b") >= 2; }));  // first meeting, then heal
  CHECK(events.count(NodeEventKind::down, "b") == downs);                        // declared down once
  // The same process on b (same incarnation) answers through the pid taken before the partition.
  auto again = in_fiber<std::string>(node, [&](Process& p) {
    auto v = p.call<int64_t>(echo_b, int64_t{42}, 5s);
    return v ? std::to_string(*v) : v.error().to_string();
  });
  CHECK(again == "42");
  for (int64_t i = n + 1; i <= 2 * n; ++i) REQUIRE(t.send("b", "sink", i));
  CHECK(ask(node, t, "b", "sink", "report") == "count=10000 first=1 last=10000 errors=0");
  // Printed, not asserted (no timing thresholds in tests): SWIM's default Config.
  std::printf("netns partition: b's monitor fired %lld ms after the cut; b up again %lld ms after the heal\n",
              static_cast<long long>(down_ms), static_cast<long long>(up_ms));
}
