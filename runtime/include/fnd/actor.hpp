// fnd::Actor: an event-driven process. A handler runs per message; it has no stack of its own while
// idle (the default kind, and what generated code uses). Subclass it:
//
//   struct Counter : fnd::Actor {
//     int n = 0;
//     void on_message(fnd::Message& m) override {
//       if (m.is<int>()) n += m.get<int>();
//       else if (m.is<Get>()) reply(n);
//     }
//   };
//   fnd::Pid c = node.spawn<Counter>();
//
// A handler that throws crashes only its process, with the exception text as the reason
// (error(exception: what())). Fairness: an actor handles at most NodeOptions::throughput messages per
// turn, then goes to the back of the run queue.
#pragma once

#include "fnd/context.hpp"

namespace fnd {

class Actor : public Context {
 public:
  // Runs once before the first message (links/monitors from SpawnOptions are already set).
  virtual void on_start() {}
  // Runs for each data message (including Exit and Down when they are delivered as messages).
  virtual void on_message(Message& msg) = 0;
  // Runs when the process stops for any reason except kill (the reason given).
  virtual void on_stop(const ExitReason& reason) {}

  // Sender of the message being handled (null pid if none).
  const Pid& sender() const noexcept;
  // Replies to the current message's sender; correlated when the message came from call().
  template <class T>
  void reply(T&& msg) {
    if (current_)
      detail::reply_to(this, current_->sender_, current_->flags_ & Message::kRequest ? current_->corr_ : 0,
                       detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }
  // Ends the process after the current handler returns (normal unless another reason is given).
  void stop(ExitReason reason = ExitReason::normal());
  // Crashes the process now (throws; the handler does not continue).
  [[noreturn]] void crash(Error error);
  [[noreturn]] void crash(std::string message);

  // Overridden only by the runtime's C actor (its receive callback is called from the loop directly).
  detail::RunResult run_turn(detail::Worker& w) override;
};

}  // namespace fnd
