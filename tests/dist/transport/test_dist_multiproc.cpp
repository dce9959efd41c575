// Multi-process loopback tests: this process is node "t"; node processes (dist_test_node) are started
// and killed by the tests. Remote send/call, a monitor firing when a node process is killed, kill +
// restart with exact streams on both sides of the restart (checked by sequence numbers end to end), and
// garbage frames from a raw ZeroMQ socket that must not hurt either node.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <optional>
#include <future>
#include <random>
#include <thread>

#include <zmq.hpp>

#include "fnd/dist/dist.hpp"
#include "fnd/dist/security/keygen.hpp"
#include "fnd/dist/wire.hpp"
#include "fnd/fnd.hpp"
#include "child_process.hpp"
#include "eventually.hpp"
#include "remote_ask.hpp"
#include "tcp_cutter.hpp"

using namespace fnd;
using namespace fnd::dist;
using namespace std::chrono_literals;

namespace {
// A dist_test_node child process, on loopback.
struct Child : fnd::dist::test::TestNodeProcess {
  bool start(const std::vector<std::string>& args) { return TestNodeProcess::start(FND_DIST_TEST_NODE, args); }
};
using fnd::dist::test::eventually;

struct Here {
  Node node{{.threads = 2, .name = "t", .log_level = log::Level::warning}};
  std::unique_ptr<DistNode> dist;
  Here() {
    DistOptions o;
    o.name = "t";
    o.heartbeat = 50ms;
    o.down_after = 1000ms;
    o.max_frame = 64 * 1024;
    dist = std::make_unique<DistNode>(node, o);
  }
  bool up_with(const std::string& n, uint64_t inc) {
    return eventually([&] {
      for (auto& p : dist->peers())
        if (p.name == n && p.incarnation == inc && p.up) return true;
      return false;
    });
  }
  // Starts node process `name` on loopback, peering with this node (and the given extra arguments), and
  // waits until this node sees it up.
  bool start(Child& c, const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--name", name, "--bind", "tcp://127.0.0.1:0", "--peer", "t=" + dist->address()};
    args.insert(args.end(), extra.begin(), extra.end());
    return c.start(args) && up_with(name, c.inc);
  }
  template <class R, class F>
  R in_fiber(F fn) {
    return fnd::dist::test::in_fiber<R>(node, fn);
  }
  // The sink report of node n.
  std::string report(const std::string& n) { return fnd::dist::test::ask(node, *dist, n, "sink", "report"); }
};
}  // namespace

TEST_CASE("remote send and call, and a monitor that fires when the node process is killed") {
  Here t;
  REQUIRE(t.dist->error() == nullptr);
  Child b;
  REQUIRE(t.start(b, "b"));
  std::promise<void> monitoring;
  auto monitoring_f = monitoring.get_future();
  struct Out {
    std::string echo_pid, call, down;
  };
  auto out = std::async(std::launch::async, [&] {
    return t.in_fiber<Out>([&](Process& p) {
      Out o;
      t.dist->send("b", "echo", std::string("hello"));
      auto hello = p.receive_for<std::string>(5s);
      Pid echo = p.sender();
      o.echo_pid = hello ? echo.to_string() : "no reply";
      auto r = p.call<int64_t>(echo, int64_t{41}, 5s);
      o.call = r ? std::to_string(*r) : r.error().to_string();
      auto ref = p.monitor(echo);
      (void)p.call<int64_t>(echo, int64_t{0}, 5s);  // the monitor has reached b
      monitoring.set_value();
      p.receive_select_for(15s, on<Down>([&](Down& d) {
                             if (d.ref == ref) o.down = d.reason.to_string();
                           }));
      return o;
    });
  });
  monitoring_f.wait();
  b.kill9();
  Out o = out.get();
  INFO("echo pid " << o.echo_pid);
  CHECK(o.echo_pid != "no reply");
  CHECK(o.call == "41");
  CHECK(o.down.find("noconnection") != std::string::npos);
}

TEST_CASE("kill and restart a node: exact streams before and after, no duplicates from the old link") {
  Here t;
  Child b;
  REQUIRE(t.start(b, "b"));
  const int64_t n = 20000;
  for (int64_t i = 1; i <= n; ++i) REQUIRE(t.dist->send("b", "sink", i));
  CHECK(t.report("b") == "count=20000 first=1 last=20000 errors=0");
  std::string addr = b.address;
  uint64_t old_inc = b.inc;
  b.kill9();
  Child b2;  // same name, same address, new incarnation
  REQUIRE(b2.start({"--name", "b", "--bind", addr, "--peer", "t=" + t.dist->address()}));
  CHECK(b2.inc != old_inc);
  REQUIRE(t.up_with("b", b2.inc));
  for (int64_t i = n + 1; i <= 2 * n; ++i) REQUIRE(t.dist->send("b", "sink", i));
  CHECK(t.report("b") == "count=20000 first=20001 last=40000 errors=0");
}

TEST_CASE("garbage frames from a raw ZeroMQ socket are counted and hurt nobody") {
  Here t;
  Child b;
  REQUIRE(t.start(b, "b"));
  zmq::context_t ctx;
  std::mt19937_64 rng(99);
  for (const std::string& target : {t.dist->address(), b.address}) {
    zmq::socket_t s(ctx, zmq::socket_type::dealer);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::routing_id, "fuzz");
    s.connect(target);
    for (int i = 0; i < 3000; ++i) {
      std::string f;
      if (i % 3 == 0) {  // random bytes
        f.resize(rng() % 100);
      } else {  // a valid header (any kind, batches most often) with a random body and random fields
        wire::Header h{static_cast<wire::Kind>(i % 2 ? 6 : 1 + rng() % 6), static_cast<uint32_t>(rng() % 3),
                       1 + rng() % 5, (i % 4 == 1) ? 0 : rng(), rng() % 4, rng() % 4};
        f.resize(wire::kHeaderSize + rng() % 60);
        wire::write_header(f.data(), h);
      }
      for (size_t k = (i % 3 == 0 ? 0 : wire::kHeaderSize); k < f.size(); ++k) f[k] = static_cast<char>(rng());
      if (i % 3 != 0 && f.size() > wire::kHeaderSize + 4 && rng() % 2) {  // a plausible batch start
        f[wire::kHeaderSize] = static_cast<char>(1 + rng() % 3);            // count
        f[wire::kHeaderSize + 1] = static_cast<char>(2 + rng() % 3);        // kind data/signal/nodes
        f[wire::kHeaderSize + 2] = static_cast<char>(rng() % 64);           // length
      }
      s.send(zmq::buffer(f), zmq::send_flags::none);
    }
    std::string big(100 * 1024, 'x');  // over t's max_frame (64 KiB)
    s.send(zmq::buffer(big), zmq::send_flags::none);
    s.send(zmq::str_buffer("part1"), zmq::send_flags::sndmore);  // a multipart message
    s.send(zmq::str_buffer("part2"), zmq::send_flags::none);
    std::this_thread::sleep_for(300ms);
  }
  REQUIRE(eventually([&] { return t.dist->stats().malformed > 500; }));
  CHECK(t.dist->stats().oversized >= 1);
  // Both nodes still work.
  std::string r = t.in_fiber<std::string>([&](Process& p) {
    t.dist->send("b", "echo", std::string("still there?"));
    auto s = p.receive_for<std::string>(5s);
    if (!s) return std::string("no reply");
    auto v = p.call<int64_t>(p.sender(), int64_t{7}, 5s);
    return v ? *s + " " + std::to_string(*v) : v.error().to_string();
  });
  CHECK(r == "still there? 7");
  CHECK(t.report("b") == "count=0 first=0 last=0 errors=0");
}

TEST_CASE("TCP connections cut under a stream: ZeroMQ reconnects, the links resend, nothing lost or doubled") {
  Here t;
  TcpCutter relay;  // t's connection to b goes through the relay, which the test cuts
  int port = TcpCutter::free_port();
  Child b;
  REQUIRE(b.start({"--name", "b", "--bind", "tcp://127.0.0.1:" + std::to_string(port), "--advertise",
                   relay.address(), "--peer", "t=" + t.dist->address()}));
  relay.start(port);
  t.dist->connect("b", relay.address());
  REQUIRE(t.up_with("b", b.inc));
  const int64_t n = 100000;
  std::atomic<bool> sending{true};
  std::thread sender([&] {
    for (int64_t i = 1; i <= n; ++i) t.dist->send("b", "sink", i);
    sending = false;
  });
  int cuts = 0;
  while (sending || cuts == 0) {  // cut again and again while the stream is in flight
    std::this_thread::sleep_for(10ms);
    relay.cut();
    ++cuts;
  }
  sender.join();
  CHECK(t.report("b") == "count=100000 first=1 last=100000 errors=0");
  INFO("cuts " << cuts << " connections cut " << relay.cuts() << " frames resent " << t.dist->stats().resent);
  CHECK(relay.cuts() >= 1);
  CHECK(t.dist->is_up("b"));
}

TEST_CASE("three nodes: killing one fires only its monitors; the other keeps answering") {
  Here t;
  Child b, c;
  REQUIRE(t.start(b, "b"));
  REQUIRE(t.start(c, "c", {"--peer", "b=" + b.address}));
  std::promise<void> monitoring;
  auto monitoring_f = monitoring.get_future();
  struct Out {
    std::string down_b, down_c, c_after;
  };
  auto out = std::async(std::launch::async, [&] {
    return t.in_fiber<Out>([&](Process& p) {
      Out o;
      auto echo_of = [&](const char* n) {
        t.dist->send(n, "echo", std::string("hi"));
        (void)p.receive_for<std::string>(5s);
        return p.sender();
      };
      Pid eb = echo_of("b"), ec = echo_of("c");
      auto rb = p.monitor(eb);
      auto rc = p.monitor(ec);
      (void)p.call<int64_t>(eb, int64_t{0}, 5s);
      (void)p.call<int64_t>(ec, int64_t{0}, 5s);
      monitoring.set_value();
      p.receive_select_for(15s, on<Down>([&](Down& d) {
                             if (d.ref == rb) o.down_b = d.reason.to_string();
                             if (d.ref == rc) o.down_c = d.reason.to_string();
                           }));
      auto v = p.call<int64_t>(ec, int64_t{3}, 5s);
      o.c_after = v ? std::to_string(*v) : v.error().to_string();
      // Nothing else arrives for c's monitor.
      p.receive_select_for(300ms, on<Down>([&](Down& d) {
                             if (d.ref == rc) o.down_c = d.reason.to_string();
                           }));
      return o;
    });
  });
  monitoring_f.wait();
  b.kill9();
  Out o = out.get();
  CHECK(o.down_b.find("noconnection") != std::string::npos);
  CHECK(o.down_c.empty());
  CHECK(o.c_after == "3");
  CHECK(t.report("c") == "count=0 first=0 last=0 errors=0");
}

TEST_CASE("a request context crosses two hops between node processes (t -> b -> c, and back to t)") {
  Here t;
  Child b, c;
  REQUIRE(t.start(b, "b"));
  REQUIRE(t.start(c, "c", {"--peer", "b=" + b.address}));
  auto ctx = RequestContext::start(RequestContext::new_correlation_id()).with("tenant", "acme");
  struct Out {
    std::string seen_at_c;
    uint64_t corr_here = 0;  // the context of c's report, as this node received it (a third hop)
  };
  Out o = t.in_fiber<Out>([&](Process& p) {
    (void)t.node.register_name("ctxseen", p.self());
    set_request_context(ctx);
    t.dist->send("b", "ctx", std::string("fwd c t"));
    set_request_context(RequestContext());
    Out r;
    auto s = p.receive_for<std::string>(5s);
    r.seen_at_c = s ? *s : "nothing";
    r.corr_here = current_request_context().correlation_id();
    return r;
  });
  CHECK(o.seen_at_c == "corr=" + std::to_string(ctx.correlation_id()) + " tp=" + std::string(ctx.traceparent()) +
                           " tenant=acme");
  CHECK(o.corr_here == ctx.correlation_id());
  CHECK(t.dist->stats().bad_context == 0);
}

TEST_CASE("a secured cluster: a member with the cluster keys works, a node without keys is refused") {
  char dir_tmpl[] = "/tmp/fnd-dist-keys-XXXXXX";
  REQUIRE(mkdtemp(dir_tmpl));
  std::string dir = dir_tmpl;
  auto keys = security::writeNewKeyPairFiles(dir + "/cluster", false);
  struct Cleanup {
    std::string d;
    ~Cleanup() { std::filesystem::remove_all(d); }
  } cleanup{dir};

  Node node{{.threads = 2, .name = "t", .log_level = log::Level::error}};
  DistOptions o;
  o.name = "t";
  o.heartbeat = 50ms;
  o.down_after = 1000ms;
  security::SecuritySettings settings;  // (a designated initializer warns of the fields left out)
  settings.clusterKeyFile = keys.secretFile;
  o.security = security::ClusterSecurity::load(settings);
  DistNode t(node, o);
  REQUIRE(!t.error());
  REQUIRE(t.security_stats().has_value());

  Child member, stranger;
  REQUIRE(member.start({"--name", "m", "--bind", "tcp://127.0.0.1:0", "--cluster-key", keys.secretFile, "--peer",
                        "t=" + t.address()}));
  REQUIRE(stranger.start({"--name", "s", "--bind", "tcp://127.0.0.1:0", "--peer", "t=" + t.address()}));
  REQUIRE(eventually([&] { return t.is_up("m"); }));
  CHECK(fnd::dist::test::ask(node, t, "m", "echo", "over curve") == "over curve");
  // The stranger's connection attempts are refused at the handshake and counted; it never comes up.
  REQUIRE(eventually([&] { return t.security_stats()->refusals() > 0; }));
  std::this_thread::sleep_for(300ms);
  CHECK(!t.is_up("s"));
  for (auto& p : t.peers()) CHECK(p.name != "s");
  auto st = t.security_stats();
  INFO("admitted " << st->admitted << " inbound handshake failures " << st->inboundHandshakeFailures);
  CHECK(st->admitted >= 1);
  CHECK(t.stats().malformed == 0);
}

TEST_CASE("membership across processes: three nodes join through one seed and converge; a killed one is detected") {
  std::mutex mu;  // before the node: its subscriber runs until it stops
  std::optional<std::chrono::steady_clock::time_point> c_down;
  std::string c_down_reason;
  Node node{{.threads = 2, .name = "t", .log_level = log::Level::warning}};
  DistOptions o;
  o.name = "t";
  o.heartbeat = 50ms;
  o.down_after = 0ms;  // membership is the only failure detector here (its default parameters)
  o.membership = membership::Config{};
  DistNode t(node, o);
  REQUIRE(!t.error());
  t.subscribe([&](const NodeEvent& e) {
    std::lock_guard<std::mutex> l(mu);
    if (e.kind == NodeEventKind::down && e.node == "c" && !c_down) {
      c_down = std::chrono::steady_clock::now();
      c_down_reason = e.reason;
    }
  });
  Child b, c;
  auto args = [&](const char* n) {
    return std::vector<std::string>{"--name", n, "--bind", "tcp://127.0.0.1:0", "--down-after", "0", "--membership",
                                    "on", "--seed", "t=" + t.address()};
  };
  REQUIRE(b.start(args("b")));
  REQUIRE(c.start(args("c")));
  auto alive_here = [&] { return fnd::dist::test::alive_members(t); };
  auto view_of = [&](const char* n) { return fnd::dist::test::ask(node, t, n, "view", "?", 2s); };
  auto start = std::chrono::steady_clock::now();
  REQUIRE(eventually([&] { return alive_here() == "b,c" && view_of("b") == "c,t" && view_of("c") == "b,t"; }));
  auto converged_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  // A global name registered in process c, found and called from here.
  REQUIRE(eventually([&] { return bool(t.whereis_global("c.echo")); }));
  CHECK(fnd::dist::test::in_fiber<int64_t>(node, [&](Process& p) {
          auto v = p.call<int64_t>(t.whereis_global("c.echo"), int64_t{5}, 5s);
          return v ? *v : -1;
        }) == 5);
  auto killed = std::chrono::steady_clock::now();
  c.kill9();
  REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> l(mu);
    return c_down.has_value();
  }));
  // b saw it too (its own timers), and still answers.
  CHECK(eventually([&] { return view_of("b") == "t"; }, 5s));
  std::lock_guard<std::mutex> l(mu);
  auto detect_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*c_down - killed).count();
  std::printf("membership (3 processes, default Config): converged in %lld ms; killed node detected in %lld ms\n",
              static_cast<long long>(converged_ms), static_cast<long long>(detect_ms));
  CHECK(c_down_reason.find("SWIM") != std::string::npos);
  // Its global name goes with it.
  CHECK(eventually([&] { return !t.whereis_global("c.echo"); }, 5s));
}
