// Test helpers: a thread-safe channel from processes to the test thread. pop() waits for a value (a
// generous safety limit turns a hang into a failure; it is not a timing assertion).
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "fnd/fnd.hpp"

using namespace std::chrono_literals;

template <class T>
class Channel {
 public:
  void push(T v) {
    // Notify under the lock: once pop() returns, the pusher no longer touches the channel, so a test can
    // destroy it.
    std::lock_guard<std::mutex> g(mu_);
    q_.push_back(std::move(v));
    cv_.notify_all();
  }
  T pop() {
    std::unique_lock<std::mutex> l(mu_);
    if (!cv_.wait_for(l, std::chrono::seconds(20), [&] { return !q_.empty(); })) {
      FAIL("Channel::pop: nothing arrived (hang)");
    }
    T v = std::move(q_.front());
    q_.pop_front();
    return v;
  }
  std::optional<T> try_pop() {
    std::lock_guard<std::mutex> g(mu_);
    if (q_.empty()) return std::nullopt;
    T v = std::move(q_.front());
    q_.pop_front();
    return v;
  }
  size_t size() {
    std::lock_guard<std::mutex> g(mu_);
    return q_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> q_;
};


// Forwards every message it gets (as the payload type T) to a channel.
template <class T>
struct Forwarder : fnd::Actor {
  Channel<T>* out;
  explicit Forwarder(Channel<T>* o) : out(o) {}
  void on_message(fnd::Message& m) override {
    if (m.is<T>()) out->push(m.get<T>());
  }
};

// Forwards Exit and Down messages as strings "exit:<reason>" / "down:<reason>"; traps exits if asked.
struct Watcher : fnd::Actor {
  Channel<std::string>* out;
  bool trap;
  Watcher(Channel<std::string>* o, bool t) : out(o), trap(t) {}
  void on_start() override { trap_exit(trap); }
  void on_message(fnd::Message& m) override {
    if (auto* e = m.try_get<fnd::Exit>()) out->push("exit:" + e->reason.to_string());
    else if (auto* d = m.try_get<fnd::Down>()) out->push("down:" + d->reason.to_string());
    else if (auto* s = m.try_get<std::string>()) out->push(*s);
  }
};

// Spawns a fiber that starts only after its exit is being watched (so the reason is never lost).
struct Go {};
inline std::pair<fnd::Pid, std::shared_future<fnd::ExitReason>> spawn_watched(
    fnd::Node& node, std::function<void(fnd::Process&)> fn) {
  auto pid = node.spawn_fiber([fn = std::move(fn)](fnd::Process& p) {
    p.receive<Go>();
    fn(p);
  });
  auto f = node.watch(pid);
  node.send(pid, Go{});
  return {pid, f};
}
inline fnd::ExitReason get_exit(const std::shared_future<fnd::ExitReason>& f) {
  if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready) FAIL("process did not exit (hang)");
  return f.get();
}
