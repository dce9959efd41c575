// Event-driven actors: one handler call per message, on the worker's stack (the turn: actor_turn.hpp).
#include "actor_turn.hpp"
#include "fnd/actor.hpp"
#include "internal.hpp"

namespace fnd {
using namespace detail;

const Pid& Actor::sender() const noexcept {
  static const Pid none;
  return current_ ? current_->sender_ : none;
}

// A normal stop, by far the most common, is the flag alone (no Extras for a process that had no
// need of them): the turn reads a missing stop_reason as normal (requested_stop_reason).
void Actor::stop(ExitReason reason) {
  if (reason.is_normal()) {
    if (ext_) ext_->stop_reason.reset();  // the last stop wins
  } else {
    extras(this).stop_reason = std::move(reason);
  }
  flags_ |= kStopRequested;
}

void Actor::crash(Error error) { throw ExitException{ExitReason::error(std::move(error))}; }
void Actor::crash(std::string message) { crash(Error(errc::crash, std::move(message))); }

RunResult Actor::run_turn(Worker& w) {
  return actor_turn(*this, w, [this](Message& m) { on_message(m); });
}

}  // namespace fnd
