// Nested supervisors and pools (see supervision.hpp).
#include "fnd/lang/supervision.hpp"

#include <any>
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

fnd::ChildSpec pool_template(std::string id, fnd::Restart restart) {
  fnd::ChildSpec c;
  c.id = std::move(id);
  c.restart = restart;
  c.start = [](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> {
    const auto* start = std::any_cast<PoolStart>(&ctx.args());
    if (!start || !*start) return fnd::Error(fnd::errc::badarg, "pool child started without arguments");
    return (*start)(ctx);
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
  auto r = fnd::start_child(self.node(), sup, std::any(std::move(start)));
  if (!r) self.crash(r.error());
  return fnd::Ref(*r);
}

}  // namespace fnd::lang
