// Infrastructure protection (issue #5): circuit breaker, rate limiters, connection pools, and
// execute_protected composing them in that order — rate limit, then breaker, then pool checkout, then
// the call — with each failure reported distinctly: rate_limited, circuit_breaker_open, pool_timeout
// (or pool_resource_failed), or the call's own error (which counts as a breaker failure; a refused
// rate limit or breaker never reaches the pool).
//
//   fnd::protect::Protection<Db> p{.limiter = &limiter, .entity = user, .operation = "query",
//                                  .breaker = &breaker, .pool = &pool};
//   fnd::Result<Rows> r = fnd::protect::execute_protected(p, [&](Db& db) { return db.query(q); });
#pragma once

#include <string>
#include <type_traits>

#include "fnd/services/circuit_breaker.hpp"
#include "fnd/services/errors.hpp"
#include "fnd/services/pool.hpp"
#include "fnd/services/rate_limiter.hpp"

namespace fnd::protect {

// Any of the three may be null (skipped). Without a pool, fn takes no argument.
template <class T = void>
struct Protection {
  RateLimiter* limiter = nullptr;
  std::string entity;
  std::string operation;
  CircuitBreaker* breaker = nullptr;
  ConnectionPool<T>* pool = nullptr;
};

namespace detail {
template <class R>
struct as_result {
  using type = Result<R>;
};
template <class R>
struct as_result<Result<R>> {
  using type = Result<R>;
};
template <class F, class... A>
auto invoke_as_result(F& fn, A&... a) {
  using R = std::invoke_result_t<F&, A&...>;
  using Out = typename as_result<std::conditional_t<std::is_void_v<R>, void, R>>::type;
  if constexpr (std::is_void_v<R>) {
    fn(a...);
    return Out();
  } else {
    return Out(fn(a...));
  }
}
}  // namespace detail

// fn(T&) with a pool, fn() without; returning Result<R>, R or void. An exception thrown by fn counts
// as a breaker failure and propagates.
template <class T, class F>
auto execute_protected(Protection<T>& p, F&& fn) {
  auto call = [&]() {
    if constexpr (std::is_void_v<T>) {
      return detail::invoke_as_result(fn);
    } else {
      using Out = decltype(detail::invoke_as_result(fn, std::declval<T&>()));
      if (!p.pool) return Out(Error(errc::badarg, "execute_protected: a Protection<T> needs a pool"));
      auto lease = p.pool->checkout();
      if (!lease) return Out(lease.error());
      return detail::invoke_as_result(fn, **lease);
    }
  };
  using Out = decltype(call());
  if (p.limiter) {
    if (auto a = p.limiter->check(p.entity, p.operation); !a) return Out(a.error());
  }
  if (!p.breaker) return call();
  if (auto a = p.breaker->acquire(); !a) return Out(a.error());
  Out r = [&]() {
    try {
      return call();
    } catch (...) {
      p.breaker->record_failure();
      throw;
    }
  }();
  // A pool timeout is the pool's trouble, not the protected service's: it does not trip the breaker.
  if (r.ok()) p.breaker->record_success();
  else if (r.error().code == errors::code::pool_timeout) p.breaker->release();
  else p.breaker->record_failure();
  return r;
}

}  // namespace fnd::protect
