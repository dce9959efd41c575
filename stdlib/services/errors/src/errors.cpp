#include "fnd/services/errors.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "fnd/process.hpp"

namespace fnd::errors {
namespace {

using namespace std::chrono_literals;

std::vector<ErrorDef> builtins() {
  using C = Category;
  const auto none = RetryPolicy::none();
  const auto backoff = RetryPolicy::exponential(5, 100ms, 10s);
  return {
      {code::config_path_not_found, C::config, "lookup", Severity::error, none, "no setting is declared at this path"},
      {code::config_update_forbidden, C::config, "update", Severity::warning, none, "the setting is not declared updatable"},
      {code::invalid_config_value, C::config, "validation", Severity::error, none, "value of the wrong type or not allowed"},
      {code::range_error, C::config, "validation", Severity::error, none, "value outside the declared range"},
      {code::config_parse_error, C::config, "file", Severity::error, none, "the config file could not be parsed"},
      {code::config_file_error, C::config, "file", Severity::error, RetryPolicy::fixed(3, 100ms), "the config file could not be read"},
      {code::initialization_failed, C::system, "startup", Severity::critical, none, "a service failed to start"},
      {code::service_unavailable, C::system, "availability", Severity::error, backoff, "the service is not running"},
      {code::internal_error, C::system, "internal", Severity::critical, none, "an invariant was violated"},
      {code::timeout, C::system, "timing", Severity::warning, backoff, "an operation timed out"},
      {code::noproc, C::system, "process", Severity::warning, none, "the target process does not exist"},
      {code::name_taken, C::system, "registry", Severity::warning, none, "the name has a holder"},
      {code::storage_error, C::system, "storage", Severity::error, RetryPolicy::fixed(3, 50ms), "the storage backend failed"},
      {code::validation_failed, C::data, "validation", Severity::error, none, "the data failed validation"},
      {code::not_found, C::data, "lookup", Severity::warning, none, "no such item"},
      {code::already_exists, C::data, "conflict", Severity::warning, none, "the item exists already"},
      {code::serialization_failed, C::data, "encoding", Severity::error, none, "the data could not be encoded or decoded"},
      {code::data_corruption, C::data, "integrity", Severity::critical, none, "stored data is corrupt"},
      {code::network_error, C::external, "network", Severity::error, backoff, "a network operation failed"},
      {code::external_service_error, C::external, "service", Severity::error, backoff, "an external service failed"},
      {code::circuit_breaker_open, C::external, "protection", Severity::warning, RetryPolicy::fixed(3, 1s), "the circuit breaker is open"},
      {code::rate_limited, C::external, "protection", Severity::warning, RetryPolicy::fixed(3, 100ms), "the rate limit is exhausted"},
      {code::pool_timeout, C::external, "pool", Severity::warning, RetryPolicy::fixed(3, 10ms), "no pooled resource within the checkout timeout"},
      {code::pool_resource_failed, C::external, "pool", Severity::error, backoff, "a pooled resource could not be created"},
  };
}

struct Table {
  std::mutex mu;
  std::unordered_map<std::string, std::unique_ptr<ErrorDef>> defs;  // stable addresses for find()
  Table() {
    for (auto& d : builtins()) defs.emplace(d.code, std::make_unique<ErrorDef>(d));
  }
};
Table& table_() {
  static Table t;
  return t;
}

constexpr const char* kBreadcrumbs = "breadcrumbs";
constexpr const char* kSep = " > ";

std::string ms(milliseconds d) { return std::to_string(d.count()) + "ms"; }
}  // namespace

const char* to_string(Category c) noexcept {
  switch (c) {
    case Category::config: return "config";
    case Category::system: return "system";
    case Category::data: return "data";
    case Category::external: return "external";
  }
  return "?";
}

std::optional<milliseconds> RetryPolicy::delay_for(uint32_t retry) const {
  if (kind == RetryKind::none || retry == 0 || retry > max_attempts) return std::nullopt;
  switch (kind) {
    case RetryKind::immediate: return milliseconds(0);
    case RetryKind::fixed: return base_delay;
    case RetryKind::exponential_backoff: {
      double d = static_cast<double>(base_delay.count()) * std::pow(multiplier, static_cast<double>(retry - 1));
      if (max_delay.count() > 0) d = std::min(d, static_cast<double>(max_delay.count()));
      d = std::min(d, 1e15);
      return milliseconds(static_cast<int64_t>(d));
    }
    case RetryKind::none: break;
  }
  return std::nullopt;
}

std::string RetryPolicy::to_string() const {
  std::string n = " x" + std::to_string(max_attempts);
  switch (kind) {
    case RetryKind::none: return "none";
    case RetryKind::immediate: return "immediate" + n;
    case RetryKind::fixed: return "fixed " + ms(base_delay) + n;
    case RetryKind::exponential_backoff:
      return "exponential " + ms(base_delay) + ".." + (max_delay.count() ? ms(max_delay) : std::string("uncapped")) + n;
  }
  return "?";
}

const ErrorDef* find(std::string_view c) {
  auto& t = table_();
  std::lock_guard<std::mutex> g(t.mu);
  auto it = t.defs.find(std::string(c));
  return it == t.defs.end() ? nullptr : it->second.get();
}

Result<void> define(ErrorDef def) {
  if (def.code.empty()) return Error(errc::badarg, "an error code must not be empty");
  auto& t = table_();
  std::lock_guard<std::mutex> g(t.mu);
  if (t.defs.count(def.code))
    return Error(errc::already_present, "error code " + def.code + " is defined already").with("code", def.code);
  std::string k = def.code;
  t.defs.emplace(std::move(k), std::make_unique<ErrorDef>(std::move(def)));
  return {};
}

std::vector<ErrorDef> table() {
  auto& t = table_();
  std::vector<ErrorDef> v;
  {
    std::lock_guard<std::mutex> g(t.mu);
    for (auto& [k, d] : t.defs) v.push_back(*d);
  }
  std::sort(v.begin(), v.end(), [](const ErrorDef& a, const ErrorDef& b) {
    return a.category != b.category ? a.category < b.category : a.code < b.code;
  });
  return v;
}

Error make(std::string_view c, std::string message) {
  Error e(std::string(c), std::move(message), "user");
  if (const ErrorDef* d = find(c)) {
    e.category = to_string(d->category);
    if (!d->subcategory.empty()) e.category += "/" + d->subcategory;
    e.severity = d->severity;
    e.retry = d->retry.strategy();
  }
  return e;
}

Error wrap(Error inner, std::string step, std::map<std::string, std::string> context) {
  for (auto& [k, v] : context) inner.context.emplace(k, v);
  auto it = inner.context.find(kBreadcrumbs);
  if (it == inner.context.end() || it->second.empty()) inner.context[kBreadcrumbs] = step;
  else it->second += kSep + step;
  inner.message = step + ": " + inner.message;
  return inner;
}

std::vector<std::string> breadcrumbs(const Error& e) {
  std::vector<std::string> out;
  auto it = e.context.find(kBreadcrumbs);
  if (it == e.context.end() || it->second.empty()) return out;
  std::string_view s = it->second;
  for (;;) {
    size_t p = s.find(kSep);
    out.emplace_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + std::string_view(kSep).size());
  }
  return out;
}

std::string format(const Error& e) {
  std::string s = std::string(fnd::to_string(e.severity)) + " [" + e.category + "] " + e.code + ": " + e.message;
  std::string ctx;
  for (auto& [k, v] : e.context) {
    if (k == kBreadcrumbs) continue;
    if (!ctx.empty()) ctx += ", ";
    ctx += k + "=" + v;
  }
  if (!ctx.empty()) s += "\n  context: " + ctx;
  auto it = e.context.find(kBreadcrumbs);
  if (it != e.context.end() && !it->second.empty()) s += "\n  breadcrumbs: " + it->second;
  RetryPolicy p = policy_for(e);
  if (p.kind != RetryKind::none) s += "\n  retry: " + p.to_string();
  return s;
}

RetryPolicy policy_for(const Error& e) {
  if (e.retry.kind != RetryKind::none) {
    // Keep the table's cap when the error carries the table's own strategy.
    const ErrorDef* d = find(e.code);
    if (d && d->retry.kind == e.retry.kind && d->retry.base_delay == e.retry.base_delay &&
        d->retry.max_attempts == e.retry.max_attempts)
      return d->retry;
    return RetryPolicy::from(e.retry);
  }
  if (const ErrorDef* d = find(e.code)) return d->retry;
  return RetryPolicy::none();
}

bool retryable(const Error& e) { return policy_for(e).kind != RetryKind::none; }

namespace {
struct Never {};  // a message type nobody sends: receive_for<Never> is a plain timed suspension
}  // namespace

void sleep_for(milliseconds d) {
  detail::ProcessCore* p = detail::current_process();
  if (p && (p->flags_ & detail::kFiber)) {
    (void)static_cast<Process*>(p)->receive_for<Never>(d);
    return;
  }
  std::this_thread::sleep_for(d);
}

}  // namespace fnd::errors
