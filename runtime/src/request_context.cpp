// Request contexts: construction, W3C traceparent handling and the per-thread / per-process context in
// effect. Propagation itself is in process.cpp (attach_context) and the run loops (adopt_context).
#include "fnd/request_context.hpp"

#include <algorithm>
#include <random>

#include "internal.hpp"

namespace fnd {
namespace detail {

void destroy_context(ContextData* c) noexcept { delete c; }

namespace {
thread_local ContextData* t_ambient = nullptr;  // innermost ContextScope (one reference)

// Random ids for traces and spans: a per-thread generator seeded from the OS.
uint64_t random_u64() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen();
}
void append_hex(std::string& out, uint64_t v, int digits) {
  static const char* hex = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out += hex[(v >> (i * 4)) & 15];
}
uint64_t nonzero_random() {
  for (;;)
    if (uint64_t v = random_u64()) return v;
}
std::string make_traceparent(std::string_view trace_id) {
  std::string s = "00-";
  if (trace_id.size() == 32) s += trace_id;
  else {
    append_hex(s, nonzero_random(), 16);
    append_hex(s, random_u64(), 16);
  }
  s += '-';
  append_hex(s, nonzero_random(), 16);
  s += "-01";
  return s;
}
bool all_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}
}  // namespace

ContextData* ambient_context() noexcept { return t_ambient; }

}  // namespace detail

bool RequestContext::valid_traceparent(std::string_view s) noexcept {
  // version "00": 2-32-16-2 hex digits separated by '-'; all-zero trace or parent ids are invalid.
  if (s.size() != 55 || s[2] != '-' || s[35] != '-' || s[52] != '-') return false;
  std::string_view ver = s.substr(0, 2), trace = s.substr(3, 32), parent = s.substr(36, 16), flags = s.substr(53, 2);
  using detail::all_hex;
  using detail::all_zero;
  return ver == "00" && all_hex(ver) && all_hex(trace) && all_hex(parent) && all_hex(flags) && !all_zero(trace) &&
         !all_zero(parent);
}

RequestContext RequestContext::from_parts(uint64_t correlation_id, std::string traceparent, Baggage baggage) {
  auto* d = new detail::ContextData;
  d->correlation_id = correlation_id;
  d->traceparent = std::move(traceparent);
  d->baggage = std::move(baggage);
  return adopt(d);
}

RequestContext RequestContext::start(uint64_t correlation_id, std::string_view traceparent) {
  if (valid_traceparent(traceparent)) return from_parts(correlation_id, std::string(traceparent), {});
  return from_parts(correlation_id, detail::make_traceparent({}), {});
}

uint64_t RequestContext::new_correlation_id() noexcept { return detail::next_request_id(); }

std::string_view RequestContext::trace_id() const noexcept {
  std::string_view t = traceparent();
  return t.size() == 55 ? t.substr(3, 32) : std::string_view();
}

const RequestContext::Baggage& RequestContext::baggage() const noexcept {
  static const Baggage empty;
  return d_ ? d_->baggage : empty;
}

std::optional<std::string_view> RequestContext::get(std::string_view key) const noexcept {
  for (const auto& [k, v] : baggage())
    if (k == key) return std::string_view(v);
  return std::nullopt;
}

RequestContext RequestContext::with(std::string_view key, std::string_view value) const {
  Baggage b = baggage();
  auto it = std::find_if(b.begin(), b.end(), [&](const auto& kv) { return kv.first == key; });
  if (it != b.end()) it->second = std::string(value);
  else b.emplace_back(std::string(key), std::string(value));
  return from_parts(correlation_id(), std::string(traceparent()), std::move(b));
}

RequestContext RequestContext::with_correlation(uint64_t id) const {
  return from_parts(id, std::string(traceparent()), baggage());
}

RequestContext RequestContext::child_span() const {
  return from_parts(correlation_id(), detail::make_traceparent(trace_id()), baggage());
}

RequestContext current_request_context() noexcept {
  if (detail::ProcessCore* p = detail::current_process()) return RequestContext::share(p->ctx_);
  return RequestContext::share(detail::t_ambient);
}

void set_request_context(RequestContext ctx) noexcept {
  if (detail::ProcessCore* p = detail::current_process()) {
    detail::adopt_context(p, ctx.data());
    return;
  }
  detail::ContextData* d = ctx.data();
  detail::retain_context(d);
  detail::release_context(detail::t_ambient);
  detail::t_ambient = d;
}

ContextScope::ContextScope(RequestContext ctx) noexcept : prev_(detail::t_ambient) {
  detail::t_ambient = ctx.data();
  detail::retain_context(detail::t_ambient);
}

ContextScope::~ContextScope() {
  detail::release_context(detail::t_ambient);
  detail::t_ambient = prev_;
}

}  // namespace fnd
