// Links and monitors on refs for generated code (fnd/runtime_values.h): the language's semantics
// (stdlib/cpp/src/actor.cpp for the C++ back end) over the runtime's C++ API.
#include <map>
#include <string>

#include "fnd/fnd.hpp"
#include "fnd/runtime.h"
#include "c_values_internal.hpp"


struct fnd_monitors {
  std::multimap<fnd::Pid, fnd::MonitorRef> by_pid;
};

namespace fnd::detail {
Actor* c_ctx_actor(fnd_ctx* ctx);  // c_api.cpp
}

namespace {

fnd::Pid resolve(fnd::Actor& self, const fnd_ref* r) {
  if (fnd::detail::ref_is_name(r)) return self.whereis(r->ref.name());
  fnd::detail::ControlBlock* cb = fnd::detail::ref_pid_cb(r);
  return cb ? fnd::Pid::share(cb) : fnd::Pid();
}

std::string ref_text(const fnd_ref* r) { return fnd_ref_cxx(r).to_string(); }

fnd_str* reason_text(const fnd::ExitReason& r) {
  std::string s;
  if (const fnd::Error* e = r.error_value()) {
    s = (e->code == fnd::errc::crash || e->code == fnd::errc::exception) ? e->message : e->code + ": " + e->message;
  } else {
    s = fnd::to_string(r.kind());
  }
  return fnd_str_new(s.data(), s.size());
}

fnd_ref* ref_of(const fnd::Pid& p) { return fnd_ref_from_pid(reinterpret_cast<fnd_pid>(p.control_block())); }

}  // namespace

extern "C" {

int fnd_ref_link(fnd_ctx* ctx, const fnd_ref* r) {
  fnd::Actor& self = *fnd::detail::c_ctx_actor(ctx);
  fnd::Pid p = resolve(self, r);
  if (p.is_null()) {
    if (self.trapping_exits()) {
      self.send(self.self(), fnd::Exit{fnd::Pid(), fnd::ExitReason::noproc()});
      return 0;
    }
    fnd_crash(ctx, fnd::errc::noproc, ("link: no process " + ref_text(r)).c_str());
    return 1;
  }
  self.link(p);
  return 0;
}

void fnd_ref_unlink(fnd_ctx* ctx, const fnd_ref* r) {
  fnd::Actor& self = *fnd::detail::c_ctx_actor(ctx);
  fnd::Pid p = resolve(self, r);
  if (!p.is_null()) self.unlink(p);
}

void fnd_ref_monitor(fnd_ctx* ctx, fnd_monitors** table, const fnd_ref* r) {
  fnd::Actor& self = *fnd::detail::c_ctx_actor(ctx);
  fnd::Pid p = resolve(self, r);
  if (p.is_null()) {
    self.send(self.self(), fnd::Down{fnd::MonitorRef{}, fnd::Pid(), fnd::ExitReason::noproc()});
    return;
  }
  if (!*table) *table = new fnd_monitors();
  (*table)->by_pid.emplace(p, self.monitor(p));
}

void fnd_ref_demonitor(fnd_ctx* ctx, fnd_monitors** table, const fnd_ref* r) {
  if (!*table) return;
  fnd::Actor& self = *fnd::detail::c_ctx_actor(ctx);
  fnd::Pid p = resolve(self, r);
  auto [b, e] = (*table)->by_pid.equal_range(p);
  for (auto it = b; it != e; ++it) self.demonitor(it->second, true);
  (*table)->by_pid.erase(b, e);
}

void fnd_monitors_free(fnd_monitors* table) { delete table; }

int fnd_msg_down(fnd_monitors** table, fnd_msg* msg, fnd_ref** who, fnd_str** reason) {
  auto* m = reinterpret_cast<fnd::Message*>(msg);
  if (!m->is<fnd::Down>()) return 0;
  const auto& d = m->get<fnd::Down>();
  if (*table) {  // a monitor that fired is forgotten before `on down` runs
    auto [b, e] = (*table)->by_pid.equal_range(d.pid);
    for (auto it = b; it != e; ++it) {
      if (it->second == d.ref) {
        (*table)->by_pid.erase(it);
        break;
      }
    }
  }
  *who = ref_of(d.pid);
  *reason = reason_text(d.reason);
  return 1;
}

int fnd_msg_exit(fnd_msg* msg, fnd_ref** who, fnd_str** reason) {
  auto* m = reinterpret_cast<fnd::Message*>(msg);
  if (!m->is<fnd::Exit>()) return 0;
  const auto& x = m->get<fnd::Exit>();
  *who = ref_of(x.from);
  *reason = reason_text(x.reason);
  return 1;
}

}  // extern "C"
