// Internal: SIGTERM and SIGINT in a generated program (both back ends' program mains:
// fnd::lang::run_program and fnd_program_main), as BEAM's init:stop() on SIGTERM.
//
// The first SIGTERM or SIGINT asks for the program's clean stop — what shutdown(code) does: the
// supervision tree stops top-down, a cluster node leaves — with exit status 0 for SIGTERM and 130
// for SIGINT (the shell's 128 + 2). Any further SIGTERM/SIGINT ends the process at once by the
// signal's default action, so a program stuck while stopping can still be ended.
//
// No work runs in a signal handler: the constructor blocks both signals in the calling thread —
// every thread started afterwards (scheduler workers, timers, ZeroMQ, services) inherits the mask —
// and a watcher thread reads them from a signalfd. So construct it before the Node. A signal the
// process was started with ignored (SIG_IGN, e.g. SIGINT of a job started with `&` by a script)
// stays ignored. Embedders of fnd::Node get none of this: only the program mains create one.
#pragma once

#include <functional>
#include <memory>

namespace fnd::detail {

class ProgramSignals {
 public:
  ProgramSignals();
  // Stops the watcher, discards signals still pending and restores the calling thread's mask.
  ~ProgramSignals();
  ProgramSignals(const ProgramSignals&) = delete;
  ProgramSignals& operator=(const ProgramSignals&) = delete;

  // From now on the first signal calls `shutdown(status)`; a signal received before this call is
  // passed on at once. The call happens on the watcher thread.
  void attach(std::function<void(int status)> shutdown);
  // No more calls to `shutdown` once this returns (the node it reaches is about to go).
  void detach();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The exit status a program stopped by `sig` ends with: 0 for SIGTERM, 130 for SIGINT.
int program_signal_status(int sig) noexcept;

}  // namespace fnd::detail
