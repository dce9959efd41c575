// SIGTERM/SIGINT in generated programs (fnd/detail/program_signals.hpp): blocked in every thread,
// read by one watcher thread from a signalfd, turned into a shutdown request there.
#include "fnd/detail/program_signals.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "fnd/log.hpp"

namespace fnd::detail {

namespace {

const char* signal_name(int sig) noexcept { return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal"; }

// A signal while the program is already stopping: its default action, now. It was consumed from
// the signalfd, so it is raised again, unblocked in this thread only, with the default disposition.
[[noreturn]] void end_by(int sig) {
  static const char kMsg[] = "[fnd info] signal received while stopping: ending at once\n";
  (void)!::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);  // no stdio: another thread may hold its lock
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  ::sigemptyset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
  sigset_t one;
  ::sigemptyset(&one);
  ::sigaddset(&one, sig);
  ::pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  ::raise(sig);
  ::_exit(128 + sig);  // not reached: SIGTERM's and SIGINT's default action ends the process
}

}  // namespace

int program_signal_status(int sig) noexcept { return sig == SIGINT ? 130 : 0; }

struct ProgramSignals::State {
  sigset_t watched;   // SIGTERM and SIGINT, less those the process was started with ignored
  sigset_t old_mask;  // the constructing thread's mask before
  bool blocked = false;
  int sigfd = -1;
  int stopfd = -1;  // eventfd: written by the destructor to end the watcher
  std::thread watcher;
  int received = 0;  // watcher thread only

  std::mutex mu;
  std::function<void(int)> shutdown;  // guarded by mu
  int pending = -1;                   // guarded by mu: the status of a signal received before attach

  void loop() {
    pollfd fds[2] = {{sigfd, POLLIN, 0}, {stopfd, POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        log::warning(std::string("signal watcher: poll failed: ") + std::strerror(errno) +
                     "; SIGTERM/SIGINT no longer stop the program");
        return;
      }
      if (fds[1].revents) return;
      if (!(fds[0].revents & POLLIN)) continue;
      signalfd_siginfo si{};
      if (::read(sigfd, &si, sizeof si) != static_cast<ssize_t>(sizeof si)) continue;
      on_signal(static_cast<int>(si.ssi_signo));
    }
  }

  void on_signal(int sig) {
    if (++received > 1) end_by(sig);
    const int status = program_signal_status(sig);
    log::info(std::string("received ") + signal_name(sig) + ": stopping (exit status " + std::to_string(status) +
              "); another SIGTERM or SIGINT ends the program at once");
    std::lock_guard<std::mutex> l(mu);
    if (shutdown) shutdown(status);
    else if (pending < 0) pending = status;
  }

  void release() {
    if (sigfd >= 0) ::close(sigfd);
    if (stopfd >= 0) ::close(stopfd);
    sigfd = stopfd = -1;
    if (!blocked) return;
    // What arrived after the watcher stopped is discarded: unblocked, it would end the process by its
    // default action instead of letting it return its status.
    const timespec zero{};
    while (::sigtimedwait(&watched, nullptr, &zero) > 0) {
    }
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    blocked = false;
  }
};

ProgramSignals::ProgramSignals() : s_(std::make_unique<State>()) {
  State& s = *s_;
  ::sigemptyset(&s.watched);
  int count = 0;
  for (int sig : {SIGTERM, SIGINT}) {
    // Linux queues a blocked signal even when its action is SIG_IGN: leave ignored ones alone.
    struct sigaction sa {};
    if (::sigaction(sig, nullptr, &sa) == 0 && !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN) continue;
    ::sigaddset(&s.watched, sig);
    ++count;
  }
  if (count == 0) return;
  if (::pthread_sigmask(SIG_BLOCK, &s.watched, &s.old_mask) != 0) return;
  s.blocked = true;
  s.sigfd = ::signalfd(-1, &s.watched, SFD_CLOEXEC | SFD_NONBLOCK);
  s.stopfd = ::eventfd(0, EFD_CLOEXEC);
  if (s.sigfd < 0 || s.stopfd < 0) {
    log::warning(std::string("signal watcher: ") + std::strerror(errno) + "; SIGTERM/SIGINT end the program abruptly");
    s.release();
    return;
  }
  try {
    s.watcher = std::thread([&s] { s.loop(); });
  } catch (const std::system_error& e) {
    log::warning(std::string("signal watcher: ") + e.what() + "; SIGTERM/SIGINT end the program abruptly");
    s.release();
  }
}

ProgramSignals::~ProgramSignals() {
  State& s = *s_;
  if (s.watcher.joinable()) {
    const std::uint64_t one = 1;
    (void)!::write(s.stopfd, &one, sizeof one);
    s.watcher.join();
  }
  s.release();
}

void ProgramSignals::attach(std::function<void(int status)> shutdown) {
  std::lock_guard<std::mutex> l(s_->mu);
  s_->shutdown = std::move(shutdown);
  if (s_->pending >= 0 && s_->shutdown) s_->shutdown(s_->pending);
}

void ProgramSignals::detach() {
  std::lock_guard<std::mutex> l(s_->mu);
  s_->shutdown = nullptr;
}

}  // namespace fnd::detail
