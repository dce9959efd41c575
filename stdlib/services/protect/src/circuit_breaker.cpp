#include "fnd/services/circuit_breaker.hpp"

#include <vector>

#include "fnd/services/errors.hpp"
#include "fnd/telemetry.hpp"

namespace fnd::protect {

const char* to_string(BreakerState s) noexcept {
  switch (s) {
    case BreakerState::closed: return "closed";
    case BreakerState::open: return "open";
    case BreakerState::half_open: return "half_open";
  }
  return "?";
}

CircuitBreaker::CircuitBreaker(std::string name, BreakerOptions opts, const Clock& clock)
    : name_(std::move(name)), opts_(std::move(opts)), clock_(clock) {
  if (opts_.half_open_calls == 0) opts_.half_open_calls = 1;
}

namespace {
void run(std::vector<std::function<void()>>& after) {
  for (auto& f : after) f();  // outside the lock: callbacks may call back into the breaker
}
}  // namespace

void CircuitBreaker::transition_locked(BreakerState to, std::vector<std::function<void()>>& after) {
  BreakerState from = state_;
  if (from == to) return;
  state_ = to;
  trials_in_flight_ = 0;
  if (to == BreakerState::open) {
    opened_at_ = clock_.now();
    ++counters_.opened;
  }
  double failures = static_cast<double>(failures_.size());
  if (to == BreakerState::closed) failures_.clear();
  std::string event = std::string("fnd.protect.breaker.") + to_string(to);
  after.push_back([event, failures] { fnd::telemetry::emit(event, {{"failures", failures}}); });
  if (opts_.on_state_change) {
    auto cb = opts_.on_state_change;
    after.push_back([cb, n = name_, from, to] { cb(n, from, to); });
  }
}

void CircuitBreaker::refresh_locked(SteadyTime now, std::vector<std::function<void()>>& after) {
  if (state_ == BreakerState::open && now - opened_at_ >= opts_.reset_timeout)
    transition_locked(BreakerState::half_open, after);
}

Result<void> CircuitBreaker::acquire() {
  std::vector<std::function<void()>> after;
  Result<void> out;
  {
    std::lock_guard<std::mutex> g(mu_);
    SteadyTime now = clock_.now();
    refresh_locked(now, after);
    bool allowed = state_ == BreakerState::closed ||
                   (state_ == BreakerState::half_open && trials_in_flight_ < opts_.half_open_calls);
    if (allowed) {
      if (state_ == BreakerState::half_open) ++trials_in_flight_;
    } else {
      ++counters_.rejected;
      auto left = state_ == BreakerState::open
                      ? std::chrono::duration_cast<std::chrono::milliseconds>(opts_.reset_timeout - (now - opened_at_))
                      : std::chrono::milliseconds(0);
      Error e = errors::make(errors::code::circuit_breaker_open, "circuit breaker " + name_ + " is " + to_string(state_));
      e.with("breaker", name_).with("retry_in_ms", std::to_string(left.count()));
      out = std::move(e);
    }
  }
  run(after);
  return out;
}

void CircuitBreaker::record_success() {
  std::vector<std::function<void()>> after;
  {
    std::lock_guard<std::mutex> g(mu_);
    ++counters_.total_successes;
    if (state_ == BreakerState::half_open) transition_locked(BreakerState::closed, after);
  }
  run(after);
}

void CircuitBreaker::record_failure() {
  std::vector<std::function<void()>> after;
  {
    std::lock_guard<std::mutex> g(mu_);
    ++counters_.total_failures;
    SteadyTime now = clock_.now();
    if (state_ == BreakerState::half_open) {
      transition_locked(BreakerState::open, after);
    } else if (state_ == BreakerState::closed) {
      while (!failures_.empty() && now - failures_.front() > opts_.window) failures_.pop_front();
      failures_.push_back(now);
      if (failures_.size() > opts_.failure_threshold) transition_locked(BreakerState::open, after);
    }
    // open: a call that was let through before the breaker opened; nothing more to count
  }
  run(after);
}

void CircuitBreaker::release() {
  std::lock_guard<std::mutex> g(mu_);
  if (state_ == BreakerState::half_open && trials_in_flight_ > 0) --trials_in_flight_;
}

BreakerState CircuitBreaker::state() const {
  std::vector<std::function<void()>> after;
  BreakerState s;
  {
    std::lock_guard<std::mutex> g(mu_);
    const_cast<CircuitBreaker*>(this)->refresh_locked(clock_.now(), after);
    s = state_;
  }
  run(after);
  return s;
}

BreakerStatus CircuitBreaker::status() const {
  BreakerState s = state();
  std::lock_guard<std::mutex> g(mu_);
  BreakerStatus st = counters_;
  st.state = s;
  SteadyTime now = clock_.now();
  uint32_t n = 0;
  for (auto t : failures_)
    if (now - t <= opts_.window) ++n;
  st.failures = n;
  if (state_ == BreakerState::open)
    st.retry_in = std::chrono::duration_cast<std::chrono::milliseconds>(opts_.reset_timeout - (now - opened_at_));
  return st;
}

void CircuitBreaker::reset() {
  std::vector<std::function<void()>> after;
  {
    std::lock_guard<std::mutex> g(mu_);
    failures_.clear();
    transition_locked(BreakerState::closed, after);
  }
  run(after);
}

}  // namespace fnd::protect
