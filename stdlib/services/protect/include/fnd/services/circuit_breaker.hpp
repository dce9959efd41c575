// Circuit breaker (closed -> open -> half-open -> closed). Closed: calls pass; a failure is counted
// if it falls within `window` of the failures before it; more than `failure_threshold` failures in the
// window open the breaker (threshold 5: the 6th failure opens it). Open: calls are refused with
// circuit_breaker_open until `reset_timeout` has passed; then the breaker is half-open and lets
// `half_open_calls` trial calls through: a successful trial closes it, a failed one opens it again.
// State changes are emitted as telemetry events fnd.protect.breaker.{open,half_open,closed}
// (measurement `failures`) and passed to `on_state_change`. Thread-safe.
//
//   fnd::protect::CircuitBreaker api("payments", {.failure_threshold = 5, .reset_timeout = 30s});
//   fnd::Result<Reply> r = api.call([&]() -> fnd::Result<Reply> { return client.post(req); });
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <type_traits>

#include "fnd/error.hpp"
#include "fnd/services/clock.hpp"

namespace fnd::protect {

using services::Clock;
using services::SteadyTime;

enum class BreakerState : uint8_t { closed, open, half_open };
const char* to_string(BreakerState s) noexcept;

struct BreakerOptions {
  uint32_t failure_threshold = 5;
  std::chrono::milliseconds window{60000};
  std::chrono::milliseconds reset_timeout{30000};
  uint32_t half_open_calls = 1;  // trial calls let through while half-open
  std::function<void(const std::string& name, BreakerState from, BreakerState to)> on_state_change;
};

struct BreakerStatus {
  BreakerState state = BreakerState::closed;
  uint32_t failures = 0;          // failures within the window (closed)
  uint64_t total_failures = 0, total_successes = 0, rejected = 0, opened = 0;
  std::chrono::milliseconds retry_in{0};  // open: time until half-open
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(std::string name, BreakerOptions opts = {}, const Clock& clock = Clock::system());

  // Asks to make a call: ok, or circuit_breaker_open (with context breaker, retry_in_ms). An allowed
  // call must be followed by record_success() or record_failure().
  Result<void> acquire();
  void record_success();
  void record_failure();
  // Gives back an allowed call without an outcome (it never reached the protected service).
  void release();

  // acquire + fn + record. fn returns Result<T> (an error is a failure) or T (an exception is a
  // failure, rethrown).
  template <class F>
  auto call(F&& fn) {
    using R = std::invoke_result_t<F&>;
    if constexpr (is_result<R>::value) {
      if (auto a = acquire(); !a) return R(a.error());
      R r = fn();
      r.ok() ? record_success() : record_failure();
      return r;
    } else {
      using Out = std::conditional_t<std::is_void_v<R>, Result<void>, Result<R>>;
      if (auto a = acquire(); !a) return Out(a.error());
      try {
        if constexpr (std::is_void_v<R>) {
          fn();
          record_success();
          return Out();
        } else {
          Out r(fn());
          record_success();
          return r;
        }
      } catch (...) {
        record_failure();
        throw;
      }
    }
  }

  BreakerState state() const;
  BreakerStatus status() const;
  // Back to closed with no failures counted.
  void reset();
  const std::string& name() const noexcept { return name_; }

 private:
  template <class T>
  struct is_result : std::false_type {};
  template <class T>
  struct is_result<Result<T>> : std::true_type {};
  void transition_locked(BreakerState to, std::vector<std::function<void()>>& after);
  void refresh_locked(SteadyTime now, std::vector<std::function<void()>>& after);

  std::string name_;
  BreakerOptions opts_;
  const Clock& clock_;
  mutable std::mutex mu_;
  BreakerState state_ = BreakerState::closed;
  std::deque<SteadyTime> failures_;  // closed: failure times within the window
  SteadyTime opened_at_{};
  uint32_t trials_in_flight_ = 0;
  BreakerStatus counters_;
};

}  // namespace fnd::protect
