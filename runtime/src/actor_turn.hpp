// The turn of an event-driven actor (one handler call per message, on the worker's stack), shared by
// Actor::run_turn and the C actor's (c_api.cpp) as a template over how a message is handled: a C++
// actor's virtual on_message, or a C class's receive callback called straight from the loop (loaded
// once per turn), so that a C actor pays one indirect call per message, as a C++ actor does.
#pragma once

#include <exception>

#include "fnd/actor.hpp"
#include "internal.hpp"

namespace fnd::detail {

inline ExitReason from_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const ExitException& x) {
    return x.reason;
  } catch (const TextError& x) {
    return ExitReason::error(Error(errc::exception, x.text()));
  } catch (const std::exception& x) {
    return ExitReason::error(Error(errc::exception, x.what()));
  } catch (...) {
    return ExitReason::error(Error(errc::exception, "unknown exception"));
  }
}

// The reason of a stop() (Actor::stop keeps only a reason other than normal).
inline ExitReason requested_stop_reason(const Actor& a) {
  return a.ext_ && a.ext_->stop_reason ? *a.ext_->stop_reason : ExitReason::normal();
}

// `handle(Message&)` handles one data message; it may throw (the exception is the exit reason).
template <class Handle>
RunResult actor_turn(Actor& a, Worker& w, Handle handle) {
  ExitReason reason;
  bool die = false;
  uint32_t taken = 0;  // taken in this turn and not yet in depth (fetch)
  if (!(a.flags_ & kStarted)) {
    a.flags_ |= kStarted;
    // on_start runs before any signal is taken in, so what it sets (e.g. trap_exit) governs them all.
    try {
      a.on_start();
    } catch (...) {
      reason = from_exception(std::current_exception());
      die = true;
    }
    if (!die && (a.flags_ & kStopRequested)) {
      reason = requested_stop_reason(a);
      die = true;
    }
    if (!die && (a.flags_ & kAckStart)) ack_start(&a);  // its supervisor waits for this (supervisor.cpp)
    if (!die) die = fetch(&a, reason, &taken);
  } else {
    die = fetch(&a, reason, &taken);
  }
  uint32_t budget = a.node_->opts.throughput;
  // Depth accounting: exact per message for bounded mailboxes (their policies read it); for unbounded
  // ones what the turn handled, and the small batches it took in (fetch), are settled in one update at
  // its end, so a busy receiver does not write the line its senders push on for every message
  // (Node::mailbox_depth is exact whenever the actor waits).
  const bool exact_depth = a.cb_->bounded != nullptr;
  uint32_t handled = 0;
  uint32_t msgs = 0;  // handled this turn, for the worker's message count (fnd/stats.hpp)
  auto settle = [&] {
    w.handled.store(w.handled.load(std::memory_order_relaxed) + msgs, std::memory_order_relaxed);
    msgs = 0;
    if (taken > handled) a.cb_->depth.fetch_add(taken - handled, std::memory_order_relaxed);
    else if (handled > taken) a.cb_->depth.fetch_sub(handled - taken, std::memory_order_relaxed);
    taken = handled = 0;
    // Sender references are released later, in batches (retire_message, Worker::loop).
  };
  while (!die) {
    if (!a.q_head_ || (a.flags_ & (kMuted | kHeld))) {
      if (a.cb_->head.load(std::memory_order_acquire) != kInboxEmpty) {
        die = fetch(&a, reason, &taken);
        continue;
      }
      settle();  // before going idle: once blocked, another worker may run (and free) this process
      InboxWord expected = kInboxEmpty;
      if (a.cb_->head.compare_exchange_strong(expected, kInboxBlocked, std::memory_order_acq_rel,
                                              std::memory_order_acquire))
        return RunResult::idle;
      continue;  // a message arrived meanwhile
    }
    Message* m = pop_queue(&a);
    ++msgs;
    if (exact_depth) on_dequeued(&a);
    else ++handled;
    a.current_ = m;
    if (m->ctx_ || a.ctx_) [[unlikely]] adopt_context(&a, m->ctx_);
    try {
      handle(*m);
    } catch (...) {
      reason = from_exception(std::current_exception());
      die = true;
    }
    a.current_ = nullptr;
    if (a.ctx_) [[unlikely]] adopt_context(&a, nullptr);  // timers and later sends are not part of it
    retire_message(m);
    if (die) break;
    if (a.flags_ & kStopRequested) {
      reason = requested_stop_reason(a);
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
      a.on_stop(reason);
    } catch (...) {
      // on_stop must not keep a dying process alive; its failure is reported with the original reason.
    }
  }
  terminate(&a, reason);
  return RunResult::dead;
}

}  // namespace fnd::detail
