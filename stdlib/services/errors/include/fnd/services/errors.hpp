// Errors (issue #5): a table of error codes by category (config, system, data, external) with their
// severity and retry policy, retry policies (none, immediate, fixed delay, exponential backoff capped),
// a retry helper, wrapping with context and breadcrumbs, and human-readable formatting. Errors are the
// runtime's fnd::Error; this library adds the table and the helpers around it.
//
//   fnd::Error e = fnd::errors::make(fnd::errors::code::network_error, "connect refused")
//                      .with("host", "db1");
//   e = fnd::errors::wrap(std::move(e), "loading profile", {{"user", "42"}});
//   std::cerr << fnd::errors::format(e);
//   fnd::Result<int> r = fnd::errors::retry([&] { return fetch(); },
//                                           {.policy = fnd::errors::RetryPolicy::exponential(5, 10ms, 1s)});
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "fnd/error.hpp"

namespace fnd::errors {

using std::chrono::milliseconds;

enum class Category : uint8_t { config, system, data, external };
const char* to_string(Category c) noexcept;

// A retry policy: `max_attempts` retries after the first call; exponential delays are
// base * multiplier^(n-1), capped at max_delay.
struct RetryPolicy {
  RetryKind kind = RetryKind::none;
  uint32_t max_attempts = 0;
  milliseconds base_delay{0};
  milliseconds max_delay{0};  // exponential only; 0 = no cap
  double multiplier = 2.0;

  static RetryPolicy none() { return {}; }
  static RetryPolicy immediate(uint32_t retries) { return {RetryKind::immediate, retries, {}, {}, 1.0}; }
  static RetryPolicy fixed(uint32_t retries, milliseconds delay) { return {RetryKind::fixed, retries, delay, {}, 1.0}; }
  static RetryPolicy exponential(uint32_t retries, milliseconds base, milliseconds cap, double multiplier = 2.0) {
    return {RetryKind::exponential_backoff, retries, base, cap, multiplier};
  }
  // From the runtime's RetryStrategy (carried by an Error); exponential ones get no cap.
  static RetryPolicy from(const RetryStrategy& s) { return {s.kind, s.max_attempts, s.base_delay, {}, 2.0}; }
  RetryStrategy strategy() const { return {kind, max_attempts, base_delay}; }

  // Delay before retry number `retry` (1-based); nullopt when no further retry is allowed.
  std::optional<milliseconds> delay_for(uint32_t retry) const;
  std::string to_string() const;  // "none", "immediate x3", "fixed 100ms x3", "exponential 10ms..1000ms x5"
};

struct ErrorDef {
  std::string code;
  Category category = Category::system;
  std::string subcategory;  // e.g. "validation", "network"
  Severity severity = Severity::error;
  RetryPolicy retry;
  std::string description;
};

// The built-in codes (each has an entry in the table).
namespace code {
// config
inline constexpr const char* config_path_not_found = "config_path_not_found";
inline constexpr const char* config_update_forbidden = "config_update_forbidden";
inline constexpr const char* invalid_config_value = "invalid_config_value";
inline constexpr const char* range_error = "range_error";
inline constexpr const char* config_parse_error = "config_parse_error";
inline constexpr const char* config_file_error = "config_file_error";
// system
inline constexpr const char* initialization_failed = "initialization_failed";
inline constexpr const char* service_unavailable = "service_unavailable";
inline constexpr const char* internal_error = "internal_error";
inline constexpr const char* timeout = "timeout";
inline constexpr const char* noproc = "noproc";
inline constexpr const char* name_taken = "name_taken";
inline constexpr const char* storage_error = "storage_error";
// data
inline constexpr const char* validation_failed = "validation_failed";
inline constexpr const char* not_found = "not_found";
inline constexpr const char* already_exists = "already_exists";
inline constexpr const char* serialization_failed = "serialization_failed";
inline constexpr const char* data_corruption = "data_corruption";
// external
inline constexpr const char* network_error = "network_error";
inline constexpr const char* external_service_error = "external_service_error";
inline constexpr const char* circuit_breaker_open = "circuit_breaker_open";
inline constexpr const char* rate_limited = "rate_limited";
inline constexpr const char* pool_timeout = "pool_timeout";
inline constexpr const char* pool_resource_failed = "pool_resource_failed";
}  // namespace code

// The definition of `code` (built-in or defined), or nullptr.
const ErrorDef* find(std::string_view code);
// Adds a code to the table (errc::already_present if it is defined already).
Result<void> define(ErrorDef def);
// Every definition, sorted by category then code.
std::vector<ErrorDef> table();

// An Error whose category, severity and retry come from the table ("user", error, none if the code is
// not in it).
Error make(std::string_view code, std::string message);

// Wrapping: the message gets `step: ` in front, `context` is merged (existing keys win: the inner error
// knew more) and `step` is appended to the breadcrumbs (outermost last).
Error wrap(Error inner, std::string step, std::map<std::string, std::string> context = {});
std::vector<std::string> breadcrumbs(const Error& e);

// Multi-line, human readable:
//   error [external/network] network_error: loading profile: connect refused
//     context: host=db1, user=42
//     breadcrumbs: loading profile
//     retry: exponential 10ms..1000ms x5
std::string format(const Error& e);

// The policy for `e`: its own retry strategy if set, else the table's.
RetryPolicy policy_for(const Error& e);
bool retryable(const Error& e);

// Sleeps `d`: a fiber suspends (its worker runs other processes), any other caller blocks its thread.
// (An actor handler blocks its worker: do not retry with delays from actor handlers.)
void sleep_for(milliseconds d);

struct RetryOptions {
  std::optional<RetryPolicy> policy;                   // default: policy_for(error) of each failure
  std::function<bool(const Error&)> retry_if;          // default: every error (policy given) / retryable()
  std::function<void(milliseconds)> sleep;             // default: sleep_for
  std::function<void(const Error&, uint32_t retry, milliseconds delay)> on_retry;  // e.g. logging
};

// Calls fn() (returning Result<T>) until it succeeds or the policy gives up; returns the last result.
// The final error gets context `attempts=N`.
template <class F>
auto retry(F&& fn, const RetryOptions& opts = {}) -> decltype(fn()) {
  uint32_t n = 0;
  for (;;) {
    auto r = fn();
    if (r.ok()) return r;
    const Error& e = r.error();
    ++n;
    RetryPolicy p = opts.policy ? *opts.policy : policy_for(e);
    bool want = opts.retry_if ? opts.retry_if(e) : (opts.policy ? true : retryable(e));
    std::optional<milliseconds> d = want ? p.delay_for(n) : std::nullopt;
    if (!d) {
      Error out = e;
      out.context["attempts"] = std::to_string(n);
      return out;
    }
    if (opts.on_retry) opts.on_retry(e, n, *d);
    if (d->count() > 0) (opts.sleep ? opts.sleep(*d) : sleep_for(*d));
  }
}

}  // namespace fnd::errors
