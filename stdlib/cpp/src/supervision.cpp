// Nested supervisors and pools (see supervision.hpp).
#include "fnd/lang/supervision.hpp"

#include <any>
#include <atomic>
#include <memory>
#include <map>
#include <mutex>

#include "fnd/lang/actor.hpp"

namespace fnd::lang {

std::string child_name(std::string_view parent, std::string_view id) {
  std::string s(parent);
  s += '.';
  s += id;
  return s;
}

fnd::ChildSpec supervisor_child(const std::string& parent, std::string id, fnd::SupervisorSpec spec) {
  spec.name = child_name(parent, id);
  return fnd::supervisor_child(std::move(id), std::move(spec));
}

namespace {
// What a pool's start_child carries (ChildContext::args()).
struct PoolRequest {
  PoolStart start;
  fnd::Pid first;                              // spawned by the caller, adopted on the first start
  std::shared_ptr<std::atomic<bool>> adopted;  // set once the first start ran
};
}  // namespace

fnd::ChildSpec pool_template(fnd::Restart restart) {
  fnd::ChildSpec c;
  c.id = "";
  c.restart = restart;
  c.start = [](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> {
    const auto* req = std::any_cast<PoolRequest>(&ctx.args());
    if (!req || !req->start) return fnd::Error(fnd::errc::badarg, "pool child started without arguments");
    if (!req->adopted->exchange(true) && req->first.alive()) return req->first;
    fnd::SpawnOptions opts;
    opts.link_to = ctx.supervisor();
    return req->start(ctx.supervisor_process(), opts);
  };
  return c;
}

namespace {
std::mutex pools_mu;
std::map<std::string, std::string, std::less<>> pools;  // pool decl -> registered instance name
}  // namespace

void register_pool(std::string_view decl, std::string instance) {
  std::lock_guard<std::mutex> lock(pools_mu);
  pools.insert_or_assign(std::string(decl), std::move(instance));
}

fnd::Ref pool_spawn(Actor& self, std::string_view decl, PoolStart start) {
  std::string instance;
  {
    std::lock_guard<std::mutex> lock(pools_mu);
    auto it = pools.find(decl);
    if (it != pools.end()) instance = it->second;
  }
  fnd::Pid sup = instance.empty() ? fnd::Pid() : self.whereis(instance);
  if (sup.is_null()) self.crash(fnd::Error(fnd::errc::noproc, "spawn: pool " + std::string(decl) + " is not running"));
  fnd::SpawnOptions opts;
  opts.link_to = sup;
  fnd::Pid child = start(self, opts);
  if (child.is_null()) self.crash(fnd::Error(fnd::errc::start_failed, "spawn: a child of pool " + std::string(decl) + " failed to start"));
  PoolRequest req{std::move(start), child, std::make_shared<std::atomic<bool>>(false)};
  // start_child blocks its caller: a fiber may block, an actor handler must not.
  self.spawn_fiber([sup, req = std::move(req)](fnd::Process& p) {
    auto r = fnd::start_child(p.node(), sup, std::any(req));
    if (!r) fnd::log::warning("spawn: the pool supervisor did not adopt its child: " + r.error().to_string());
  });
  return fnd::Ref(child);
}

}  // namespace fnd::lang
