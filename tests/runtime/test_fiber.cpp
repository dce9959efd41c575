// Blocking processes on fibers: selective receive, timeouts, call, yield.
#include <atomic>
#include <future>

#include "helpers.hpp"

namespace {
struct A {
  int v;
};
struct B {
  int v;
};
struct Stop {};

struct Server : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (m.is<int>()) reply(m.get<int>() * 2);
    else if (m.is<std::string>()) reply(fnd::Error("nope", "server refuses strings"));
    else if (m.is<double>()) reply(std::string("wrong type"));
    // B: never answered
  }
};
}  // namespace

TEST_CASE("selective receive by type keeps the rest queued in order") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  auto [p, exited] = spawn_watched(node, [&](fnd::Process& self) {
    B b = self.receive<B>();  // A's stay queued
    out.push("B" + std::to_string(b.v));
    for (int i = 0; i < 3; ++i) out.push("A" + std::to_string(self.receive<A>().v));
    out.push("B" + std::to_string(self.receive<B>().v));
  });
  node.send(p, A{1});
  node.send(p, A{2});
  node.send(p, A{3});
  node.send(p, B{10});
  node.send(p, B{11});
  CHECK(out.pop() == "B10");
  CHECK(out.pop() == "A1");
  CHECK(out.pop() == "A2");
  CHECK(out.pop() == "A3");
  CHECK(out.pop() == "B11");
  CHECK(get_exit(exited).is_normal());
}

TEST_CASE("selective receive by predicate") {
  fnd::Node node({.threads = 2});
  Channel<int> out;
  auto p = node.spawn_fiber([&](fnd::Process& self) {
    out.push(self.receive<int>([](int v) { return v > 100; }));
    out.push(self.receive<int>());
    out.push(self.receive<int>());
  });
  node.send(p, 1);
  node.send(p, 2);
  node.send(p, 500);
  CHECK(out.pop() == 500);
  CHECK(out.pop() == 1);
  CHECK(out.pop() == 2);
}

TEST_CASE("receive_select matches the first queued message of any case") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  auto p = node.spawn_fiber([&](fnd::Process& self) {
    bool done = false;
    while (!done) {
      self.receive_select(fnd::on<B>([&](B& b) { out.push("B" + std::to_string(b.v)); }),
                          fnd::on<A>([](const A& a) { return a.v % 2 == 0; },
                                     [&](A& a) { out.push("evenA" + std::to_string(a.v)); }),
                          fnd::on<Stop>([&](Stop&) { done = true; }));
    }
    // The odd A's were never matched and are still queued, in order.
    out.push("left A" + std::to_string(self.receive<A>().v));
    out.push("left A" + std::to_string(self.receive<A>().v));
  });
  node.send(p, A{1});
  node.send(p, A{2});
  node.send(p, B{5});
  node.send(p, A{3});
  node.send(p, A{4});
  node.send(p, Stop{});
  CHECK(out.pop() == "evenA2");
  CHECK(out.pop() == "B5");
  CHECK(out.pop() == "evenA4");
  CHECK(out.pop() == "left A1");
  CHECK(out.pop() == "left A3");
}

TEST_CASE("receive with timeout returns nothing when nothing matches") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  auto [p, exited] = spawn_watched(node, [&](fnd::Process& self) {
    auto none = self.receive_for<A>(20ms);
    out.push(none ? "got" : "timeout");
    auto any = self.receive_for(20ms);
    out.push(any ? "got" : "timeout");
    // A B is queued now but we select A: still a timeout, and B stays.
    self.send(self.self(), B{1});
    out.push(self.receive_for<A>(10ms) ? "got" : "timeout");
    out.push(self.receive_for<B>(10s) ? "gotB" : "timeout");
    bool hit = self.receive_select_for(10ms, fnd::on<A>([](A&) {}));
    out.push(hit ? "got" : "timeout");
    out.push(std::to_string(self.queued()));
  });
  CHECK(out.pop() == "timeout");
  CHECK(out.pop() == "timeout");
  CHECK(out.pop() == "timeout");
  CHECK(out.pop() == "gotB");
  CHECK(out.pop() == "timeout");
  CHECK(out.pop() == "0");
  CHECK(get_exit(exited).is_normal());
}

TEST_CASE("a message arriving before the timeout is received") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  std::promise<void> waiting;
  auto p = node.spawn_fiber([&](fnd::Process& self) {
    waiting.set_value();
    auto a = self.receive_for<A>(60s);
    out.push(a ? "A" + std::to_string(a->v) : "timeout");
  });
  waiting.get_future().get();
  node.send(p, A{9});
  CHECK(out.pop() == "A9");
}

TEST_CASE("call: reply, server error, wrong type, timeout, dead server") {
  fnd::Node node({.threads = 2});
  auto server = node.spawn<Server>();
  Channel<std::string> out;
  node.spawn_fiber([&](fnd::Process& self) {
    auto r1 = self.call<int>(server, 21, 5s);
    out.push(r1 ? std::to_string(*r1) : r1.error().code);
    auto r2 = self.call<int>(server, std::string("x"), 5s);
    out.push(r2 ? "ok" : r2.error().code);
    auto r3 = self.call<int>(server, 1.0, 5s);
    out.push(r3 ? "ok" : r3.error().code);
    auto r4 = self.call<int>(server, B{1}, 20ms);
    out.push(r4 ? "ok" : r4.error().code);
    self.exit(server, fnd::ExitReason::kill());
    auto r5 = self.call<int>(server, 1, 5s);
    out.push(r5 ? "ok" : r5.error().code);
    auto r6 = self.call<int>(fnd::Pid(), 1, 5s);
    out.push(r6 ? "ok" : r6.error().code);
    out.push(std::to_string(self.queued()));  // no stray replies or Down messages left behind
  });
  CHECK(out.pop() == "42");
  CHECK(out.pop() == "nope");
  CHECK(out.pop() == fnd::errc::badreply);
  CHECK(out.pop() == fnd::errc::timeout);
  CHECK(out.pop() == fnd::errc::noproc);
  CHECK(out.pop() == fnd::errc::noproc);
  CHECK(out.pop() == "0");
}

TEST_CASE("a late reply to a timed-out call is dropped") {
  fnd::Node node({.threads = 2});
  Channel<std::string> out;
  // A fiber server that answers only after being told to.
  auto server = node.spawn_fiber([&](fnd::Process& self) {
    int req = self.receive<int>();
    fnd::Pid client = self.sender();
    uint64_t corr = self.last_corr_;
    self.receive<Stop>();
    fnd::detail::reply_to(&self, client, corr, fnd::detail::make_message<int>(req));
    self.send(client, std::string("after"));
  });
  node.spawn_fiber([&](fnd::Process& self) {
    auto r = self.call<int>(server, 5, 10ms);
    out.push(r ? "reply" : r.error().code);
    self.send(server, Stop{});
    // The late int reply must not show up; the string sent after it does.
    self.receive_select(fnd::on<int>([&](int&) { out.push("late reply leaked"); }),
                        fnd::on<std::string>([&](std::string& s) { out.push(s); }));
  });
  CHECK(out.pop() == fnd::errc::timeout);
  CHECK(out.pop() == "after");
}

TEST_CASE("a blocked fiber does not block its worker thread") {
  fnd::Node node({.threads = 1});
  Channel<std::string> out;
  auto f = node.spawn_fiber([&](fnd::Process& self) { out.push("fiber got " + std::to_string(self.receive<int>())); });
  struct Hello : fnd::Actor {
    Channel<std::string>* out;
    fnd::Pid f;
    Hello(Channel<std::string>* o, fnd::Pid p) : out(o), f(std::move(p)) {}
    void on_start() override {
      out->push("actor ran");
      send(f, 1);
    }
    void on_message(fnd::Message&) override {}
  };
  node.spawn<Hello>(&out, f);
  CHECK(out.pop() == "actor ran");
  CHECK(out.pop() == "fiber got 1");
}

TEST_CASE("yield and for_chunked let other processes run on one worker") {
  fnd::Node node({.threads = 1});
  std::atomic<bool> other_ran{false};
  std::atomic<bool> saw_other{false};
  node.spawn_fiber([&](fnd::Process&) {
    // Without yielding, the single worker would never run the other fiber before this loop ends.
    fnd::for_chunked(1000000, 1000, [&](size_t) {
      if (other_ran.load()) saw_other = true;
    });
  });
  node.spawn_fiber([&](fnd::Process&) { other_ran = true; });
  std::promise<void> done;
  node.spawn_fiber([&](fnd::Process& p) {
    while (!saw_other.load()) p.yield();
    done.set_value();
  });
  done.get_future().get();
  CHECK(saw_other.load());
}

TEST_CASE("a kill is observed at a yield point and unwinds the fiber") {
  fnd::Node node({.threads = 2});
  std::atomic<bool> unwound{false};
  std::promise<void> looping;
  auto p = node.spawn_fiber([&](fnd::Process&) {
    struct Guard {
      std::atomic<bool>* f;
      ~Guard() { *f = true; }
    } g{&unwound};
    looping.set_value();
    for (;;) fnd::yield();
  });
  looping.get_future().get();
  auto exited = node.watch(p);
  node.exit(p, fnd::ExitReason::kill());
  CHECK(get_exit(exited).kind() == fnd::ExitKind::killed);
  CHECK(unwound.load());
}

TEST_CASE("a fiber that throws crashes with the exception as reason") {
  fnd::Node node({.threads = 2});
  auto [p, exited] = spawn_watched(node, [](fnd::Process&) { throw std::runtime_error("fiber boom"); });
  auto r = get_exit(exited);
  REQUIRE(r.is_error());
  CHECK(r.error_value()->code == fnd::errc::exception);
  CHECK(r.error_value()->message == "fiber boom");
  auto [q, qexit] = spawn_watched(node, [](fnd::Process& self) { self.stop(fnd::ExitReason::shutdown()); });
  CHECK(get_exit(qexit).is_shutdown());
}

TEST_CASE("many fibers ping-pong across workers") {
  fnd::Node node({.threads = 2});
  constexpr int kPairs = 200, kRounds = 200;
  std::atomic<int> finished{0};
  std::promise<void> all;
  for (int i = 0; i < kPairs; ++i) {
    auto pong = node.spawn_fiber([](fnd::Process& self) {
      for (int r = 0; r < kRounds; ++r) {
        int v = self.receive<int>();
        self.send(self.sender(), v + 1);
      }
    });
    node.spawn_fiber([&, pong](fnd::Process& self) {
      int v = 0;
      for (int r = 0; r < kRounds; ++r) {
        self.send(pong, v);
        v = self.receive<int>();
      }
      if (v == kRounds && finished.fetch_add(1) + 1 == kPairs) all.set_value();
    });
  }
  all.get_future().get();
  CHECK(finished.load() == kPairs);
}
