// fnd::Context: what a running process can do. Both kinds of process (event-driven fnd::Actor and
// fiber-based fnd::Process) derive from it, so there is one identity space and one API. Call these
// only from inside the process itself (its handlers or its fiber function).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "fnd/detail/process_core.hpp"
#include "fnd/error.hpp"
#include "fnd/message.hpp"
#include "fnd/pid.hpp"
#include "fnd/ref.hpp"
#include "fnd/spawn.hpp"
#include "fnd/timer.hpp"

namespace fnd {

class Node;
class Process;
class Actor;

class Context : public detail::ProcessCore {
 public:
  // This process's pid.
  Pid self() const noexcept { return Pid::share(cb_); }
  // The node this process runs on.
  Node& node() const noexcept { return detail::node_of(node_); }

  // ---- messages ----
  // Fire-and-forget send (dropped if the target is dead; subject to the target's overflow policy).
  template <class T>
  void send(const Pid& to, T&& msg) {
    detail::post(this, to, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }
  // Send to a pid or a registered name (resolved now; dropped if the name has no holder).
  template <class T>
  void send(const Ref& to, T&& msg) {
    detail::post_ref(node_, this, to, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }
  // Send that reports failure: errc::noproc (dead target) or errc::mailbox_full (reject policy).
  template <class T>
  Result<void> try_send(const Pid& to, T&& msg) {
    return detail::try_post(this, to, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }

  // ---- spawning (the child runs on the same node) ----
  template <class A, class... Args>
  Pid spawn(Args&&... args) {
    return detail::spawn_core(node_, this, new A(std::forward<Args>(args)...), {}, false);
  }
  template <class A, class... Args>
  Pid spawn_link(Args&&... args) {
    return detail::spawn_core(node_, this, new A(std::forward<Args>(args)...), {}, true);
  }
  template <class A, class... Args>
  Pid spawn_opt(const SpawnOptions& opts, Args&&... args) {
    return detail::spawn_core(node_, this, new A(std::forward<Args>(args)...), opts, false);
  }
  Pid spawn_fiber(std::function<void(Process&)> fn, const SpawnOptions& opts = {}) {
    return detail::spawn_fiber_core(node_, this, std::move(fn), opts, false);
  }
  Pid spawn_fiber_link(std::function<void(Process&)> fn, const SpawnOptions& opts = {}) {
    return detail::spawn_fiber_core(node_, this, std::move(fn), opts, true);
  }

  // ---- links, monitors, exit signals ----
  // Bidirectional: when either side exits with a non-normal reason the other gets an exit signal.
  // Linking to a dead pid delivers an exit signal with reason noproc to this process.
  void link(const Pid& other);
  void unlink(const Pid& other);
  // One-way: a Down{ref, pid, reason} message arrives when `other` exits (noproc if already dead).
  MonitorRef monitor(const Pid& other);
  // Removes the monitor; with flush, also removes its Down message if it was already delivered.
  // Returns false if the monitor was unknown (already fired or removed).
  bool demonitor(MonitorRef ref, bool flush = false);
  // While trapping, exit signals (except kill) become Exit{from, reason} messages.
  void trap_exit(bool on) noexcept;
  bool trapping_exits() const noexcept { return flags_ & detail::kTrapExit; }
  // Narrows trapping to exits of linked processes: an exit signal sent to this process directly (its
  // supervisor or the node stopping it, Context::exit) then ends it even while trapping, as an exit
  // from the parent ends an OTP behaviour. The language's actors work this way (docs/language.md 13).
  void trap_linked_exits_only() noexcept { flags_ |= detail::kTrapLinkedOnly; }
  // An actor stops taking messages after its current one (they stay queued; signals are still taken,
  // so a supervisor or the node can stop it): the language's shutdown(code) ends the caller's work.
  void hold_messages() noexcept { flags_ |= detail::kHeld; }
  // Sends an exit signal to `to` (Erlang's exit/2). kill is untrappable.
  void exit(const Pid& to, ExitReason reason);

  // ---- timers (owned by this process: cancelled when it dies) ----
  template <class T>
  TimerRef send_after(Duration delay, const Pid& to, T msg) {
    return detail::timer_once(node_, this, to, delay, detail::make_message<T>(std::move(msg)));
  }
  template <class T>
  TimerRef send_after(Duration delay, T msg) {  // to self
    return send_after(delay, self(), std::move(msg));
  }
  // Periodic: sends a copy of `msg` to `to` every `period` until cancelled or this process dies.
  template <class T>
  TimerRef every(Duration period, const Pid& to, T msg) {
    return detail::timer_periodic(node_, this, to, period,
                                  [m = std::move(msg)]() { return detail::make_message<T>(m); });
  }
  template <class T>
  TimerRef every(Duration period, T msg) {
    return every(period, self(), std::move(msg));
  }
  // True if the timer was cancelled before it fired (periodic: before its next firing).
  bool cancel_timer(TimerRef t);

  // ---- registry ----
  Result<void> register_name(std::string name);  // registers self
  Pid whereis(std::string_view name) const;
};

// Free functions usable from any code running inside a process (generated code uses these).
// The current process's pid, or the null pid outside processes.
Pid self();
// Fibers: gives the worker to other processes and resumes later; also a checkpoint at which pending exit
// signals take effect (a kill unwinds the fiber from here). Actors: only the checkpoint (handlers are
// short by construction; they yield when they return).
void yield();
// Runs fn(i) for i in [0, n), yielding every `chunk` iterations: long computations stay fair.
template <class F>
void for_chunked(size_t n, size_t chunk, F&& fn) {
  if (chunk == 0) chunk = 1;
  for (size_t i = 0; i < n; ++i) {
    fn(i);
    if ((i + 1) % chunk == 0 && i + 1 < n) yield();
  }
}
// Send from the current process (or without a sender from outside processes).
template <class T>
void send(const Pid& to, T&& msg) {
  detail::post(detail::current_process(), to, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
}

}  // namespace fnd
