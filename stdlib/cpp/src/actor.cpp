// The language's built-ins that act on the running actor.
#include "fnd/lang/actor.hpp"

#include <fnd/node.hpp>
#include <fnd/request_context.hpp>
#include <fnd/telemetry.hpp>

namespace fnd::lang {

Actor::Actor() {
  trap_linked_exits_only();  // `trap_exit: true` traps linked actors' exits, not a supervisor's stop
  Membership m = fnd::take_pending_society_membership();
  if (m.society) extras_ = std::make_unique<Extras>(Extras{std::move(m), {}});
}

const Membership& Actor::membership() const noexcept {
  static const Membership none;
  return extras_ ? extras_->membership : none;
}

std::multimap<fnd::Pid, fnd::MonitorRef>& Actor::monitors() {
  if (!extras_) extras_ = std::make_unique<Extras>();
  return extras_->monitors;
}

fnd::Pid resolve(const fnd::Actor& self, const fnd::Ref& r) {
  if (r.is_pid()) return r.pid();
  return self.whereis(r.name());
}

void link(Actor& self, const fnd::Ref& r) {
  fnd::Pid p = resolve(self, r);
  if (p.is_null()) {
    // Linking to nobody is linking to a dead process: an exit signal with reason noproc.
    if (self.trapping_exits()) self.send(self.self(), fnd::Exit{fnd::Pid(), fnd::ExitReason::noproc()});
    else self.crash(fnd::Error(fnd::errc::noproc, "link: no process " + r.to_string()));
    return;
  }
  self.link(p);
}

void unlink(Actor& self, const fnd::Ref& r) {
  fnd::Pid p = resolve(self, r);
  if (!p.is_null()) self.unlink(p);
}

void monitor(Actor& self, const fnd::Ref& r) {
  fnd::Pid p = resolve(self, r);
  if (p.is_null()) {
    self.send(self.self(), fnd::Down{fnd::MonitorRef{}, fnd::Pid(), fnd::ExitReason::noproc()});
    return;
  }
  self.monitors().emplace(p, self.monitor(p));
}

void demonitor(Actor& self, const fnd::Ref& r) {
  if (!self.has_monitors()) return;
  fnd::Pid p = resolve(self, r);
  auto& ms = self.monitors();
  auto [b, e] = ms.equal_range(p);
  for (auto it = b; it != e; ++it) self.demonitor(it->second, true);
  ms.erase(b, e);
}

void forget_monitor(Actor& self, const fnd::Down& d) {
  if (!self.has_monitors()) return;
  auto& ms = self.monitors();
  auto [b, e] = ms.equal_range(d.pid);
  for (auto it = b; it != e; ++it) {
    if (it->second == d.ref) {
      ms.erase(it);
      return;
    }
  }
}

std::string reason_text(const fnd::ExitReason& r) {
  if (const fnd::Error* e = r.error_value()) {
    if (e->code == fnd::errc::crash || e->code == fnd::errc::exception) return e->message;
    return e->code + ": " + e->message;
  }
  return fnd::to_string(r.kind());
}

List<fnd::Ref> neighbors(const Actor& self) {
  const auto& m = self.membership();
  if (!m.society) return {};
  return m.society->neighbors(m.index);
}

List<fnd::Ref> role_members(const Actor& self, std::string_view role) {
  const auto& m = self.membership();
  if (!m.society) return {};
  return m.society->role_members(role);
}

void subscribe(Actor& self, std::string_view topic) {
  const auto& m = self.membership();
  if (m.society) m.society->subscribe(m.index, self.self(), topic);
}

std::vector<fnd::Ref> subscribers(const Actor& self, std::string_view topic) {
  const auto& m = self.membership();
  std::vector<fnd::Ref> out;
  if (!m.society) return out;
  for (fnd::Pid& pid : m.society->subscribers(topic)) out.push_back(fnd::Ref(std::move(pid)));
  return out;
}

void shutdown(Actor& self, std::int64_t code) {
  self.hold_messages();  // the program is ending: this actor's queued messages are not handled
  self.node().shutdown(static_cast<int>(code));
}

namespace {
// The correlation id of the message being handled, as a measurement (ids are counters: exact in a
// double up to 2^53).
void add_correlation(fnd::telemetry::Measurements& ms) {
  if (const std::uint64_t id = fnd::current_request_context().correlation_id(); id != 0)
    ms.emplace_back("correlation_id", static_cast<double>(id));
}
}  // namespace

void emit(std::string_view event, std::vector<double> values) {
  fnd::telemetry::Measurements ms;
  ms.reserve(values.size() + 1);
  for (std::size_t i = 0; i < values.size(); ++i) ms.emplace_back(std::to_string(i), values[i]);
  add_correlation(ms);
  fnd::telemetry::emit(event, ms);
}

void emit_named(std::string_view event, std::vector<std::pair<const char*, double>> values) {
  fnd::telemetry::Measurements ms;
  ms.reserve(values.size() + 1);
  for (auto& [k, v] : values) ms.emplace_back(k, v);
  add_correlation(ms);
  fnd::telemetry::emit(event, ms);
}

}  // namespace fnd::lang
