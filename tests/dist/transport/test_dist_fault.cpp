// Whole nodes in one process over the fault-injecting transport: the reliable links keep streams exact
// under drops, duplicates, reordering and short partitions; long partitions and restarts fire remote
// monitors and links with noconnection; location-transparent send / call / monitor / link.
// Catch2 assertions stay on the main thread (processes report through TestState).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "fnd/dist/dist.hpp"
#include "fnd/dist/fault_transport.hpp"
#include "fnd/dist/types.hpp"
#include "fnd/dist/wire.hpp"
#include "fnd/fnd.hpp"
#include "fnd/lang/codec.hpp"
#include "eventually.hpp"
#include "remote_ask.hpp"

using namespace fnd;
using namespace fnd::dist;
using fnd::dist::test::alive_members;
using fnd::dist::test::eventually;
using namespace std::chrono_literals;

namespace {
struct Stream {  // what a sink saw
  std::mutex mu;
  std::vector<int64_t> got;
  size_t size() {
    std::lock_guard<std::mutex> l(mu);
    return got.size();
  }
  bool exact(int64_t from, int64_t n) {
    std::lock_guard<std::mutex> l(mu);
    if (got.size() != static_cast<size_t>(n)) return false;
    for (int64_t i = 0; i < n; ++i)
      if (got[i] != from + i) return false;
    return true;
  }
};

struct Sink : Actor {
  explicit Sink(Stream* s) : s(s) {}
  Stream* s;
  void on_message(Message& m) override {
    if (m.is<int64_t>()) {
      std::lock_guard<std::mutex> l(s->mu);
      s->got.push_back(m.get<int64_t>());
    }
  }
};

struct Echo : Actor {
  void on_message(Message& m) override {
    if (m.is<int64_t>()) reply(m.get<int64_t>());
    else if (m.is<std::string>()) reply(m.get<std::string>());
  }
};

DistOptions opts(const char* name, std::chrono::milliseconds down_after = 1500ms, size_t window = 256) {
  DistOptions o;
  o.name = name;
  o.bind = std::string("fault://") + name;
  o.heartbeat = 20ms;
  o.resend_after = 40ms;
  o.down_after = down_after;
  o.window = window;
  return o;
}

struct Pair {
  FaultNet net{42};
  Node na{{.threads = 2, .name = "a"}};
  Node nb{{.threads = 2, .name = "b"}};
  std::unique_ptr<DistNode> a, b;
  Stream stream;
  Pid sink, echo;
  explicit Pair(FaultRules rules = {}, std::chrono::milliseconds down_after = 1500ms) {
    net.set_rules(rules);
    a = std::make_unique<DistNode>(na, opts("a", down_after), net.make_transport());
    b = std::make_unique<DistNode>(nb, opts("b", down_after), net.make_transport());
    sink = nb.spawn<Sink>(&stream);
    echo = nb.spawn<Echo>();
    (void)nb.register_name("sink", sink);
    (void)nb.register_name("echo", echo);
    a->connect("b", b->address());
  }
  bool up() { return eventually([&] { return a->is_up("b") && b->is_up("a"); }); }
};

// A fiber on node a: gets echo's pid from a reply, then runs fn(process, echo pid) and reports.
template <class R, class F>
R on_a(Pair& p, F fn) {
  std::promise<R> done;
  auto fut = done.get_future();
  p.na.spawn_fiber([&](Process& self) {
    p.a->send("b", "echo", std::string("hello"));
    auto m = self.receive_for(5s);
    Pid echo = m ? (*m)->sender() : Pid();
    done.set_value(fn(self, echo));
  });
  return fut.get();
}
}  // namespace

TEST_CASE("nodes meet: up on both sides, peers listed") {
  Pair p;
  REQUIRE(p.up());
  auto peers = p.a->peers();
  REQUIRE(peers.size() == 1);
  CHECK(peers[0].name == "b");
  CHECK(peers[0].incarnation == p.b->incarnation());
  CHECK(p.a->incarnation() != p.b->incarnation());
}

TEST_CASE("remote send and call through a remote pid (location transparency)") {
  Pair p;
  REQUIRE(p.up());
  struct Out {
    bool remote = false;
    int64_t answer = 0;
    std::string err;
    std::string pid;
  };
  Out o = on_a<Out>(p, [](Process& self, Pid echo) {
    Out r;
    r.remote = echo && echo.node() != self.self().node();
    r.pid = echo.to_string();
    auto v = self.call<int64_t>(echo, int64_t{41}, 5s);
    if (v) r.answer = *v;
    else r.err = v.error().to_string();
    return r;
  });
  INFO(o.pid << " " << o.err);
  CHECK(o.remote);
  CHECK(o.answer == 41);
}

TEST_CASE("a stream through drops, duplicates and reordering arrives exactly once, in order") {
  Pair p(FaultRules{.drop = 0.15, .duplicate = 0.15, .reorder = 0.15});
  REQUIRE(p.up());
  const int64_t n = 4000;
  for (int64_t i = 0; i < n; ++i) REQUIRE(p.a->send("b", "sink", i));
  REQUIRE(eventually([&] { return p.stream.size() >= static_cast<size_t>(n); }, 30s));
  std::this_thread::sleep_for(100ms);  // late duplicates would show up now
  CHECK(p.stream.exact(0, n));
  auto s = p.b->stats();
  auto c = p.net.counters();
  INFO("dropped " << c.dropped << " duplicated " << c.duplicated << " reordered " << c.reordered);
  CHECK(c.dropped > 0);
  CHECK(c.duplicated > 0);
  CHECK(s.duplicates > 0);  // the receiver saw and discarded duplicates
  CHECK(p.a->stats().resent > 0);
}

namespace {
// A batch frame forged in a's name for b's live link: `entries` are (kind byte, body) and `count` the
// count written (it may lie); `tail` is appended after the entries.
zmq::message_t forged_batch(Pair& p, uint64_t first_seq, uint64_t count,
                            const std::vector<std::pair<uint8_t, std::string>>& entries, const std::string& tail) {
  std::string body(10, '\0');
  body.resize(wire::put_varint(body.data(), count) - body.data());
  for (auto& [k, b] : entries) {
    std::string e(wire::batch_entry_size(b.size()), '\0');
    wire::put_batch_entry(e.data(), static_cast<wire::Kind>(k), b, {});
    body += e;
  }
  body += tail;
  zmq::message_t f(wire::kHeaderSize + body.size());
  wire::write_header(static_cast<char*>(f.data()),
                     wire::Header{wire::Kind::batch, 1, p.a->incarnation(), p.b->incarnation(), first_seq, 0});
  std::memcpy(static_cast<char*>(f.data()) + wire::kHeaderSize, body.data(), body.size());
  return f;
}
}  // namespace

TEST_CASE("malformed batch frames on a live link are refused whole and counted; the stream stays exact") {
  Pair p;
  REQUIRE(p.up());
  const int64_t n = 600;
  for (int64_t i = 0; i < n / 2; ++i) REQUIRE(p.a->send("b", "sink", i));
  REQUIRE(eventually([&] { return p.stream.size() >= static_cast<size_t>(n / 2); }));
  // A well-formed data message to the sink carrying -1, which must never be delivered: each forged
  // batch starts with it and is broken further on.
  wire::DataBody d;
  d.to_name = true;
  d.receiver_name = "sink";
  d.type_id = type_id_of("int");
  lang::Writer w;
  w.put(int64_t{-1});
  std::string poison = wire::encode_data_body(d) + w.bytes();
  uint8_t data = static_cast<uint8_t>(wire::Kind::data);
  std::vector<zmq::message_t> forged;
  uint64_t malformed_before = p.b->stats().malformed;
  // Every seq around the link's next one (session 1, no other traffic: about n/2 + 2).
  for (uint64_t seq = 1; seq <= 2 * n; ++seq) {
    switch (seq % 6) {
      case 0: forged.push_back(forged_batch(p, seq, 2, {{data, poison}, {1, "x"}}, "")); break;  // heartbeat inside
      case 1: forged.push_back(forged_batch(p, seq, 2, {{data, poison}, {6, "x"}}, "")); break;  // batch inside
      case 2: forged.push_back(forged_batch(p, seq, 3, {{data, poison}, {data, poison}}, "")); break;  // count lies
      case 3: forged.push_back(forged_batch(p, seq, 1, {{data, poison}}, "junk")); break;          // trailing bytes
      case 4: forged.push_back(forged_batch(p, seq, 2, {{data, poison}}, "\x02\x7f")); break;      // length past end
      default: forged.push_back(forged_batch(p, seq, 0, {}, "")); break;                          // empty batch
    }
  }
  size_t count = forged.size();
  for (auto& f : forged) p.net.route("a", "b", p.b->address(), std::move(f));
  REQUIRE(eventually([&] { return p.b->stats().malformed >= malformed_before + count; }));
  for (int64_t i = n / 2; i < n; ++i) REQUIRE(p.a->send("b", "sink", i));
  REQUIRE(eventually([&] { return p.stream.size() >= static_cast<size_t>(n); }));
  std::this_thread::sleep_for(50ms);
  CHECK(p.stream.exact(0, n));  // no -1, nothing lost or doubled
  CHECK(p.b->stats().malformed == malformed_before + count);
  CHECK(p.a->is_up("b"));
  CHECK(p.b->is_up("a"));
}

TEST_CASE("batches through drops, duplicates and reordering: a stream from several threads arrives exact per sender") {
  Pair p(FaultRules{.drop = 0.1, .duplicate = 0.1, .reorder = 0.2});
  REQUIRE(p.up());
  // Four threads send at once, so the network thread finds many messages per wake-up (large batches);
  // each thread's values are a contiguous range, and per-sender order must hold.
  const int64_t per = 2000;
  std::vector<std::thread> senders;
  for (int64_t t = 0; t < 4; ++t)
    senders.emplace_back([&, t] {
      for (int64_t i = 0; i < per; ++i) p.a->send("b", "sink", t * per + i);
    });
  for (auto& s : senders) s.join();
  REQUIRE(eventually([&] { return p.stream.size() >= static_cast<size_t>(4 * per); }, 30s));
  std::this_thread::sleep_for(100ms);
  std::vector<int64_t> got;
  {
    std::lock_guard<std::mutex> l(p.stream.mu);
    got = p.stream.got;
  }
  REQUIRE(got.size() == static_cast<size_t>(4 * per));
  std::vector<int64_t> next{0, per, 2 * per, 3 * per};
  for (int64_t v : got) {
    int64_t t = v / per;
    REQUIRE((t >= 0 && t < 4));
    REQUIRE(v == next[t]);  // in order per sender, none missing or doubled
    ++next[t];
  }
  auto s = p.a->stats();
  INFO("frames out " << s.frames_out << " resent " << s.resent);
  CHECK(s.resent > 0);
  CHECK(p.b->stats().duplicates > 0);
}

namespace {
struct PaddedSink : Actor {  // records the number in front of "<n>:<padding>"
  explicit PaddedSink(Stream* s) : s(s) {}
  Stream* s;
  void on_message(Message& m) override {
    if (!m.is<std::string>()) return;
    auto& v = m.get<std::string>();
    std::lock_guard<std::mutex> l(s->mu);
    s->got.push_back(std::stoll(v.substr(0, v.find(':'))));
  }
};
}  // namespace

TEST_CASE("a receiver with a smaller max_frame than the sender's batches still gets the whole stream") {
  // b refuses frames over 4 KiB; a would batch up to ~48 KiB. The refused batches go unacknowledged, the
  // resend timeout drops a's batches to one message each, and acks let them grow back.
  FaultNet net{7};
  Node na{{.threads = 2, .name = "a"}};
  Node nb{{.threads = 2, .name = "b"}};
  Stream stream;
  DistOptions ob = opts("b");
  ob.max_frame = 4096;
  DistNode a(na, opts("a"), net.make_transport());
  DistNode b(nb, ob, net.make_transport());
  (void)nb.register_name("sink", nb.spawn<PaddedSink>(&stream));
  a.connect("b", b.address());
  REQUIRE(eventually([&] { return a.is_up("b") && b.is_up("a"); }));
  const int64_t n = 2000;
  const std::string pad(100, 'x');  // ~120-byte messages: 35 of them exceed 4 KiB
  for (int64_t i = 0; i < n; ++i) REQUIRE(a.send("b", "sink", std::to_string(i) + ":" + pad));
  REQUIRE(eventually([&] { return stream.size() >= static_cast<size_t>(n); }, 30s));
  std::this_thread::sleep_for(50ms);
  CHECK(stream.exact(0, n));
  INFO("oversized " << b.stats().oversized << " resent " << a.stats().resent << " frames " << a.stats().frames_out);
  CHECK(b.stats().oversized > 0);  // batches over b's limit were sent and refused
  CHECK(a.stats().frames_out < static_cast<uint64_t>(n));  // and the stream still travelled batched
}

// The receiving network thread holds a batch's data messages back and hands them over in one burst: a
// signal from the same sender (here an exit signal, trapped) must still come after the data sent before it.
TEST_CASE("data sent before an exit signal arrives before it (same sender, across nodes)") {
  Pair p;
  REQUIRE(p.up());
  const int64_t n = 500;
  for (int round = 0; round < 3; ++round) {  // several tries: the ints and the signal share a batch or not
    std::promise<std::pair<int64_t, bool>> seen;  // ints before the Exit, and whether they were in order
    auto seen_f = seen.get_future();
    Pid rec = p.nb.spawn_fiber([&seen](Process& self) {
      self.trap_exit(true);
      int64_t count = 0;
      bool in_order = true, done = false;
      while (!done) {
        bool got = self.receive_select_for(10s, on<int64_t>([&](int64_t v) { in_order &= v == count++; }),
                                           on<std::string>([&](std::string&) { self.reply(std::string("here")); }),
                                           on<Exit>([&](Exit&) { done = true; }));
        if (!got) break;
      }
      seen.set_value({count, in_order});
    });
    std::string name = "rec" + std::to_string(round);
    REQUIRE(p.nb.register_name(name, rec).ok());
    p.na.spawn_fiber([&p, name, n](Process& self) {
      p.a->send("b", name, std::string("where"));
      auto m = self.receive_for(5s);
      if (!m) return;
      Pid to = (*m)->sender();
      for (int64_t i = 0; i < n; ++i) self.send(to, i);
      self.exit(to, ExitReason::error("test", "after the data"));
    });
    REQUIRE(seen_f.wait_for(20s) == std::future_status::ready);
    auto [count, in_order] = seen_f.get();
    CHECK(count == n);
    CHECK(in_order);
  }
}

TEST_CASE("a partition shorter than down_after loses nothing") {
  Pair p({}, 3000ms);
  REQUIRE(p.up());
  const int64_t n = 3000;
  for (int64_t i = 0; i < n / 2; ++i) REQUIRE(p.a->send("b", "sink", i));
  p.net.partition("a", "b");
  std::thread sender([&] {
    for (int64_t i = n / 2; i < n; ++i) p.a->send("b", "sink", i);  // blocks when the window is full
  });
  size_t most = 0;  // the window bounds what waits for the peer (plus one per blocked sending thread)
  for (auto until = std::chrono::steady_clock::now() + 300ms; std::chrono::steady_clock::now() < until;) {
    for (auto& i : p.a->peers()) most = std::max(most, i.outstanding);
    std::this_thread::sleep_for(2ms);
  }
  p.net.heal();
  sender.join();
  CHECK(most >= 200);
  CHECK(most <= 256 + 1);
  REQUIRE(eventually([&] { return p.stream.size() >= static_cast<size_t>(n); }, 20s));
  std::this_thread::sleep_for(50ms);
  CHECK(p.stream.exact(0, n));
  CHECK(p.a->stats().backpressure_waits > 0);  // window 256 < 1500 messages sent while cut off
  CHECK(p.a->is_up("b"));
}

TEST_CASE("a long partition: monitors get Down and trapped links Exit with noconnection; heal reconnects") {
  std::vector<NodeEvent> events;  // outlives p: its nodes report "down" to the subscriber when they stop
  std::mutex ev_mu;
  Pair p({}, 400ms);
  REQUIRE(p.up());
  p.a->subscribe([&](const NodeEvent& e) {
    std::lock_guard<std::mutex> l(ev_mu);
    events.push_back(e);
  });
  struct Out {
    std::string down_reason, exit_reason;
    bool down_pid_is_echo = false;
  };
  std::promise<void> ready;
  auto ready_f = ready.get_future();
  auto out = std::async(std::launch::async, [&] {
    return on_a<Out>(p, [&](Process& self, Pid echo) {
      Out r;
      self.trap_exit(true);
      auto ref = self.monitor(echo);
      self.link(echo);
      (void)self.call<int64_t>(echo, int64_t{1}, 5s);  // monitor and link have reached b
      ready.set_value();
      self.receive_select_for(10s, on<Down>([&](Down& d) {
                                if (d.ref == ref) {
                                  r.down_reason = d.reason.to_string();
                                  r.down_pid_is_echo = d.pid == echo;
                                }
                              }));
      self.receive_select_for(10s, on<Exit>([&](Exit& e) { r.exit_reason = e.reason.to_string(); }));
      return r;
    });
  });
  ready_f.wait();
  p.net.partition("a", "b");
  Out o = out.get();
  CHECK(o.down_reason.find("noconnection") != std::string::npos);
  CHECK(o.down_pid_is_echo);
  CHECK(o.exit_reason.find("noconnection") != std::string::npos);
  CHECK_FALSE(p.a->is_up("b"));
  // Messages to a down node are dropped, not queued without bound.
  CHECK_FALSE(p.a->send("b", "sink", int64_t{-1}));
  p.net.heal();
  REQUIRE(p.up());
  REQUIRE(p.a->send("b", "sink", int64_t{7}));
  REQUIRE(eventually([&] { return p.stream.size() == 1; }));
  CHECK(p.stream.exact(7, 1));
  // Subscribers hear of a state change just after is_up() shows it: wait for the events.
  auto saw = [&](NodeEventKind kind) {
    std::lock_guard<std::mutex> l(ev_mu);
    return std::any_of(events.begin(), events.end(), [&](const NodeEvent& e) { return e.kind == kind && e.node == "b"; });
  };
  CHECK(eventually([&] { return saw(NodeEventKind::down); }));
  CHECK(eventually([&] { return saw(NodeEventKind::up); }));
}

TEST_CASE("a restarted peer is a new node: old pids get noconnection, the new incarnation is reachable") {
  Pair p;
  REQUIRE(p.up());
  uint64_t old_inc = p.b->incarnation();
  std::promise<void> ready;
  auto ready_f = ready.get_future();
  auto out = std::async(std::launch::async, [&] {
    return on_a<std::string>(p, [&](Process& self, Pid echo) {
      auto ref = self.monitor(echo);
      (void)self.call<int64_t>(echo, int64_t{1}, 5s);
      ready.set_value();
      std::string why;
      self.receive_select_for(10s, on<Down>([&](Down& d) {
                                if (d.ref == ref) why = d.reason.to_string();
                              }));
      return why;
    });
  });
  ready_f.wait();
  p.b.reset();  // node b leaves ...
  p.b = std::make_unique<DistNode>(p.nb, opts("b"), p.net.make_transport());  // ... and comes back
  CHECK(p.b->incarnation() != old_inc);
  std::string why = out.get();
  CHECK(why.find("noconnection") != std::string::npos);
  REQUIRE(eventually([&] {
    for (auto& i : p.a->peers())
      if (i.name == "b" && i.incarnation == p.b->incarnation() && i.up) return true;
    return false;
  }));
  REQUIRE(p.a->send("b", "sink", int64_t{5}));
  REQUIRE(eventually([&] { return p.stream.size() == 1; }));
  CHECK(p.stream.exact(5, 1));
}

TEST_CASE("unregistered message types are refused at the sender, unknown names answer calls") {
  Pair p;
  REQUIRE(p.up());
  struct Unregistered {
    int x;
  };
  CHECK_FALSE(p.a->send("b", "sink", Unregistered{1}));
  CHECK(p.a->stats().unserializable == 1);
  CHECK_FALSE(p.a->send("nowhere", "sink", int64_t{1}));
  std::string err = on_a<std::string>(p, [&](Process& self, Pid echo) {
    // A call to a remote pid that never existed on b: noproc from b, not a timeout.
    p.a->send("b", "nobody", int64_t{1});
    auto r = self.call<int64_t>(echo, std::string("x"), 5s);  // echo replies a string: badreply
    return r ? std::string("ok") : r.error().code;
  });
  CHECK(err == errc::badreply);
  REQUIRE(eventually([&] { return p.b->stats().no_receiver >= 1; }));
}

namespace {
struct PidMsg {  // a message with a pid inside its payload
  Ref who;
  std::string tag;
};
struct Relay : Actor {
  Pid back;
  void on_message(Message& m) override {
    if (m.is<PidMsg>()) {
      auto& p = m.get<PidMsg>();
      if (p.tag == "ping") {  // answer the pid in the payload; tell whether it is the sender's proxy
        send(p.who.pid(), int64_t{p.who.pid() == sender() ? 142 : 42});
      } else {  // a third node's pid: talk to it, then report back
        back = sender();
        send(p.who.pid(), int64_t{7});
      }
    } else if (m.is<int64_t>()) {
      send(back, m.get<int64_t>() + 1000);
    }
  }
};
}  // namespace

TEST_CASE("pids inside payloads are translated: our own, and a third node's") {
  REQUIRE(register_message<PidMsg>(
      "test.PidMsg",
      [](const PidMsg& m, lang::Writer& w) {
        w.put(m.who);
        w.put(m.tag);
      },
      [](lang::Reader& r) {
        PidMsg m;
        r.get(m.who);
        r.get(m.tag);
        return m;
      }));
  FaultNet net(7);
  Node na{{.threads = 2, .name = "a"}}, nb{{.threads = 2, .name = "b"}}, nc{{.threads = 2, .name = "c"}};
  DistNode a(na, opts("a"), net.make_transport());
  DistNode b(nb, opts("b"), net.make_transport());
  DistNode c(nc, opts("c"), net.make_transport());
  (void)nb.register_name("relay", nb.spawn<Relay>());
  (void)nc.register_name("echo", nc.spawn<Echo>());
  a.connect("b", b.address());
  a.connect("c", c.address());
  b.connect("c", c.address());
  REQUIRE(eventually([&] { return a.is_up("b") && a.is_up("c") && b.is_up("c") && b.is_up("a"); }));
  std::promise<std::pair<int64_t, int64_t>> done;
  auto f = done.get_future();
  na.spawn_fiber([&](Process& p) {
    a.send("b", "relay", PidMsg{Ref(p.self()), "ping"});
    auto own = p.receive_for<int64_t>(5s);
    a.send("c", "echo", std::string("hi"));
    (void)p.receive_for<std::string>(5s);
    Pid c_echo = p.sender();
    a.send("b", "relay", PidMsg{Ref(c_echo), "fwd"});
    auto third = p.receive_for<int64_t>(5s);
    done.set_value({own.value_or(-1), third.value_or(-1)});
  });
  auto [own, third] = f.get();
  CHECK(own == 142);     // b decoded our pid as the same proxy as the frame's sender
  CHECK(third == 1007);  // b reached c's echo through a pid that a put in the payload
}

namespace {
// What the last hop saw of the request context.
struct SeenContext {
  std::mutex mu;
  bool got = false;
  uint64_t corr = 0;
  std::string traceparent, tenant;
};
struct ContextProbe : Actor {
  explicit ContextProbe(SeenContext* s) : s(s) {}
  SeenContext* s;
  void on_message(Message&) override {
    auto c = current_request_context();
    std::lock_guard<std::mutex> l(s->mu);
    s->got = true;
    s->corr = c.correlation_id();
    s->traceparent = std::string(c.traceparent());
    s->tenant = std::string(c.get("tenant").value_or(""));
  }
};
// On node b: passes what it gets on to c's probe, by a plain send (no context passed by hand).
struct Forwarder : Actor {
  explicit Forwarder(DistNode* d) : d(d) {}
  DistNode* d;
  void on_message(Message& m) override {
    if (m.is<int64_t>()) d->send("c", "probe", m.get<int64_t>() + 1);
  }
};
}  // namespace

TEST_CASE("a request context crosses two hops (a -> b -> c) under drops and duplicates") {
  FaultRules rules;
  rules.drop = 0.1;
  rules.duplicate = 0.1;
  FaultNet net(13);
  net.set_rules(rules);
  Node na{{.threads = 2, .name = "a"}}, nb{{.threads = 2, .name = "b"}}, nc{{.threads = 2, .name = "c"}};
  DistNode a(na, opts("a"), net.make_transport());
  DistNode b(nb, opts("b"), net.make_transport());
  DistNode c(nc, opts("c"), net.make_transport());
  SeenContext seen;
  (void)nb.register_name("fwd", nb.spawn<Forwarder>(&b));
  (void)nc.register_name("probe", nc.spawn<ContextProbe>(&seen));
  a.connect("b", b.address());
  b.connect("c", c.address());
  REQUIRE(eventually([&] { return a.is_up("b") && b.is_up("c"); }));
  auto ctx = RequestContext::start(RequestContext::new_correlation_id()).with("tenant", "acme");
  {
    ContextScope scope(ctx);
    REQUIRE(a.send("b", "fwd", int64_t{1}));
  }
  REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> l(seen.mu);
    return seen.got;
  }));
  std::lock_guard<std::mutex> l(seen.mu);
  CHECK(seen.corr == ctx.correlation_id());
  CHECK(seen.traceparent == ctx.traceparent());
  CHECK(seen.tenant == "acme");
  CHECK(a.stats().bad_context + b.stats().bad_context + c.stats().bad_context == 0);
}

TEST_CASE("incarnations grow across restarts of a node (membership relies on it)") {
  FaultNet net(3);
  Node n{{.threads = 1, .name = "r"}};
  uint64_t prev = 0;
  for (int i = 0; i < 5; ++i) {
    DistNode d(n, opts("r"), net.make_transport());
    CHECK(d.incarnation() > prev);
    prev = d.incarnation();
  }
}

namespace {
DistOptions swim_opts(const char* name, std::vector<std::pair<std::string, std::string>> seeds) {
  DistOptions o = opts(name, 0ms);  // membership is the only failure detector here
  o.membership = membership::Config{};
  o.seeds = std::move(seeds);
  return o;
}
}  // namespace

TEST_CASE("membership in DistNode: two nodes join through one seed, meet, and a stopped node is declared down") {
  std::mutex mu;  // before the nodes: their subscribers run until they stop
  std::vector<NodeEvent> at_b;
  FaultNet net(21);
  Node na{{.threads = 1, .name = "a"}}, nb{{.threads = 1, .name = "b"}}, nc{{.threads = 1, .name = "c"}};
  DistNode a(na, swim_opts("a", {}), net.make_transport());
  DistNode b(nb, swim_opts("b", {{"a", "fault://a"}}), net.make_transport());
  auto c = std::make_unique<DistNode>(nc, swim_opts("c", {{"a", "fault://a"}}), net.make_transport());
  b.subscribe([&](const NodeEvent& e) {
    std::lock_guard<std::mutex> l(mu);
    at_b.push_back(e);
  });
  // b and c never named each other: they learn of each other through the seed and connect.
  REQUIRE(eventually([&] { return alive_members(a) == "b,c" && alive_members(b) == "a,c" && alive_members(*c) == "a,b"; }));
  REQUIRE(eventually([&] { return b.is_up("c") && c->is_up("b"); }));
  uint64_t c_inc = c->incarnation();
  net.partition("c", "*");  // c's graceful leave cannot get out: a crash as far as the others can tell
  c.reset();
  REQUIRE(eventually([&] { return !b.is_up("c") && !a.is_up("c"); }));
  // The peer is marked down before its subscribers are told (they run after its monitors and links
  // are signalled), so the event may follow is_up by a moment: wait for it rather than assume it.
  auto down_event = [&]() -> std::optional<NodeEvent> {
    std::lock_guard<std::mutex> l(mu);
    for (auto& e : at_b)
      if (e.kind == NodeEventKind::down && e.node == "c" && e.incarnation == c_inc) return e;
    return std::nullopt;
  };
  REQUIRE(eventually([&] { return down_event().has_value(); }));
  CHECK(down_event()->reason.find("SWIM") != std::string::npos);
  CHECK(a.stats().membership_unroutable + b.stats().membership_unroutable < 50);
  // SWIM suspected c before declaring it down, and subscribers heard it; no `left`.
  std::lock_guard<std::mutex> l(mu);
  auto at = [&](NodeEventKind k) {
    for (size_t i = 0; i < at_b.size(); ++i)
      if (at_b[i].kind == k && at_b[i].node == "c" && at_b[i].incarnation == c_inc) return static_cast<long>(i);
    return -1L;
  };
  CHECK(at(NodeEventKind::suspect) >= 0);
  CHECK(at(NodeEventKind::suspect) < at(NodeEventKind::down));
  CHECK(at(NodeEventKind::left) == -1);
}

namespace {
struct EventLog {  // a subscriber's events, declared before the nodes (their callbacks run until they stop)
  std::mutex mu;
  std::vector<NodeEvent> events;
  void add(const NodeEvent& e) {
    std::lock_guard<std::mutex> l(mu);
    events.push_back(e);
  }
  // Index of the first event of this kind about node/incarnation, or -1.
  long first(NodeEventKind k, const std::string& node, uint64_t inc) {
    std::lock_guard<std::mutex> l(mu);
    for (size_t i = 0; i < events.size(); ++i)
      if (events[i].kind == k && events[i].node == node && events[i].incarnation == inc) return static_cast<long>(i);
    return -1;
  }
  std::string reason(long i) {
    std::lock_guard<std::mutex> l(mu);
    return events.at(static_cast<size_t>(i)).reason;
  }
};
}  // namespace

TEST_CASE("membership in DistNode: a node that stops leaves gracefully: the others see left, then down, not a suspicion") {
  EventLog at_a, at_b;
  FaultNet net(23);
  Node na{{.threads = 1, .name = "a"}}, nb{{.threads = 1, .name = "b"}}, nc{{.threads = 1, .name = "c"}};
  // A long suspicion (S = 10 s) and no link-level detector: only the leave can make c down quickly.
  auto slow = [](const char* name, std::vector<std::pair<std::string, std::string>> seeds) {
    DistOptions o = swim_opts(name, std::move(seeds));
    o.membership->suspicion_mult = 50;
    return o;
  };
  DistNode a(na, slow("a", {}), net.make_transport());
  DistNode b(nb, slow("b", {{"a", "fault://a"}}), net.make_transport());
  auto c = std::make_unique<DistNode>(nc, slow("c", {{"a", "fault://a"}}), net.make_transport());
  a.subscribe([&](const NodeEvent& e) { at_a.add(e); });
  b.subscribe([&](const NodeEvent& e) { at_b.add(e); });
  REQUIRE(eventually([&] { return alive_members(a) == "b,c" && alive_members(b) == "a,c" && alive_members(*c) == "a,b"; }));
  REQUIRE(eventually([&] { return b.is_up("c") && a.is_up("c"); }));
  // A process on a monitors one on c: the leave fires it with noconnection, as a failure would.
  std::promise<std::string> down_reason;
  auto dr = down_reason.get_future();
  Pid echo = nc.spawn<Echo>();
  REQUIRE(c->register_global("c.echo", echo) == membership::RegisterError::none);
  REQUIRE(eventually([&] { return static_cast<bool>(a.whereis_global("c.echo")); }));
  Pid remote = a.whereis_global("c.echo");
  std::promise<void> watching;
  na.spawn_fiber([&, remote](Process& p) {
    p.monitor(remote);
    (void)p.call<int64_t>(remote, int64_t{1}, 5s);  // the monitor has reached c
    watching.set_value();
    std::string r = "no Down";
    p.receive_select_for(10s, on<Down>([&](Down& d) { r = d.reason.to_string(); }));
    down_reason.set_value(r);
  });
  watching.get_future().wait();
  const uint64_t c_inc = c->incarnation();
  c->stop();
  for (EventLog* log : {&at_a, &at_b}) {
    REQUIRE(eventually([&] { return log->first(NodeEventKind::down, "c", c_inc) >= 0; }, 5s));
    const long left = log->first(NodeEventKind::left, "c", c_inc);
    const long down = log->first(NodeEventKind::down, "c", c_inc);
    CHECK(left >= 0);
    CHECK(left < down);
    CHECK(log->reason(down) == "left the cluster");
    CHECK(log->first(NodeEventKind::suspect, "c", c_inc) == -1);
  }
  REQUIRE(dr.wait_for(5s) == std::future_status::ready);
  const std::string why = dr.get();
  CHECK(why.find("noconnection") != std::string::npos);
  CHECK(why.find("left the cluster") != std::string::npos);
  for (auto& m : a.members())
    if (m.id.name == "c") CHECK(m.status == membership::MemberStatus::left);
  c.reset();
}

TEST_CASE("global names: registered on one node, looked up, called and sent to from the others") {
  FaultNet net(22);
  Node na{{.threads = 1, .name = "a"}}, nb{{.threads = 1, .name = "b"}}, nc{{.threads = 1, .name = "c"}};
  DistNode a(na, swim_opts("a", {}), net.make_transport());
  DistNode b(nb, swim_opts("b", {{"a", "fault://a"}}), net.make_transport());
  DistNode c(nc, swim_opts("c", {{"a", "fault://a"}}), net.make_transport());
  REQUIRE(eventually([&] { return alive_members(a) == "b,c" && alive_members(b) == "a,c" && alive_members(c) == "a,b"; }));
  Stream stream;
  Pid echo = nc.spawn<Echo>();
  Pid sink = nc.spawn<Sink>(&stream);
  CHECK(c.register_global("svc.echo", echo) == membership::RegisterError::none);
  CHECK(c.register_global("svc.sink", sink) == membership::RegisterError::none);
  CHECK(c.register_global("svc.echo", sink) == membership::RegisterError::already_registered);
  CHECK(a.register_global("x", Pid()) == membership::RegisterError::invalid_name);
  // Every node resolves the names (gossip), c itself to the local pid.
  REQUIRE(eventually([&] { return a.whereis_global("svc.echo") && b.whereis_global("svc.sink"); }));
  CHECK(c.whereis_global("svc.echo") == echo);
  Pid remote_echo = a.whereis_global("svc.echo");
  CHECK(remote_echo.node() != na.id());
  std::promise<int64_t> done;
  auto f = done.get_future();
  na.spawn_fiber([&](Process& p) {
    auto v = p.call<int64_t>(a.whereis_global("svc.echo"), int64_t{7}, 5s);
    done.set_value(v ? *v : -1);
  });
  CHECK(f.get() == 7);
  for (int64_t i = 0; i < 10; ++i) CHECK(b.send_global("svc.sink", i));
  CHECK(eventually([&] { return stream.exact(0, 10); }));
  CHECK(!a.send_global("no.such.name", int64_t{1}));
  // The local lookup API finds global names too: Node::whereis, a process's whereis, Ref::name.
  CHECK(na.whereis("svc.echo") == remote_echo);
  CHECK(nb.whereis("svc.sink") == b.whereis_global("svc.sink"));
  CHECK(nc.whereis("svc.echo") == echo);  // c's own global name resolves to the local pid
  CHECK(!na.whereis("no.such.name"));
  struct ByName {
    Pid found;
    int64_t echoed = -1;
  };
  std::promise<ByName> by_name;
  auto bn = by_name.get_future();
  na.spawn_fiber([&](Process& p) {
    ByName r;
    r.found = p.whereis("svc.echo");
    auto v = p.call<int64_t>(Ref::name("svc.echo"), int64_t{8}, 5s);
    r.echoed = v ? *v : -1;
    p.send(Ref::name("svc.sink"), int64_t{10});
    by_name.set_value(r);
  });
  ByName r = bn.get();
  CHECK(r.found == remote_echo);
  CHECK(r.echoed == 8);
  CHECK(eventually([&] { return stream.exact(0, 11); }));
  nb.send(Ref::name("svc.sink"), int64_t{11});  // from outside any process
  CHECK(eventually([&] { return stream.exact(0, 12); }));
  // A local name shadows a global one on its node only, and the global one shows again once it is gone.
  Pid local_echo = na.spawn<Echo>();
  REQUIRE(na.register_name("svc.echo", local_echo));
  CHECK(na.whereis("svc.echo") == local_echo);
  CHECK(nb.whereis("svc.echo"));
  CHECK(nb.whereis("svc.echo") == b.whereis_global("svc.echo"));
  CHECK(na.unregister_name("svc.echo"));
  CHECK(na.whereis("svc.echo") == remote_echo);
  // A name-addressed message arriving from another node ({Name, Node} ! Msg) means the receiving node's own
  // local name: b has no local "svc.sink", so a's send to it on b is dropped, not forwarded to c's global one.
  const uint64_t no_receiver = b.stats().no_receiver;
  CHECK(a.send("b", "svc.sink", int64_t{99}));
  CHECK(eventually([&] { return b.stats().no_receiver > no_receiver; }));
  CHECK(stream.exact(0, 12));
  // Withdrawn: gone everywhere.
  CHECK(c.unregister_global("svc.echo"));
  CHECK(eventually([&] { return !a.whereis_global("svc.echo") && !b.whereis_global("svc.echo"); }));
  CHECK(!na.whereis("svc.echo"));
  // A stopped DistNode no longer answers: the node's lookups fall back to its local registry alone.
  REQUIRE(na.register_name("a.local", local_echo));
  a.stop();
  CHECK(!na.whereis("svc.sink"));
  CHECK(na.whereis("a.local") == local_echo);
  CHECK(nb.whereis("svc.sink") == b.whereis_global("svc.sink"));
  // Without membership there is no global registry.
  Node nd{{.threads = 1, .name = "d"}};
  DistNode d(nd, opts("d"), net.make_transport());
  CHECK(d.register_global("x", nd.spawn<Echo>()) == membership::RegisterError::not_running);
  CHECK(!d.whereis_global("svc.sink"));
  CHECK(!nd.whereis("svc.sink"));
}

TEST_CASE("global names: node.whereis racing DistNode::stop answers the pid or null, never touches a stopped node") {
  FaultNet net(24);
  Node na{{.threads = 1, .name = "a"}}, nb{{.threads = 1, .name = "b"}};
  DistNode a(na, swim_opts("a", {}), net.make_transport());
  auto b = std::make_unique<DistNode>(nb, swim_opts("b", {{"a", "fault://a"}}), net.make_transport());
  REQUIRE(eventually([&] { return alive_members(a) == "b" && alive_members(*b) == "a"; }));
  Pid echo = na.spawn<Echo>();
  REQUIRE(a.register_global("svc.echo", echo) == membership::RegisterError::none);
  REQUIRE(eventually([&] { return static_cast<bool>(b->whereis_global("svc.echo")); }));
  const Pid remote = b->whereis_global("svc.echo");  // a proxy on b (it outlives b: held proxies may)
  // Lookups from several threads while b stops and is destroyed; each answer is the remote pid or null.
  std::atomic<bool> go{true};
  std::atomic<int> found{0}, wrong{0};
  std::vector<std::thread> lookers;
  for (int t = 0; t < 3; ++t)
    lookers.emplace_back([&] {
      while (go.load()) {
        Pid p = nb.whereis("svc.echo");
        if (p) {
          found.fetch_add(1);
          if (p != remote) wrong.fetch_add(1);
        }
      }
    });
  REQUIRE(eventually([&] { return found.load() > 0; }));
  b->stop();
  b.reset();
  CHECK(!nb.whereis("svc.echo"));
  go.store(false);
  for (auto& t : lookers) t.join();
  CHECK(wrong.load() == 0);
  CHECK(!nb.whereis("svc.echo"));
}

// ---- remote monitors and links around a node's end (issue #6: "fire with reason noconnection when a
// node is declared down; a node that comes back with a new incarnation is a new node") ----

namespace {
struct Fired {  // what a monitor and a trapped link on a remote pid delivered ("" = nothing)
  std::string down, exit;
  bool requested_while_up = false;
};

// On node a: the pid of echo on b (the sender of its answer), or null.
Pid ask_echo(Process& self, DistNode& a) {
  a.send("b", "echo", std::string("hello"));
  auto m = self.receive_for(5s);
  return m ? (*m)->sender() : Pid();
}

// Sets a monitor and a trapped link on `to`, then waits up to `wait` for both to fire.
Fired monitor_and_link(Process& self, const Pid& to, std::chrono::milliseconds wait) {
  Fired f;
  self.trap_exit(true);
  MonitorRef ref = self.monitor(to);
  self.link(to);
  auto deadline = std::chrono::steady_clock::now() + wait;
  while ((f.down.empty() || f.exit.empty()) && std::chrono::steady_clock::now() < deadline)
    self.receive_select_for(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()),
        on<Down>([&](Down& d) {
          if (d.ref == ref && d.pid == to) f.down = d.reason.to_string();
        }),
        on<Exit>([&](Exit& e) {
          if (e.from == to) f.exit = e.reason.to_string();
        }));
  return f;
}

// Runs fn(process) in a fiber on node n and returns its result.
template <class R, class F>
R in_process(Node& n, F fn) {
  std::promise<R> done;
  auto fut = done.get_future();
  n.spawn_fiber([&](Process& self) { done.set_value(fn(self)); });
  return fut.get();
}

bool says_noconnection(const std::string& reason) { return reason.find("noconnection") != std::string::npos; }
}  // namespace

TEST_CASE("a monitor and a link set just before the peer is cut off (never acknowledged) fire noconnection") {
  // The requests sit in the resend buffer of a link that is still up; the peer is then declared down.
  SECTION("declared down by silence") {
    Pair p({}, 1s);  // long enough that b is surely up when the requests are made
    REQUIRE(p.up());
    Fired f = in_process<Fired>(p.na, [&](Process& self) {
      Pid echo = ask_echo(self, *p.a);
      p.net.partition("a", "b");  // from here on nothing reaches b: the requests are never acknowledged
      Fired r;
      bool up = p.a->is_up("b");
      r = monitor_and_link(self, echo, 10s);
      r.requested_while_up = up;
      return r;
    });
    CHECK(f.requested_while_up);
    INFO(f.down << " / " << f.exit);
    CHECK(says_noconnection(f.down));
    CHECK(says_noconnection(f.exit));
  }
  SECTION("declared down because it came back as a new incarnation") {
    Pair p({}, 30s);  // silence alone would take far longer than the test waits
    REQUIRE(p.up());
    std::promise<void> requested;
    auto requested_f = requested.get_future();
    auto out = std::async(std::launch::async, [&] {
      return in_process<Fired>(p.na, [&](Process& self) {
        Pid echo = ask_echo(self, *p.a);
        p.net.partition("a", "b");
        bool up = p.a->is_up("b");
        self.trap_exit(true);
        MonitorRef ref = self.monitor(echo);
        self.link(echo);
        requested.set_value();
        Fired r;
        r.requested_while_up = up;
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while ((r.down.empty() || r.exit.empty()) && std::chrono::steady_clock::now() < deadline)
          self.receive_select_for(1s, on<Down>([&](Down& d) {
                                    if (d.ref == ref) r.down = d.reason.to_string();
                                  }),
                                  on<Exit>([&](Exit& e) {
                                    if (e.from == echo) r.exit = e.reason.to_string();
                                  }));
        return r;
      });
    });
    requested_f.wait();
    p.b.reset();  // killed with the requests unacknowledged ...
    p.b = std::make_unique<DistNode>(p.nb, opts("b", 30s), p.net.make_transport());  // ... and back
    p.net.heal();
    Fired f = out.get();
    CHECK(f.requested_while_up);
    INFO(f.down << " / " << f.exit);
    CHECK(says_noconnection(f.down));
    CHECK(says_noconnection(f.exit));
  }
}

TEST_CASE("a monitor and a link and a call on a pid of a node already declared down answer at once with noconnection") {
  Pair p({}, 30s);  // only declare_down makes b down here
  REQUIRE(p.up());
  struct Out {
    Fired fired;
    std::string call_error;
  };
  Pid echo = in_process<Pid>(p.na, [&](Process& self) { return ask_echo(self, *p.a); });
  REQUIRE(echo);
  p.net.partition("a", "b");  // keeps it down (a healed link would come back up)
  p.a->declare_down("b", "test");
  REQUIRE(eventually([&] { return !p.a->is_up("b"); }));
  Out o = in_process<Out>(p.na, [&](Process& self) {
    Out r;
    r.fired = monitor_and_link(self, echo, 10s);
    auto c = self.call<int64_t>(echo, int64_t{1}, 10s);
    r.call_error = c ? "answered" : c.error().to_string();
    return r;
  });
  INFO(o.fired.down << " / " << o.fired.exit << " / " << o.call_error);
  CHECK(says_noconnection(o.fired.down));
  CHECK(says_noconnection(o.fired.exit));
  CHECK(says_noconnection(o.call_error));
}

TEST_CASE("pids of an old incarnation are unequal to the new one's and a monitor on one never reaches the new node") {
  Pair p;
  REQUIRE(p.up());
  Pid old_echo = in_process<Pid>(p.na, [&](Process& self) { return ask_echo(self, *p.a); });
  REQUIRE(old_echo);
  p.b.reset();
  p.b = std::make_unique<DistNode>(p.nb, opts("b"), p.net.make_transport());  // echo lives on, same id
  REQUIRE(eventually([&] {
    for (auto& i : p.a->peers())
      if (i.name == "b" && i.incarnation == p.b->incarnation() && i.up) return true;
    return false;
  }));
  struct Out {
    Pid fresh;
    Fired fired;
    std::string call_error;
  };
  Out o = in_process<Out>(p.na, [&](Process& self) {
    Out r;
    r.fresh = ask_echo(self, *p.a);
    r.fired = monitor_and_link(self, old_echo, 10s);
    auto c = self.call<int64_t>(old_echo, int64_t{1}, 10s);
    r.call_error = c ? "answered" : c.error().to_string();
    return r;
  });
  REQUIRE(o.fresh);
  // The same process on b, seen through two incarnations of b: two different pids on a (as in Erlang,
  // where the creation tells them apart), also in print (the node part is a's index of the incarnation).
  CHECK(o.fresh.id() == old_echo.id());
  CHECK(o.fresh != old_echo);
  CHECK(Ref(o.fresh) != Ref(old_echo));
  CHECK(o.fresh.to_string() != old_echo.to_string());
  CHECK(std::set<Pid>{o.fresh, old_echo}.size() == 2);
  // The old pid is a pid of a node that is gone: noconnection at once, never the live echo's answer.
  INFO(o.fired.down << " / " << o.fired.exit << " / " << o.call_error);
  CHECK(says_noconnection(o.fired.down));
  CHECK(says_noconnection(o.fired.exit));
  CHECK(says_noconnection(o.call_error));
}

TEST_CASE("a pid of an older incarnation passed on by a third node does not replace the live node") {
  REQUIRE(register_message<PidMsg>(
      "test.PidMsg",
      [](const PidMsg& m, lang::Writer& w) {
        w.put(m.who);
        w.put(m.tag);
      },
      [](lang::Reader& r) {
        PidMsg m;
        r.get(m.who);
        r.get(m.tag);
        return m;
      }));
  FaultNet net(11);
  Node na{{.threads = 2, .name = "a"}}, nb{{.threads = 2, .name = "b"}}, nc{{.threads = 2, .name = "c"}};
  Stream stream;
  (void)nb.register_name("echo", nb.spawn<Echo>());
  (void)nb.register_name("sink", nb.spawn<Sink>(&stream));
  DistNode a(na, opts("a"), net.make_transport());
  DistNode c(nc, opts("c"), net.make_transport());
  auto b = std::make_unique<DistNode>(nb, opts("b"), net.make_transport());
  // c meets b's first incarnation and keeps a pid of it.
  c.connect("b", b->address());
  REQUIRE(eventually([&] { return c.is_up("b"); }));
  std::promise<Pid> got;
  auto got_f = got.get_future();
  nc.spawn_fiber([&](Process& self) {
    c.send("b", "echo", std::string("hi"));
    auto m = self.receive_for(5s);
    got.set_value(m ? (*m)->sender() : Pid());
  });
  Pid old_echo = got_f.get();
  REQUIRE(old_echo);
  // b restarts; a only ever meets the new incarnation, then c.
  b.reset();
  b = std::make_unique<DistNode>(nb, opts("b"), net.make_transport());
  const uint64_t new_inc = b->incarnation();
  a.connect("b", b->address());
  REQUIRE(eventually([&] { return a.is_up("b"); }));
  a.connect("c", c.address());
  REQUIRE(eventually([&] { return a.is_up("c") && c.is_up("a"); }));
  // c passes the old pid to a process on a, which monitors it.
  struct Out {
    std::string down;
    bool got = false;
  };
  std::promise<Out> done;
  auto done_f = done.get_future();
  Pid inbox = na.spawn_fiber([&](Process& self) {
    Out r;
    auto m = self.receive_for<PidMsg>(10s);
    if (m) {
      r.got = true;
      MonitorRef ref = self.monitor(m->who.pid());
      self.receive_select_for(10s, on<Down>([&](Down& d) {
                                if (d.ref == ref) r.down = d.reason.to_string();
                              }));
    }
    done.set_value(r);
  });
  REQUIRE(na.register_name("inbox", inbox));
  REQUIRE(c.send("a", "inbox", PidMsg{Ref(old_echo), "old"}));
  Out o = done_f.get();
  CHECK(o.got);
  INFO(o.down);
  CHECK(says_noconnection(o.down));
  // The live incarnation stays current and up on a, and reachable.
  bool current = false;
  for (auto& i : a.peers())
    if (i.name == "b" && i.incarnation == new_inc && i.up) current = true;
  CHECK(current);
  REQUIRE(a.send("b", "sink", int64_t{5}));
  CHECK(eventually([&] { return stream.size() == 1; }));
  CHECK(stream.exact(5, 1));
}
