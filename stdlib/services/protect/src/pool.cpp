#include "fnd/services/pool.hpp"

#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>

#include "fnd/process.hpp"
#include "fnd/services/errors.hpp"

namespace fnd::protect {
namespace {
struct PoolWake {
  uint64_t token;
};
}  // namespace

struct PoolCore::State {
  std::string name;
  PoolOptions opts;
  Hooks hooks;
  mutable std::mutex mu;
  std::deque<void*> idle;
  size_t total = 0;  // idle + in use + being created
  struct Waiter {
    uint64_t token;
    std::condition_variable* cv = nullptr;  // an outside thread
    Pid fiber;                              // or a fiber process
    void* granted = nullptr;
    bool woken = false;  // granted, or told to try again (capacity freed)
  };
  std::list<Waiter> waiters;
  uint64_t next_token = 1;
  PoolStats counters;

  // Hands `r` (or, with nullptr, a retry) to the first waiter. Called with mu held.
  bool wake_first_locked(void* r) {
    for (auto& w : waiters) {
      if (w.woken) continue;
      w.granted = r;
      w.woken = true;
      if (w.cv) w.cv->notify_one();
      else fnd::send(w.fiber, PoolWake{w.token});
      return true;
    }
    return false;
  }
};

PoolCore::PoolCore(std::string name, PoolOptions opts, Hooks hooks) : st_(std::make_unique<State>()) {
  st_->name = std::move(name);
  st_->opts = opts;
  st_->hooks = std::move(hooks);
}

PoolCore::~PoolCore() {
  for (void* r : st_->idle) st_->hooks.destroy(r);
}

const std::string& PoolCore::name() const noexcept { return st_->name; }

Result<void*> PoolCore::checkout(std::optional<std::chrono::milliseconds> timeout) {
  State& s = *st_;
  auto deadline = std::chrono::steady_clock::now() + timeout.value_or(s.opts.checkout_timeout);
  std::unique_lock<std::mutex> l(s.mu);
  std::condition_variable cv;
  for (;;) {
    // 1. an idle resource (checked if a health check is set)
    while (!s.idle.empty()) {
      void* r;
      if (s.opts.order == PoolOrder::lifo) {
        r = s.idle.back();
        s.idle.pop_back();
      } else {
        r = s.idle.front();
        s.idle.pop_front();
      }
      if (s.hooks.healthy) {
        l.unlock();
        bool ok = s.hooks.healthy(r);
        if (!ok) s.hooks.destroy(r);
        l.lock();
        if (!ok) {
          --s.total;
          ++s.counters.broken;
          ++s.counters.destroyed;
          continue;
        }
      }
      ++s.counters.checkouts;
      return r;
    }
    // 2. room for a new one (pool size + overflow)
    if (s.total < s.opts.size + s.opts.max_overflow) {
      ++s.total;
      l.unlock();
      Result<void*> r = s.hooks.create();
      l.lock();
      if (!r) {
        --s.total;
        s.wake_first_locked(nullptr);  // the slot is free again
        return errors::wrap(std::move(r).error(), "pool " + s.name + ": creating a resource");
      }
      ++s.counters.created;
      ++s.counters.checkouts;
      return *r;
    }
    // 3. wait in line
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    detail::ProcessCore* self = detail::current_process();
    bool fiber = self && (self->flags_ & detail::kFiber);
    auto it = s.waiters.insert(s.waiters.end(), State::Waiter{s.next_token++});
    if (fiber) it->fiber = Pid::share(self->cb_);
    else it->cv = &cv;
    if (fiber) {
      uint64_t token = it->token;
      l.unlock();
      auto* p = static_cast<Process*>(self);
      auto match = [token](const PoolWake& w) { return w.token == token; };
      bool got = p->receive_for<PoolWake>(deadline - now, match).has_value();
      l.lock();
      if (!got && it->woken) {  // woken as the wait timed out: take the wake-up out of the mailbox
        l.unlock();
        (void)p->receive_for<PoolWake>(std::chrono::milliseconds(50), match);
        l.lock();
      }
    } else {
      cv.wait_until(l, deadline, [&] { return it->woken; });
    }
    void* granted = it->granted;
    bool woken = it->woken;
    s.waiters.erase(it);
    if (granted) {
      ++s.counters.checkouts;
      return granted;
    }
    if (!woken && std::chrono::steady_clock::now() >= deadline) break;
  }
  ++s.counters.timeouts;
  Error e = errors::make(errors::code::pool_timeout, "no resource from pool " + s.name + " within the checkout timeout");
  e.with("pool", s.name).with("size", std::to_string(s.opts.size)).with("in_use", std::to_string(s.total - s.idle.size()));
  return e;
}

void PoolCore::checkin(void* r, bool broken) {
  State& s = *st_;
  std::unique_lock<std::mutex> l(s.mu);
  if (broken) {
    --s.total;
    ++s.counters.broken;
    ++s.counters.destroyed;
    s.wake_first_locked(nullptr);  // a waiter may create the replacement
    l.unlock();
    s.hooks.destroy(r);
    return;
  }
  if (s.wake_first_locked(r)) return;
  if (s.total > s.opts.size) {  // an overflow resource nobody waits for
    --s.total;
    ++s.counters.destroyed;
    l.unlock();
    s.hooks.destroy(r);
    return;
  }
  s.idle.push_back(r);
}

PoolStats PoolCore::stats() const {
  State& s = *st_;
  std::lock_guard<std::mutex> g(s.mu);
  PoolStats p = s.counters;
  p.size = s.opts.size;
  p.idle = s.idle.size();
  p.in_use = s.total - s.idle.size();
  p.overflow = s.total > s.opts.size ? s.total - s.opts.size : 0;
  p.waiting = s.waiters.size();
  return p;
}

}  // namespace fnd::protect
