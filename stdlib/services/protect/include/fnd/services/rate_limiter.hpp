// Rate limiters keyed per (entity, operation): a fixed window (at most `limit` calls per `window`,
// windows aligned to the clock) or a token bucket (capacity `limit`, refilled at limit per window, so
// bursts up to `limit` and a long-run rate of limit/window). `check` takes `cost` units or fails with
// rate_limited (context: limiter, entity, operation, retry_in_ms) without taking any; keys are
// independent. Idle keys are swept as new ones arrive. Thread-safe (16 lock shards by key hash).
//
//   fnd::protect::RateLimiter api("api", {.kind = fnd::protect::LimiterKind::fixed_window,
//                                         .limit = 100, .window = 1s});
//   if (auto ok = api.check(user_id, "search"); !ok) return ok.error();
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "fnd/error.hpp"
#include "fnd/services/clock.hpp"

namespace fnd::protect {

using services::Clock;

enum class LimiterKind : uint8_t { fixed_window, token_bucket };

struct LimiterOptions {
  LimiterKind kind = LimiterKind::fixed_window;
  uint32_t limit = 100;
  std::chrono::nanoseconds window = std::chrono::seconds(1);
};

struct LimitStatus {
  uint32_t remaining = 0;               // units available now
  std::chrono::milliseconds reset_in{0};  // until the window ends / the bucket is full
};

class RateLimiter {
 public:
  // The default clock is the coarse monotonic clock (ms resolution, cheap to read).
  explicit RateLimiter(std::string name, LimiterOptions opts = {}, const Clock& clock = Clock::coarse());
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  Result<void> check(std::string_view entity, std::string_view operation, uint32_t cost = 1);
  // check, then fn() (returning Result<T>, T or void) if allowed.
  template <class F>
  auto execute(std::string_view entity, std::string_view operation, F&& fn) {
    using R = std::invoke_result_t<F&>;
    if constexpr (is_result<R>::value) {
      if (auto a = check(entity, operation); !a) return R(a.error());
      return fn();
    } else if constexpr (std::is_void_v<R>) {
      if (auto a = check(entity, operation); !a) return a;
      fn();
      return Result<void>();
    } else {
      if (auto a = check(entity, operation); !a) return Result<R>(a.error());
      return Result<R>(fn());
    }
  }
  LimitStatus status(std::string_view entity, std::string_view operation) const;
  void reset(std::string_view entity, std::string_view operation);
  size_t keys() const;    // tracked keys
  size_t sweep();         // drops idle keys now; returns how many
  const std::string& name() const noexcept { return name_; }
  const LimiterOptions& options() const noexcept { return opts_; }

  struct Impl;

 private:
  template <class T>
  struct is_result : std::false_type {};
  template <class T>
  struct is_result<Result<T>> : std::true_type {};
  std::string name_;
  LimiterOptions opts_;
  const Clock& clock_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fnd::protect
