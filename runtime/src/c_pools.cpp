// Pools for generated code (fnd/runtime.h, "pools"): simple_one_for_one supervisors that
// `spawn pool(...)` adds children to, as the C++ back end's fnd::lang::pool_spawn does. start_child
// blocks its caller and a handler must not block, so the child is spawned at once, linked to the
// pool, and a fiber asks the pool to adopt it; restarts start a new child from the same arguments.
#include <any>
#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "fnd/fnd.hpp"
#include "fnd/runtime.h"
#include "c_values_internal.hpp"
#include "internal.hpp"

namespace fnd::detail {
Actor* c_ctx_actor(fnd_ctx* ctx);                                                    // c_api.cpp
Actor* c_new_actor(const fnd_actor_class* cls, fnd_native_make_fn make, const void* arg);  // c_api.cpp
SpawnOptions c_spawn_options(const fnd_spawn_opts* o);                               // c_api.cpp
}  // namespace fnd::detail

using namespace fnd;
using namespace fnd::detail;

namespace {

// A pool child's start arguments: a copy of the spawn site's args record, kept for restarts.
struct PoolArgs {
  PoolArgs(const fnd_record* r, const void* src) : rec(r), data(std::malloc(r->size ? r->size : 1)) {
    fnd_record_copy(rec, data, src);
  }
  PoolArgs(const PoolArgs&) = delete;
  PoolArgs& operator=(const PoolArgs&) = delete;
  const fnd_record* rec;
  void* data;
  ~PoolArgs() {
    fnd_record_destroy(rec, data);
    std::free(data);
  }
};

// What fnd_pool_spawn hands to start_child (ChildContext::args()).
struct PoolRequest {
  const fnd_actor_class* cls;
  fnd_native_make_fn make;
  std::shared_ptr<PoolArgs> args;
  SpawnOptions opts;
  Pid first;                                   // spawned by the caller, adopted on the first start
  std::shared_ptr<std::atomic<bool>> adopted;  // set once the first start ran
};

// A child of `sup` spawned from `spawner`'s process, linked to the pool.
Pid spawn_child(const PoolRequest& r, NodeImpl* node, ProcessCore* spawner, const Pid& sup) {
  Actor* a = c_new_actor(r.cls, r.make, r.args->data);
  if (!a) return Pid();
  SpawnOptions o = r.opts;
  o.link_to = sup;
  return spawn_core(node, spawner, a, o, false);
}

std::mutex pools_mu;
std::map<std::string, std::string, std::less<>> pools;  // pool declaration -> registered instance

}  // namespace

extern "C" {

fnd_status fnd_sup_spec_add_pool_template(fnd_sup_spec* spec, fnd_restart restart) {
  if (!spec) return FND_ERR_BADARG;
  ChildSpec c;
  c.id = "";
  c.restart = static_cast<Restart>(restart);
  c.start = [](ChildContext& ctx) -> Result<Pid> {
    const auto* req = std::any_cast<PoolRequest>(&ctx.args());
    if (!req) return Error(errc::badarg, "pool child started without arguments");
    if (!req->adopted->exchange(true) && req->first.alive()) return req->first;
    Process& sup = ctx.supervisor_process();
    Pid p = spawn_child(*req, sup.node_, &sup, ctx.supervisor());
    if (!p) return Error(errc::start_failed, "pool child failed to start");
    return p;
  };
  spec->spec.children.push_back(std::move(c));
  return FND_OK;
}

void fnd_pool_register(const char* decl, const char* instance) {
  std::lock_guard<std::mutex> lock(pools_mu);
  pools.insert_or_assign(std::string(decl ? decl : ""), std::string(instance ? instance : ""));
}

fnd_pid fnd_pool_spawn(fnd_ctx* ctx, const char* decl, const fnd_actor_class* cls, fnd_native_make_fn make,
                       const fnd_record* args_rec, const void* args, const fnd_spawn_opts* opts) {
  Actor& self = *c_ctx_actor(ctx);
  std::string instance;
  {
    std::lock_guard<std::mutex> lock(pools_mu);
    if (auto it = pools.find(decl ? decl : ""); it != pools.end()) instance = it->second;
  }
  Pid sup = instance.empty() ? Pid() : self.whereis(instance);
  if (!sup) {
    fnd_crash(ctx, errc::noproc, ("spawn: pool " + std::string(decl ? decl : "") + " is not running").c_str());
    return nullptr;
  }
  PoolRequest req{cls, make, std::make_shared<PoolArgs>(args_rec, args), c_spawn_options(opts), Pid(), std::make_shared<std::atomic<bool>>(false)};
  req.first = spawn_child(req, self.node_, &self, sup);
  if (!req.first) {
    fnd_crash(ctx, errc::start_failed, ("spawn: a child of pool " + std::string(decl) + " failed to start").c_str());
    return nullptr;
  }
  Pid child = req.first;
  self.spawn_fiber([sup, req = std::move(req)](Process& p) {
    auto r = start_child(p.node(), sup, std::any(req));
    if (!r) log::warning("spawn: the pool supervisor did not adopt its child: " + r.error().to_string());
  });
  return reinterpret_cast<fnd_pid>(child.detach());
}

}  // extern "C"
