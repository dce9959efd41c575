// fnd::Node: a runtime instance. It owns N scheduler threads (work stealing), a timer thread and the
// name registry. Worker threads start in the constructor, so processes can be spawned at once.
//
//   fnd::Node node({.threads = 0});                 // 0 = hardware threads
//   auto root = fnd::start_supervisor(node, spec);  // fnd/supervisor.hpp
//   node.set_root(*root);
//   return node.run();  // until shutdown(code) or the root supervisor exits
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fnd/actor.hpp"
#include "fnd/error.hpp"
#include "fnd/log.hpp"
#include "fnd/pid.hpp"
#include "fnd/process.hpp"
#include "fnd/ref.hpp"
#include "fnd/spawn.hpp"
#include "fnd/timer.hpp"

namespace fnd {

struct NodeOptions {
  unsigned threads = 0;            // scheduler threads; 0 = std::thread::hardware_concurrency()
  std::string name = "fnd";        // used in logs
  log::Level log_level = log::Level::info;
  uint32_t node_id = 0;            // the node part of pids (0 = local)
  uint32_t throughput = 100;       // messages an actor handles per turn before requeueing
  size_t fiber_stack_size = 64 * 1024;
  // stop(): how long to wait for processes to die after they were told to (shutdown, then kill),
  // and for a worker stuck in a handler, before giving up on it.
  std::chrono::milliseconds stop_grace{2000};
};

// What can be observed about a process from outside.
struct ProcessInfo {
  Pid pid;
  bool alive = false;
  size_t mailbox_depth = 0;
  uint64_t dropped = 0;   // bounded mailbox: messages discarded (drop_newest / drop_oldest)
  uint64_t rejected = 0;  // bounded mailbox: messages refused (reject)
  std::string registered_name;
};

namespace detail {
Result<MessagePtr> external_call(NodeImpl* node, const Pid& to, Message* req, Duration timeout);
}

class Node {
 public:
  explicit Node(NodeOptions options = {});
  ~Node();  // stop()s if still running
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // ---- spawning from outside processes (inside, use Context::spawn*) ----
  template <class A, class... Args>
  Pid spawn(Args&&... args) {
    return detail::spawn_core(impl(), nullptr, new A(std::forward<Args>(args)...), {}, false);
  }
  template <class A, class... Args>
  Pid spawn_opt(const SpawnOptions& opts, Args&&... args) {
    return detail::spawn_core(impl(), nullptr, new A(std::forward<Args>(args)...), opts, false);
  }
  Pid spawn_fiber(std::function<void(Process&)> fn, const SpawnOptions& opts = {}) {
    return detail::spawn_fiber_core(impl(), nullptr, std::move(fn), opts, false);
  }

  // ---- messages from outside processes (no sender) ----
  template <class T>
  void send(const Pid& to, T&& msg) {
    detail::post(nullptr, to, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }
  template <class T>
  void send(const Ref& to, T&& msg) {
    detail::post_ref(impl(), nullptr, to, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }
  template <class T>
  Result<void> try_send(const Pid& to, T&& msg) {
    return detail::try_post(nullptr, to, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }
  // Synchronous call from a thread that is not a process (blocks the calling thread).
  template <class R, class Req>
  Result<R> call(const Pid& to, Req&& req, Duration timeout) {
    auto r = detail::external_call(impl(), to, detail::make_message<std::decay_t<Req>>(std::forward<Req>(req)), timeout);
    if (!r) return std::move(r).error();
    Message& m = **r;
    if (m.is<R>()) return R(std::move(m.get<R>()));
    if (m.is<Error>()) return Error(m.get<Error>());
    return Error(errc::badreply, "reply of an unexpected type");
  }
  // Sends an exit signal from outside (no sender).
  void exit(const Pid& to, ExitReason reason);
  template <class T>
  TimerRef send_after(Duration delay, const Pid& to, T msg) {
    return detail::timer_once(impl(), nullptr, to, delay, detail::make_message<T>(std::move(msg)));
  }
  bool cancel_timer(TimerRef t);

  // ---- registry ----
  Result<void> register_name(std::string name, const Pid& pid);
  bool unregister_name(std::string_view name);
  Pid whereis(std::string_view name) const;

  // ---- observation ----
  // Messages queued for `pid` (data and signals, taken in or not). Exact for bounded mailboxes, for
  // fibers, and for an event-driven actor that is not running; while an actor with an unbounded mailbox
  // is in a turn, it may be off by up to NodeOptions::throughput messages either way: those the turn
  // has handled, or small batches it has taken in, are settled when the turn ends (docs/runtime.md,
  // "Depth").
  size_t mailbox_depth(const Pid& pid) const noexcept;
  ProcessInfo process_info(const Pid& pid) const;
  size_t process_count() const noexcept;  // live processes
  // Resolves with the exit reason when `pid` exits (noproc if it is already dead).
  std::shared_future<ExitReason> watch(const Pid& pid);

  // ---- lifecycle ----
  // The root supervisor: run() returns when it exits (0 if its reason is normal, 1 otherwise).
  void set_root(const Pid& root);
  // Blocks until shutdown(code) is called or the root exits, then stop()s and returns the exit code.
  int run();
  // run() without the stop(): blocks until shutdown(code) is called or the root exits and returns
  // the exit code; the processes keep running until stop() (a program's last words before it stops
  // them: fnd::lang::NodeHooks::before_stop).
  int wait();
  // Asks run() to return `code` (callable from any handler or thread). A start_supervisor() waiting
  // on another thread for its tree's start gives up (errc::shutdown).
  void shutdown(int code = 0);
  // The code of the first shutdown(code), if one was asked for.
  std::optional<int> shutdown_code() const;
  // Stops everything and returns: supervision trees top-down (each supervisor stops its children in
  // reverse order with their shutdown timeouts), then remaining processes are killed. Never hangs: a
  // worker stuck in a handler is abandoned after stop_grace (logged). Idempotent.
  void stop();
  bool stopped() const noexcept;

  const NodeOptions& options() const noexcept;
  unsigned threads() const noexcept;
  uint32_t id() const noexcept;

  detail::NodeImpl* impl() const noexcept { return impl_.get(); }

 private:
  std::shared_ptr<detail::NodeImpl> impl_;
};

}  // namespace fnd
