// `protect M with breaker(...), rate(...)` in generated programs (docs/language.md section 19): one
// circuit breaker and/or rate limiter per protect declaration, shared by every instance of the
// actor on this node and kept across its restarts (a crash is what the breaker counts).
//
// The generated handler calls fnd_protect_admit before the body and fnd_protect_finish after it:
// the C++ back end from a guard's destructor (an exception in flight = a crash), the LLVM back end
// at the handler's exit (fnd_crash_pending = a crash).
#include <memory>
#include <string>
#include <vector>

#include "fnd/log.hpp"
#include "fnd/services/circuit_breaker.hpp"
#include "fnd/services/lang.h"
#include "fnd/services/rate_limiter.hpp"
#include "fnd/telemetry.hpp"

namespace {

struct Protection {
  std::string name;  // "Actor.Message"
  std::unique_ptr<fnd::protect::CircuitBreaker> breaker;
  std::unique_ptr<fnd::protect::RateLimiter> limiter;
};

// Never destroyed: handlers may run until the process exits.
std::vector<Protection>& protections() {
  static auto* p = new std::vector<Protection>;
  return *p;
}

void refused(const Protection& p, const fnd::Error& e, double reason) {
  fnd::log::debug("protect " + p.name + ": refused: " + e.code + ": " + e.message);
  fnd::telemetry::emit("fnd.protect.refused", {{"reason", reason}});  // 0 breaker open, 1 rate limited
}

}  // namespace

extern "C" void fnd_protect_declare(const fnd_protect_spec* specs, size_t count) {
  auto& ps = protections();
  ps.clear();
  ps.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const fnd_protect_spec& s = specs[i];
    Protection p;
    p.name = s.name;
    if (s.breaker)
      p.breaker = std::make_unique<fnd::protect::CircuitBreaker>(
          p.name, fnd::protect::BreakerOptions{.failure_threshold = s.threshold,
                                               .window = std::chrono::milliseconds(s.window_ms),
                                               .reset_timeout = std::chrono::milliseconds(s.reset_ms),
                                               .half_open_calls = s.trials});
    if (s.rate)
      p.limiter = std::make_unique<fnd::protect::RateLimiter>(
          p.name, fnd::protect::LimiterOptions{.kind = fnd::protect::LimiterKind::token_bucket,
                                               .limit = s.rate_count,
                                               .window = std::chrono::milliseconds(s.rate_period_ms)});
    ps.push_back(std::move(p));
  }
}

extern "C" int fnd_protect_admit(size_t index) {
  Protection& p = protections()[index];
  // The breaker first: a call it refuses does not use up the rate.
  if (p.breaker)
    if (auto a = p.breaker->acquire(); !a) {
      refused(p, a.error(), 0);
      return 0;
    }
  if (p.limiter)
    if (auto a = p.limiter->check("", ""); !a) {
      if (p.breaker) p.breaker->release();
      refused(p, a.error(), 1);
      return 0;
    }
  return 1;
}

extern "C" void fnd_protect_finish(size_t index, int admitted, int crashed) {
  if (!admitted) return;
  Protection& p = protections()[index];
  if (!p.breaker) return;
  if (crashed) p.breaker->record_failure();
  else p.breaker->record_success();
}
