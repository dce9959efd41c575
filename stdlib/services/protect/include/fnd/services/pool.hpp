// Connection pool: `size` resources kept, up to `max_overflow` more created under load (destroyed when
// returned while nobody waits), LIFO (warm resources first) or FIFO (even use) order, a checkout
// timeout (pool_timeout), broken resources destroyed and replaced (mark_broken(), or a failed
// `healthy` check at checkout). Checkout and return take a mutex briefly: resources are used
// concurrently, not serialised behind one process. Waiters are served in arrival order; a waiting
// fiber suspends (its worker runs other processes), an outside thread blocks; an actor handler would
// block its worker (use a fiber).
//
//   fnd::protect::ConnectionPool<Db> pool("db", {.size = 4, .max_overflow = 2},
//       [] () -> fnd::Result<std::unique_ptr<Db>> { return std::make_unique<Db>(url); });
//   auto lease = pool.checkout();          // Result<Lease>
//   if (lease) (*lease)->query("...");     // returned to the pool when the lease ends
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "fnd/error.hpp"

namespace fnd::protect {

enum class PoolOrder : uint8_t { lifo, fifo };

struct PoolOptions {
  size_t size = 10;
  size_t max_overflow = 0;
  PoolOrder order = PoolOrder::lifo;
  std::chrono::milliseconds checkout_timeout{5000};
};

struct PoolStats {
  size_t size = 0, idle = 0, in_use = 0, overflow = 0, waiting = 0;
  uint64_t created = 0, destroyed = 0, broken = 0, timeouts = 0, checkouts = 0;
};

// Type-erased pool machinery (resources are void*); use ConnectionPool<T>.
class PoolCore {
 public:
  struct Hooks {
    std::function<Result<void*>()> create;
    std::function<void(void*)> destroy;
    std::function<bool(void*)> healthy;  // optional
  };
  PoolCore(std::string name, PoolOptions opts, Hooks hooks);
  ~PoolCore();
  Result<void*> checkout(std::optional<std::chrono::milliseconds> timeout);
  void checkin(void* r, bool broken);
  PoolStats stats() const;
  const std::string& name() const noexcept;

  struct State;

 private:
  std::unique_ptr<State> st_;
};

template <class T>
class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<T>>()>;

  // A checked-out resource; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& o) noexcept : core_(std::move(o.core_)), r_(std::exchange(o.r_, nullptr)), broken_(o.broken_) {}
    Lease& operator=(Lease&& o) noexcept {
      if (this != &o) {
        give_back();
        core_ = std::move(o.core_);
        r_ = std::exchange(o.r_, nullptr);
        broken_ = o.broken_;
      }
      return *this;
    }
    ~Lease() { give_back(); }
    T& operator*() const noexcept { return *r_; }
    T* operator->() const noexcept { return r_; }
    T* get() const noexcept { return r_; }
    // The resource is unusable: it is destroyed on return (and replaced on demand).
    void mark_broken() noexcept { broken_ = true; }

   private:
    friend class ConnectionPool;
    Lease(std::shared_ptr<PoolCore> c, T* r) : core_(std::move(c)), r_(r) {}
    void give_back() noexcept {
      if (r_) core_->checkin(r_, broken_);
      r_ = nullptr;
    }
    std::shared_ptr<PoolCore> core_;
    T* r_ = nullptr;
    bool broken_ = false;
  };

  ConnectionPool(std::string name, PoolOptions opts, Factory create, std::function<bool(T&)> healthy = {}) {
    PoolCore::Hooks h;
    h.create = [create = std::move(create)]() -> Result<void*> {
      Result<std::unique_ptr<T>> r = create();
      if (!r) return r.error();
      return static_cast<void*>(std::move(*r).release());
    };
    h.destroy = [](void* p) { delete static_cast<T*>(p); };
    if (healthy) h.healthy = [healthy = std::move(healthy)](void* p) { return healthy(*static_cast<T*>(p)); };
    core_ = std::make_shared<PoolCore>(std::move(name), opts, std::move(h));
  }

  // Waits up to the given timeout (default: the pool's checkout_timeout).
  Result<Lease> checkout(std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    Result<void*> r = core_->checkout(timeout);
    if (!r) return r.error();
    return Lease(core_, static_cast<T*>(*r));
  }
  // checkout, fn(T&), return. fn returns Result<R> or R.
  template <class F>
  auto with(F&& fn, std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    using R = std::invoke_result_t<F&, T&>;
    auto l = checkout(timeout);
    if constexpr (requires(R r) { r.ok(); r.error(); }) {
      if (!l) return R(l.error());
      return fn(**l);
    } else if constexpr (std::is_void_v<R>) {
      if (!l) return Result<void>(l.error());
      fn(**l);
      return Result<void>();
    } else {
      if (!l) return Result<R>(l.error());
      return Result<R>(fn(**l));
    }
  }
  PoolStats stats() const { return core_->stats(); }
  const std::string& name() const noexcept { return core_->name(); }

 private:
  std::shared_ptr<PoolCore> core_;
};

}  // namespace fnd::protect
