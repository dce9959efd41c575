// fnd::Process: a blocking process running on a fiber (Boost.Context), scheduled by the same
// work-stealing scheduler as actors. It may block in receive (selective: by type or predicate; what does
// not match stays queued, in order), receive with a timeout, or call(). A blocked fiber never blocks its
// OS thread: the worker runs other processes meanwhile.
//
//   node.spawn_fiber([](fnd::Process& p) {
//     int n = p.receive<int>();                                  // first int; others stay queued
//     auto big = p.receive<int>([](int v) { return v > 100; });  // first int > 100
//     if (auto s = p.receive_for<std::string>(100ms)) ...        // nullopt on timeout
//     p.receive_select(fnd::on<Ping>([&](Ping& x) { ... }),
//                      fnd::on<Stop>([&](Stop&) { ... }));
//     fnd::Result<int> r = p.call<int>(server, Get{}, 1s);      // errc::timeout / errc::noproc
//   });
//
// Do not swallow exceptions with catch (...) without rethrowing inside a fiber: exits (crash, stop, a kill
// observed at yield/receive) and the runtime's stack unwinding travel as exceptions.
#pragma once

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "fnd/context.hpp"

namespace fnd {

namespace detail {
struct FiberState;
template <class T, class P, class F>
struct Case {
  P pred;
  F fn;
  bool matches(Message& m) { return m.is<T>() && pred(m.get<T>()); }
  void run(Message& m) { fn(m.get<T>()); }
};
struct AnyCase_ {};
template <class F>
struct AnyCase {
  F fn;
  bool matches(Message&) { return true; }
  void run(Message& m) { fn(m); }
};
}  // namespace detail

// A case of receive_select: matches messages of type T (for which pred holds) and runs fn(T&).
template <class T, class F>
auto on(F fn) {
  auto yes = [](const T&) { return true; };
  return detail::Case<T, decltype(yes), F>{yes, std::move(fn)};
}
template <class T, class P, class F>
auto on(P pred, F fn) {
  return detail::Case<T, P, F>{std::move(pred), std::move(fn)};
}
// Matches any message: fn(Message&).
template <class F>
auto on_any(F fn) {
  return detail::AnyCase<F>{std::move(fn)};
}

class Process : public Context {
 public:
  explicit Process(std::function<void(Process&)> fn);
  ~Process() override;

  // ---- receive ----
  // Next message of any type (blocks).
  MessagePtr receive() { return MessagePtr(select_([](Message&) { return true; }, nullptr)); }
  std::optional<MessagePtr> receive_for(Duration timeout) {
    auto d = Clock::now() + timeout;
    if (Message* m = select_([](Message&) { return true; }, &d)) return MessagePtr(m);
    return std::nullopt;
  }
  // First queued message of type T (blocks); messages of other types stay queued in order.
  template <class T>
  T receive() {
    return take<T>(select_([](Message& m) { return m.is<T>(); }, nullptr));
  }
  // First queued T for which pred(const T&) holds.
  template <class T, class P>
  T receive(P pred) {
    return take<T>(select_([&](Message& m) { return m.is<T>() && pred(m.get<T>()); }, nullptr));
  }
  template <class T>
  std::optional<T> receive_for(Duration timeout) {
    auto d = Clock::now() + timeout;
    if (Message* m = select_([](Message& x) { return x.is<T>(); }, &d)) return take<T>(m);
    return std::nullopt;
  }
  template <class T, class P>
  std::optional<T> receive_for(Duration timeout, P pred) {
    auto d = Clock::now() + timeout;
    if (Message* m = select_([&](Message& x) { return x.is<T>() && pred(x.get<T>()); }, &d)) return take<T>(m);
    return std::nullopt;
  }
  // Selective receive on several cases (fnd::on<T>(...), fnd::on_any(...)): the first queued message
  // that matches any case is removed and handed to the first case matching it.
  template <class... Cs>
  void receive_select(Cs&&... cases) {
    Message* m = select_([&](Message& x) { return (cases.matches(x) || ...); }, nullptr);
    dispatch(MessagePtr(m), cases...);
  }
  // As receive_select with a timeout; false if it expired.
  template <class... Cs>
  bool receive_select_for(Duration timeout, Cs&&... cases) {
    auto d = Clock::now() + timeout;
    Message* m = select_([&](Message& x) { return (cases.matches(x) || ...); }, &d);
    if (!m) return false;
    dispatch(MessagePtr(m), cases...);
    return true;
  }
  // Number of delivered messages waiting in this process's queue.
  size_t queued() const noexcept;

  // ---- call / reply ----
  // Synchronous request: sends `req` flagged as a request and waits for the correlated reply.
  // Errors: errc::timeout, errc::noproc (target dead or died before replying), errc::badreply (reply of
  // another type), or the Error the server replied with.
  template <class R, class Req>
  Result<R> call(const Pid& to, Req&& req, Duration timeout) {
    auto r = call_raw(to, detail::make_message<std::decay_t<Req>>(std::forward<Req>(req)), timeout);
    if (!r) return std::move(r).error();
    Message& m = **r;
    if (m.is<R>()) return R(std::move(m.get<R>()));
    if (m.is<Error>()) return Error(m.get<Error>());
    return Error(errc::badreply, "reply of an unexpected type");
  }
  template <class R, class Req>
  Result<R> call(const Ref& to, Req&& req, Duration timeout) {
    Pid p = to.is_pid() ? to.pid() : whereis(to.name());
    if (!p) return Error(errc::noproc, "no process registered as " + std::string(to.name()));
    return call<R>(p, std::forward<Req>(req), timeout);
  }
  // Sender of the last received message.
  const Pid& sender() const noexcept { return last_sender_; }
  // Replies to the sender of the last received message (correlated if it was a call request).
  template <class T>
  void reply(T&& msg) {
    detail::reply_to(this, last_sender_, last_corr_, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }

  // ---- control ----
  // Gives the worker to other processes; a checkpoint for pending exit signals.
  void yield();
  // Ends this process now (unwinds the fiber).
  [[noreturn]] void stop(ExitReason reason = ExitReason::normal());
  [[noreturn]] void crash(Error error);

  // ---- internal ----
  detail::RunResult run_turn(detail::Worker& w) final;
  Result<MessagePtr> call_raw(const Pid& to, Message* req, Duration timeout);
  // Waits until new messages arrive (false at the deadline, if any). May throw ExitException.
  bool await_more(const Clock::time_point* deadline);
  void on_taken(Message* m) noexcept;
  void on_timeout_signal(uint64_t token) noexcept;
  std::function<void(Process&)> fn_;
  detail::FiberState* fs_ = nullptr;
  Pid last_sender_;
  uint64_t last_corr_ = 0;
  uint64_t last_msg_corr_ = 0;  // correlation id of the last received message, request or not (services)
  bool q_reset_ = false;  // set by await_more when queued messages were dropped (drop_oldest)

 private:
  template <class M>
  Message* select_(M&& match, const Clock::time_point* deadline) {
    Message* prev = nullptr;
    Message* cur = q_head_;
    for (;;) {
      while (cur) {
        if (match(*cur)) {
          if (prev) prev->next_ = cur->next_;
          else q_head_ = cur->next_;
          if (q_tail_ == cur) q_tail_ = prev;
          cur->next_ = nullptr;
          on_taken(cur);
          return cur;
        }
        prev = cur;
        cur = cur->next_;
      }
      if (!await_more(deadline)) return nullptr;
      if (q_reset_) {
        q_reset_ = false;
        prev = nullptr;
      }
      cur = prev ? prev->next_ : q_head_;
    }
  }
  template <class T>
  static T take(Message* m) {
    MessagePtr p(m);
    return T(std::move(m->get<T>()));
  }
  template <class C, class... Cs>
  static void dispatch(MessagePtr m, C& c, Cs&... rest) {
    if (c.matches(*m)) {
      c.run(*m);
      return;
    }
    if constexpr (sizeof...(Cs) > 0) dispatch(std::move(m), rest...);
  }
};

}  // namespace fnd
