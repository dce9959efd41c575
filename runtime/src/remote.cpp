// The runtime side of the distribution seam (fnd/detail/remote.hpp).
#include "fnd/detail/remote.hpp"

#include <atomic>

#include "internal.hpp"

namespace fnd::detail {

namespace {
std::atomic<const RemoteHooks*> g_hooks{nullptr};
}

void set_remote_hooks(const RemoteHooks* hooks) noexcept { g_hooks.store(hooks, std::memory_order_release); }

bool route_remote(ControlBlock* to, Message* m) {
  const RemoteHooks* h = g_hooks.load(std::memory_order_acquire);
  if (!h) {
    destroy_message(m);
    return false;
  }
  return h->route(to, m);
}

void destroy_remote_block(ControlBlock* cb) noexcept {
  if (const RemoteHooks* h = g_hooks.load(std::memory_order_acquire)) h->destroy(cb);
}

void deliver_from_remote(const Pid& to, Message* m) { post_nowait(nullptr, to, m); }

bool read_signal(const Message* m, SignalFields& out) {
  auto* mm = const_cast<Message*>(m);
  out = SignalFields{};
  out.kind = static_cast<uint8_t>(m->sys_);
  switch (m->sys_) {
    case Sys::link:
    case Sys::unlink: return true;
    case Sys::monitor:
    case Sys::demonitor: out.ref = mm->get<SigRef>().ref; return true;
    case Sys::exit:
      out.linked = mm->get<SigExit>().linked;
      out.reason = mm->get<SigExit>().reason;
      return true;
    case Sys::down:
      out.ref = mm->get<SigDown>().ref;
      out.reason = mm->get<SigDown>().reason;
      return true;
    default: return false;
  }
}

Message* make_remote_signal(const SignalFields& f) {
  switch (static_cast<Sys>(f.kind)) {
    case Sys::link: return make_signal(Sys::link, SigEmpty{});
    case Sys::unlink: return make_signal(Sys::unlink, SigEmpty{});
    case Sys::monitor: return make_signal(Sys::monitor, SigRef{f.ref});
    case Sys::demonitor: return make_signal(Sys::demonitor, SigRef{f.ref});
    case Sys::exit: return make_signal(Sys::exit, SigExit{f.reason, f.linked});
    case Sys::down: return make_signal(Sys::down, SigDown{f.ref, f.reason});
    default: return nullptr;
  }
}

Pid find_local_pid(const Node& node, uint64_t id) {
  NodeImpl* n = node.impl();
  if (id == 0 || id >= n->next_id.load(std::memory_order_relaxed)) return Pid();  // never given out
  return n->find_by_id(id);
}

void index_local_pids(const Node& node) { node.impl()->enable_id_index(); }

}  // namespace fnd::detail
