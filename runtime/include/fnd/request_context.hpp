// fnd::RequestContext: what a request carries through the system without being passed by hand — a
// correlation id, a W3C trace context (`traceparent`) and user keys (baggage). It is immutable and
// shared (ref-counted), so attaching it to a message costs one atomic increment.
//
// Propagation (docs/runtime.md "Request context"): every data message sent while a process handles a
// message that carried a context carries the same context — sends, calls, replies and one-shot timers
// set from that handler — so a request's context follows it through any number of processes (and
// nodes: the distribution layer puts it on the wire). Sends from outside processes take the context of
// a ContextScope on the calling thread.
//
//   auto ctx = fnd::RequestContext::start(fnd::RequestContext::new_correlation_id())
//                  .with("tenant", "acme");
//   { fnd::ContextScope scope(ctx); node.send(frontend, Request{...}); }
//   // in any process downstream: fnd::current_request_context().correlation_id() == ctx's
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fnd {

namespace detail {
struct ContextData {
  std::atomic<uint32_t> refs{1};
  uint64_t correlation_id = 0;
  std::string traceparent;  // "" or "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>"
  std::vector<std::pair<std::string, std::string>> baggage;  // in insertion order, keys unique
};
inline void retain_context(ContextData* c) noexcept {
  if (c) c->refs.fetch_add(1, std::memory_order_relaxed);
}
void destroy_context(ContextData* c) noexcept;
inline void release_context(ContextData* c) noexcept {
  if (c && c->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy_context(c);
}
}  // namespace detail

class RequestContext {
 public:
  using Baggage = std::vector<std::pair<std::string, std::string>>;

  RequestContext() noexcept = default;  // the empty context: no correlation, no trace, no keys
  RequestContext(const RequestContext& o) noexcept : d_(o.d_) { detail::retain_context(d_); }
  RequestContext(RequestContext&& o) noexcept : d_(std::exchange(o.d_, nullptr)) {}
  RequestContext& operator=(RequestContext o) noexcept {
    std::swap(d_, o.d_);
    return *this;
  }
  ~RequestContext() { detail::release_context(d_); }

  // A new context: correlation id `correlation_id` and a new trace (random trace id and span id,
  // sampled flag set), or the trace of `traceparent` when given and valid (else: a new trace).
  static RequestContext start(uint64_t correlation_id, std::string_view traceparent = {});
  // A correlation id unique within this OS process (never 0).
  static uint64_t new_correlation_id() noexcept;
  // True if `s` is a well-formed W3C traceparent (version 00, non-zero ids, lower-case hex).
  static bool valid_traceparent(std::string_view s) noexcept;

  bool empty() const noexcept { return d_ == nullptr; }
  explicit operator bool() const noexcept { return d_ != nullptr; }
  uint64_t correlation_id() const noexcept { return d_ ? d_->correlation_id : 0; }
  // The W3C traceparent header value, or "" when no trace is set.
  std::string_view traceparent() const noexcept { return d_ ? std::string_view(d_->traceparent) : std::string_view(); }
  // The 32-hex-digit trace id ("" when no trace is set).
  std::string_view trace_id() const noexcept;
  const Baggage& baggage() const noexcept;
  std::optional<std::string_view> get(std::string_view key) const noexcept;

  // Copies with one thing changed (the context itself never changes).
  RequestContext with(std::string_view key, std::string_view value) const;
  RequestContext with_correlation(uint64_t correlation_id) const;
  // The same trace with a new span id: what a hop that starts its own span passes on.
  RequestContext child_span() const;

  friend bool operator==(const RequestContext& a, const RequestContext& b) noexcept { return a.d_ == b.d_; }

  // ---- internal ----
  static RequestContext adopt(detail::ContextData* d) noexcept {
    RequestContext c;
    c.d_ = d;
    return c;
  }
  static RequestContext share(detail::ContextData* d) noexcept {
    detail::retain_context(d);
    return adopt(d);
  }
  detail::ContextData* data() const noexcept { return d_; }
  detail::ContextData* detach() noexcept { return std::exchange(d_, nullptr); }  // gives up the reference
  static RequestContext from_parts(uint64_t correlation_id, std::string traceparent, Baggage baggage);

 private:
  detail::ContextData* d_ = nullptr;
};

// The context in effect here: in a process, the one of the message it is handling (an actor) or
// received last (a fiber), unless the process set its own; outside processes, the innermost
// ContextScope of this thread. Empty if none.
RequestContext current_request_context() noexcept;
// Inside a process: replaces the context in effect until the process handles its next message (actors)
// or receives one (fibers) — e.g. a gateway starting a new request. Outside processes: like a
// ContextScope that lasts until the next call on this thread.
void set_request_context(RequestContext ctx) noexcept;

// Sets the context of sends made by this thread outside processes (tests, threads, main()).
class ContextScope {
 public:
  explicit ContextScope(RequestContext ctx) noexcept;
  ~ContextScope();
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  detail::ContextData* prev_;
};

namespace detail {
// The thread's ambient context (ContextScope), borrowed.
ContextData* ambient_context() noexcept;
}  // namespace detail

}  // namespace fnd
