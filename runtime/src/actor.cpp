// Event-driven actors: one handler call per message, on the worker's stack.
#include <exception>

#include "fnd/actor.hpp"
#include "internal.hpp"

namespace fnd {
using namespace detail;

namespace {
ExitReason from_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const ExitException& x) {
    return x.reason;
  } catch (const std::exception& x) {
    return ExitReason::error(Error(errc::exception, x.what()));
  } catch (...) {
    return ExitReason::error(Error(errc::exception, "unknown exception"));
  }
}
}  // namespace

const Pid& Actor::sender() const noexcept {
  static const Pid none;
  return current_ ? current_->sender_ : none;
}

void Actor::stop(ExitReason reason) {
  extras(this).stop_reason = std::move(reason);
  flags_ |= kStopRequested;
}

void Actor::crash(Error error) { throw ExitException{ExitReason::error(std::move(error))}; }
void Actor::crash(std::string message) { crash(Error(errc::crash, std::move(message))); }

RunResult Actor::run_turn(Worker& w) {
  ExitReason reason;
  bool die = false;
  if (!(flags_ & kStarted)) {
    flags_ |= kStarted;
    // on_start runs before any signal is taken in, so what it sets (e.g. trap_exit) governs them all.
    try {
      on_start();
    } catch (...) {
      reason = from_exception(std::current_exception());
      die = true;
    }
    if (!die && (flags_ & kStopRequested)) {
      reason = *ext_->stop_reason;
      die = true;
    }
    if (!die && (flags_ & kAckStart)) ack_start(this);  // its supervisor waits for this (supervisor.cpp)
    if (!die) die = fetch(this, reason);
  } else {
    die = fetch(this, reason);
  }
  uint32_t budget = node_->opts.throughput;
  // Depth accounting: exact per message for bounded mailboxes (their policies read it); for unbounded
  // ones the handled messages are subtracted once per turn, so a busy receiver does not write the line
  // its senders push on for every message (Node::mailbox_depth is exact whenever the actor waits).
  const bool exact_depth = cb_->bounded != nullptr;
  uint32_t handled = 0;
  uint32_t msgs = 0;  // handled this turn, for the worker's message count (fnd/stats.hpp)
  auto settle = [&] {
    w.handled.store(w.handled.load(std::memory_order_relaxed) + msgs, std::memory_order_relaxed);
    msgs = 0;
    if (handled) cb_->depth.fetch_sub(handled, std::memory_order_relaxed);
    handled = 0;
    // Sender references are released later, in batches (retire_message, Worker::loop).
  };
  while (!die) {
    if (!q_head_ || (flags_ & (kMuted | kHeld))) {
      if (cb_->head.load(std::memory_order_acquire) != nullptr) {
        die = fetch(this, reason);
        continue;
      }
      settle();  // before going idle: once blocked, another worker may run (and free) this process
      Message* expected = nullptr;
      if (cb_->head.compare_exchange_strong(expected, kInboxBlocked, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
        return RunResult::idle;
      continue;  // a message arrived meanwhile
    }
    Message* m = pop_queue(this);
    ++msgs;
    if (exact_depth) on_dequeued(this);
    else ++handled;
    current_ = m;
    if (m->ctx_ || ctx_) [[unlikely]] adopt_context(this, m->ctx_);
    try {
      on_message(*m);
    } catch (...) {
      reason = from_exception(std::current_exception());
      die = true;
    }
    current_ = nullptr;
    if (ctx_) [[unlikely]] adopt_context(this, nullptr);  // timers and later sends are not part of it
    retire_message(m);
    if (die) break;
    if (flags_ & kStopRequested) {
      reason = *ext_->stop_reason;
      die = true;
      break;
    }
    if (--budget == 0) {
      settle();
      return RunResult::requeue;
    }
  }
  settle();
  if (reason.kind() != ExitKind::killed) {
    try {
      on_stop(reason);
    } catch (...) {
      // on_stop must not keep a dying process alive; its failure is reported with the original reason.
    }
  }
  terminate(this, reason);
  return RunResult::dead;
}

}  // namespace fnd
