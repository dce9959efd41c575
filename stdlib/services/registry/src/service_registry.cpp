#include "fnd/services/service_registry.hpp"

#include <condition_variable>
#include <list>
#include <mutex>

#include "fnd/process.hpp"
#include "fnd/services/death_watch.hpp"
#include "fnd/services/errors.hpp"

namespace fnd::services {
namespace {
struct RegistryWake {
  uint64_t token;
};
struct Entry {
  ServiceInfo info;
  HealthCheck health;
};
using Key = std::pair<std::string, std::string>;  // (namespace, name)

Error not_found(const std::string& ns, const std::string& name) {
  return errors::make(errors::code::not_found, "no service " + name + " in namespace " + ns)
      .with("namespace", ns).with("service", name);
}
}  // namespace

struct ServiceRegistry::Impl {
  explicit Impl(Node& n) : node(n) {}
  Node& node;
  mutable std::mutex mu;
  std::map<Key, Entry> entries;
  struct Waiter {
    Key key;
    uint64_t token;
    std::condition_variable* cv = nullptr;
    Pid fiber;
    Pid found;
  };
  std::list<Waiter> waiters;
  uint64_t next_token = 1;
  std::unique_ptr<DeathWatch> deaths;

  void drop_dead(const Pid& dead) {
    std::lock_guard<std::mutex> g(mu);
    std::erase_if(entries, [&](const auto& e) { return e.second.info.pid == dead; });
  }
  // The entry if its process still holds the runtime name (the name goes at death, before the monitor fires).
  const Entry* live_locked(const Key& k) const {
    auto it = entries.find(k);
    if (it == entries.end()) return nullptr;
    if (node.whereis(process_name(k.first, k.second)) != it->second.info.pid) return nullptr;
    return &it->second;
  }
};

std::string ServiceRegistry::process_name(const std::string& ns, const std::string& name) {
  return "svc:" + ns + ":" + name;
}

ServiceRegistry::ServiceRegistry(Node& node) : impl_(std::make_unique<Impl>(node)) {
  Impl* im = impl_.get();
  im->deaths = std::make_unique<DeathWatch>(node, [im](const Pid& dead) { im->drop_dead(dead); });
}

ServiceRegistry::~ServiceRegistry() {
  impl_->deaths.reset();
  std::lock_guard<std::mutex> g(impl_->mu);
  for (auto& [k, e] : impl_->entries)
    if (impl_->node.whereis(process_name(k.first, k.second)) == e.info.pid)
      impl_->node.unregister_name(process_name(k.first, k.second));
}

Result<void> ServiceRegistry::register_service(const std::string& ns, const std::string& name, const Pid& pid,
                                               Metadata metadata, HealthCheck health) {
  for (auto* part : {&ns, &name})
    if (part->empty() || part->find(':') != std::string::npos)
      return Error(errc::badarg, "service namespace and name must be non-empty and without ':' (" + ns + ", " + name + ")");
  if (!pid) return Error(errc::badarg, "register_service needs a pid");
  std::string pname = process_name(ns, name);
  Impl& im = *impl_;
  std::lock_guard<std::mutex> g(im.mu);
  if (auto r = im.node.register_name(pname, pid); !r) {
    Error e = r.error();
    e.with("namespace", ns).with("service", name);
    return e;
  }
  if (!pid.alive()) {  // registered a pid that died meanwhile: the runtime may not unregister it
    im.node.unregister_name(pname);
    return Error(errc::noproc, "service " + name + ": process " + pid.to_string() + " is not alive");
  }
  Entry e;
  e.info = {ns, name, pid, std::move(metadata), static_cast<bool>(health), std::chrono::system_clock::now()};
  e.health = std::move(health);
  im.entries[{ns, name}] = std::move(e);
  im.deaths->watch(pid);
  for (auto& w : im.waiters) {
    if (w.key != Key{ns, name} || w.found) continue;
    w.found = pid;
    if (w.cv) w.cv->notify_one();
    else fnd::send(w.fiber, RegistryWake{w.token});
  }
  return {};
}

Result<void> ServiceRegistry::unregister_service(const std::string& ns, const std::string& name) {
  Impl& im = *impl_;
  Pid pid;
  {
    std::lock_guard<std::mutex> g(im.mu);
    auto it = im.entries.find({ns, name});
    if (it == im.entries.end()) return not_found(ns, name);
    pid = it->second.info.pid;
    if (im.node.whereis(process_name(ns, name)) == pid) im.node.unregister_name(process_name(ns, name));
    im.entries.erase(it);
  }
  im.deaths->unwatch(pid);
  return {};
}

Result<ServiceInfo> ServiceRegistry::lookup(const std::string& ns, const std::string& name) const {
  std::lock_guard<std::mutex> g(impl_->mu);
  const Entry* e = impl_->live_locked({ns, name});
  if (!e) return not_found(ns, name);
  return e->info;
}

std::vector<ServiceInfo> ServiceRegistry::list(const std::string& ns) const {
  std::lock_guard<std::mutex> g(impl_->mu);
  std::vector<ServiceInfo> out;
  for (auto it = impl_->entries.lower_bound({ns, ""}); it != impl_->entries.end() && it->first.first == ns; ++it)
    if (impl_->live_locked(it->first)) out.push_back(it->second.info);
  return out;
}

std::vector<std::string> ServiceRegistry::namespaces() const {
  std::lock_guard<std::mutex> g(impl_->mu);
  std::vector<std::string> out;
  for (auto& [k, e] : impl_->entries)
    if ((out.empty() || out.back() != k.first) && impl_->live_locked(k)) out.push_back(k.first);
  return out;
}

Result<Pid> ServiceRegistry::wait_for(const std::string& ns, const std::string& name, std::chrono::milliseconds timeout) {
  Impl& im = *impl_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> l(im.mu);
  if (const Entry* e = im.live_locked({ns, name})) return e->info.pid;
  std::condition_variable cv;
  detail::ProcessCore* self = detail::current_process();
  bool fiber = self && (self->flags_ & detail::kFiber);
  auto it = im.waiters.insert(im.waiters.end(), Impl::Waiter{{ns, name}, im.next_token++});
  if (fiber) {
    it->fiber = Pid::share(self->cb_);
    uint64_t token = it->token;
    l.unlock();
    auto match = [token](const RegistryWake& w) { return w.token == token; };
    bool got = static_cast<Process*>(self)->receive_for<RegistryWake>(deadline - std::chrono::steady_clock::now(), match).has_value();
    l.lock();
    if (!got && it->found) {  // found as the wait timed out: take the wake-up out of the mailbox
      l.unlock();
      (void)static_cast<Process*>(self)->receive_for<RegistryWake>(std::chrono::milliseconds(50), match);
      l.lock();
    }
  } else {
    it->cv = &cv;
    cv.wait_until(l, deadline, [&] { return static_cast<bool>(it->found); });
  }
  Pid found = it->found;
  im.waiters.erase(it);
  if (found) return found;
  return errors::make(errors::code::timeout, "service " + name + " in namespace " + ns + " did not register within " +
                                                 std::to_string(timeout.count()) + "ms")
      .with("namespace", ns).with("service", name);
}

Result<void> ServiceRegistry::check_health(const std::string& ns, const std::string& name) const {
  HealthCheck check;
  Pid pid;
  {
    std::lock_guard<std::mutex> g(impl_->mu);
    auto it = impl_->entries.find({ns, name});
    if (it == impl_->entries.end()) return not_found(ns, name);
    check = it->second.health;
    pid = it->second.info.pid;
  }
  if (!pid.alive())
    return errors::make(errors::code::service_unavailable, "service " + name + ": process " + pid.to_string() + " is dead");
  if (!check) return {};
  Result<void> r = [&]() -> Result<void> {
    try {
      return check();
    } catch (const std::exception& e) {
      return Error(errc::exception, e.what());
    }
  }();
  if (r) return r;
  Error e = errors::make(errors::code::service_unavailable, "service " + name + " is unhealthy: " + r.error().message);
  e.with("namespace", ns).with("service", name).with("cause", r.error().code);
  return e;
}

}  // namespace fnd::services
