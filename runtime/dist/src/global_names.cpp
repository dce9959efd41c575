// Global names across the cluster, through the membership registry (fnd_membership): a process
// registered under a name on one node is found, and sent to, from every node. The registry's state
// machine runs on the network thread; these calls hand it a command and wait for the answer. Conflicts
// (the same name registered on both sides of a partition) are resolved by the registry's rule when the
// views merge (docs/distribution.md "Global registry").
#include <future>

#include "core.hpp"

namespace fnd::dist {

namespace {
membership::Time swim_now() {
  return std::chrono::duration_cast<membership::Time>(SteadyClock::now().time_since_epoch());
}

// Runs fn on c's network thread and returns its result (def if the node is not running).
template <class R, class F>
R on_network_thread(DistNode::Core* c, R def, F fn) {
  auto done = std::make_shared<std::promise<R>>();
  auto f = done->get_future();
  c->post_command([done, fn = std::move(fn)]() mutable { done->set_value(fn()); });
  if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return def;
  try {
    return f.get();
  } catch (const std::future_error&) {  // dropped unrun: the node stopped meanwhile
    return def;
  }
}
}  // namespace

membership::RegisterError DistNode::register_global(const std::string& name, const Pid& pid) {
  using membership::RegisterError;
  if (core_->stopped || core_->error || !core_->opts.membership) return RegisterError::not_running;
  Core* c = core_;
  uint64_t id = c->export_pid(pid);  // 0: null or another node's pid (only local processes register)
  if (id == 0) return RegisterError::invalid_name;
  return on_network_thread(c, RegisterError::not_running, [c, name, id] {
    if (!c->swim) return RegisterError::not_running;
    RegisterError e = c->swim->register_name(name, id, swim_now());
    c->membership_flush();
    return e;
  });
}

bool DistNode::unregister_global(const std::string& name) {
  if (core_->stopped || core_->error || !core_->opts.membership) return false;
  Core* c = core_;
  return on_network_thread(c, false, [c, name] {
    if (!c->swim) return false;
    bool r = c->swim->unregister_name(name, swim_now());
    c->membership_flush();
    return r;
  });
}

Pid DistNode::whereis_global(const std::string& name) const {
  if (core_->stopped || core_->error || !core_->opts.membership) return Pid();
  return lookup_global(core_, name);
}

Pid lookup_global(DistNode::Core* c, const std::string& name) {
  return on_network_thread(c, Pid(), [c, name]() -> Pid {
    if (!c->swim) return Pid();
    auto r = c->swim->lookup(name);
    if (!r) return Pid();
    const membership::NodeId& n = r->node;
    if (n.name == c->name) return n.incarnation == c->inc ? c->local(r->pid_id) : Pid();
    if (!n.address.empty()) {
      c->name_of_address[n.address] = n.name;
      c->connect_io(n.name, n.address);
    }
    Peer* p = c->establish(n.name, n.incarnation);
    return p ? c->proxy(p, r->pid_id) : Pid();
  });
}

}  // namespace fnd::dist
