// fnd::lang::Actor: the base of every actor generated from .fnd. A thin layer over fnd::Actor that
// holds what the language needs per actor and the runtime does not know about: its society
// membership (for neighbors(), broadcast, publish/subscribe) and the monitors it holds (so that
// `demonitor(r)` can find them by ref). The language's built-ins are free functions below taking
// the actor, so generated member names never clash with the base's.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <fnd/actor.hpp>
#include <fnd/error.hpp>
#include <fnd/message.hpp>
#include <fnd/ref.hpp>

#include "fnd/lang/society.hpp"
#include "fnd/lang/value.hpp"

namespace fnd::lang {

class Actor : public fnd::Actor {
 public:
  // Adopts the membership a society's start function announced for the actor being constructed.
  Actor();

  // Generated actors live in whole cache lines (fnd/detail/process_core.hpp, alloc_process). The
  // destructor is virtual, so the size is the actor's own.
  static void* operator new(std::size_t size) { return fnd::detail::alloc_process(size); }
  static void operator delete(void* p, std::size_t size) noexcept { fnd::detail::free_process(p, size); }
  // An extern actor with over-aligned members keeps the global aligned allocation.
  static void* operator new(std::size_t size, std::align_val_t a) { return ::operator new(size, a); }
  static void operator delete(void* p, std::size_t size, std::align_val_t a) noexcept { ::operator delete(p, size, a); }

  // Not a society member: a null society.
  const Membership& membership() const noexcept;

  // Monitors held, by target pid (for demonitor by ref).
  std::multimap<fnd::Pid, fnd::MonitorRef>& monitors();
  bool has_monitors() const noexcept { return extras_ && !extras_->monitors.empty(); }

 private:
  // Allocated on first use: most actors are neither society members nor monitor anyone, and an
  // actor's size is what spawning many of them costs.
  struct Extras {
    Membership membership;
    std::multimap<fnd::Pid, fnd::MonitorRef> monitors;
  };
  std::unique_ptr<Extras> extras_;
};

// The pid a ref reaches now (a name is resolved through the registry; null if nobody holds it).
fnd::Pid resolve(const fnd::Actor& self, const fnd::Ref& r);

// `sender`: a ref to the sender of the current message.
inline fnd::Ref sender_ref(const fnd::Actor& self) { return fnd::Ref(self.sender()); }
inline fnd::Ref self_ref(const fnd::Actor& self) { return fnd::Ref(self.self()); }

// `a == b` on refs. Two pid refs or two name refs compare what they are; a name ref (a child,
// a society member) and a pid ref (`sender`, `spawn`, `self`) are equal when the name names that
// process now, as a send to either would reach the same process. The null ref equals only itself.
inline bool same_ref(const fnd::Actor& self, const fnd::Ref& a, const fnd::Ref& b) {
  if (a.is_name() == b.is_name()) return a == b;
  const fnd::Pid& pid = a.is_name() ? b.pid() : a.pid();
  return pid && self.whereis(a.is_name() ? a.name() : b.name()) == pid;
}
// xs.contains(r) for a list of refs, with the equality of same_ref.
inline bool contains_ref(const fnd::Actor& self, const List<fnd::Ref>& xs, const fnd::Ref& r) {
  for (const auto& x : xs)
    if (same_ref(self, x, r)) return true;
  return false;
}

// link/unlink/monitor/demonitor on refs. A name that nobody holds behaves as a dead process:
// link gives an exit signal (noproc), monitor gives an `on down` with reason "noproc".
void link(Actor& self, const fnd::Ref& r);
void unlink(Actor& self, const fnd::Ref& r);
void monitor(Actor& self, const fnd::Ref& r);
void demonitor(Actor& self, const fnd::Ref& r);
// Forgets a monitor that fired (called before `on down` runs).
void forget_monitor(Actor& self, const fnd::Down& d);

// The text a `.fnd` program sees as an exit reason: "normal", "shutdown", "killed", "noproc",
// the reason given to crash(), the message of a checked-operation failure, or "code: message".
std::string reason_text(const fnd::ExitReason& r);

// neighbors(): this member's neighbours in its society's topology (empty outside societies).
List<fnd::Ref> neighbors(const Actor& self);
// A role's members as seen from this actor's society (empty if it has no such role).
List<fnd::Ref> role_members(const Actor& self, std::string_view role);

// broadcast role Msg{..}: to every current member of the role, in member order.
template <class M>
void broadcast(Actor& self, std::string_view role, const M& msg) {
  for (const auto& r : role_members(self, role)) self.send(r, M(msg));
}
// subscribe topic / publish topic Msg{..}: subscribers of the topic in this member's society,
// in member order. A subscription belongs to the incarnation that made it: it ends when that
// process exits (a restarted member subscribes again in its `on start`).
void subscribe(Actor& self, std::string_view topic);
std::vector<fnd::Ref> subscribers(const Actor& self, std::string_view topic);
template <class M>
void publish(Actor& self, std::string_view topic, const M& msg) {
  for (const auto& r : subscribers(self, topic)) self.send(r, M(msg));
}

// shutdown(code): the node stops cleanly and the program exits with `code`.
void shutdown(Actor& self, std::int64_t code);

// emit a.b.c(x, y): a telemetry event; arguments become measurements "0", "1", ... With names
// (`emit a.b(n: x)`) they are the measurements' keys. Both add `correlation_id` when the message
// being handled carries one (its request context).
void emit(std::string_view event, std::vector<double> values);
void emit_named(std::string_view event, std::vector<std::pair<const char*, double>> values);
inline double measurement(std::int64_t v) { return static_cast<double>(v); }
inline double measurement(double v) { return v; }
inline double measurement(bool v) { return v ? 1.0 : 0.0; }
inline double measurement(Duration v) { return static_cast<double>(v.count()); }
inline double measurement(const std::string& v) { return static_cast<double>(v.size()); }
inline double measurement(const fnd::Ref& v) { return static_cast<double>(v.pid().id()); }

}  // namespace fnd::lang
