// Correlation ids: the correlation id of the request context in effect (fnd/request_context.hpp: it
// travels with every message sent while handling a message that carried one, across processes and
// nodes), else the message's own id (the runtime's Message::corr_: the request id of a call()), is
// "current" while a process handles that message, so an event emitted from the handler carries it
// (fnd/services/events.hpp) without being passed around.
//
//   fnd::services::send_correlated(worker, Job{...}, fnd::services::new_correlation_id());
//   // in the worker's handler: current_correlation() == that id; events stored there carry it;
//   // send_correlated(next, Step{...}) forwards the same id (the default argument).
//
// Outside processes (threads, tests) a CorrelationScope sets the current id for the calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "fnd/context.hpp"
#include "fnd/message.hpp"

namespace fnd::services {

// The correlation id in effect: a CorrelationScope on this thread, else the id of the message the
// current process is handling (actors) or received last (fibers); 0 if none.
uint64_t current_correlation() noexcept;
// A fresh id (unique within the OS process; shares the runtime's request-id space, 48 bits).
uint64_t new_correlation_id() noexcept;
// "<node.id>" of the current process, or "" outside processes.
std::string current_process_string();

class CorrelationScope {
 public:
  explicit CorrelationScope(uint64_t id) noexcept;
  ~CorrelationScope();
  CorrelationScope(const CorrelationScope&) = delete;
  CorrelationScope& operator=(const CorrelationScope&) = delete;

 private:
  uint64_t prev_;
};

// The current request context with correlation id `corr` (a new context and trace if none is in effect).
RequestContext context_for_correlation(uint64_t corr);

// Sends `msg` carrying correlation id `corr` (by default the current one, so a flow keeps its id). The
// message carries a request context with that id, so everything sent downstream carries it too; a
// plain send from a handler of a correlated message keeps the id as well.
template <class T>
void send_correlated(const Pid& to, T&& msg, uint64_t corr = current_correlation()) {
  Message* m = detail::make_message<std::decay_t<T>>(std::forward<T>(msg));
  m->corr_ = corr;
  if (corr) m->ctx_ = context_for_correlation(corr).detach();
  detail::post(detail::current_process(), to, m);
}

}  // namespace fnd::services
