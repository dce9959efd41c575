#include <catch2/catch.hpp>
#include <future>

#include "fnd/fnd.hpp"

using namespace std::chrono_literals;

namespace {
struct Echo : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (m.is<int>()) reply(m.get<int>() + 1);
  }
};

struct Ping : fnd::Actor {
  fnd::Pid peer;
  int left;
  std::promise<int>* done;
  Ping(fnd::Pid p, int n, std::promise<int>* d) : peer(std::move(p)), left(n), done(d) {}
  void on_start() override { send(peer, 0); }
  void on_message(fnd::Message& m) override {
    int v = m.get<int>();
    if (--left == 0) {
      done->set_value(v);
      stop();
      return;
    }
    send(peer, v);
  }
};
}  // namespace

TEST_CASE("actor ping-pong round trips") {
  fnd::Node node({.threads = 2});
  std::promise<int> done;
  auto echo = node.spawn<Echo>();
  node.spawn<Ping>(echo, 10000, &done);
  REQUIRE(done.get_future().get() == 10000);
}

TEST_CASE("fiber receive and call") {
  fnd::Node node({.threads = 2});
  auto echo = node.spawn<Echo>();
  std::promise<int> done;
  node.spawn_fiber([&](fnd::Process& p) {
    int sum = 0;
    for (int i = 0; i < 100; ++i) sum += *p.call<int>(echo, i, 5s);
    done.set_value(sum);
  });
  REQUIRE(done.get_future().get() == 5050);
}
