// Societies through the C ABI (fnd/runtime.h, "societies"): the state is the runtime's fnd::Society
// (fnd/society.hpp), the very object the C++ back end's societies use (member names
// "<society>.<role>.<i>", member order, topologies by fnd/society_topology.hpp, subscriptions per
// incarnation), so C members and native (C++ extern) members of one society share it. Membership is
// announced to the actor being constructed by its start function (the shared pending slot) and kept
// in the CActor, or in the fnd::lang::Actor of a native member.
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fnd/runtime.h"
#include "c_values_internal.hpp"
#include "fnd/society.hpp"

// The C enum converts to the shared rules' enum by value.
static_assert(static_cast<int>(fnd::SocietyTopology::mesh) == FND_TOPOLOGY_MESH &&
              static_cast<int>(fnd::SocietyTopology::tree) == FND_TOPOLOGY_TREE &&
              static_cast<int>(fnd::SocietyTopology::ring) == FND_TOPOLOGY_RING &&
              static_cast<int>(fnd::SocietyTopology::star) == FND_TOPOLOGY_STAR &&
              static_cast<int>(fnd::SocietyTopology::pub_sub) == FND_TOPOLOGY_PUB_SUB);

namespace fnd::detail {

// A society's spec being built: the running state its members share, and how members restart.
struct CSociety {
  std::shared_ptr<Society> state;
  bool self_healing = true;
};

namespace {
const fnd_elem ref_elem{FND_KIND_REF, sizeof(fnd_ref*), nullptr};

template <class It>
fnd_list* ref_list(It begin, It end) {
  fnd_list* l = fnd_list_new(&ref_elem);
  for (It it = begin; it != end; ++it) {
    fnd_ref* r = new fnd_ref{{1}, *it};
    fnd_list_push(&l, &ref_elem, &r);  // the list retains
    fnd_ref_release(r);
  }
  return l;
}

// A copy of `value` to `to` (fnd_ref_send moves the copy into the runtime).
void send_copy(fnd_ctx* ctx, const fnd_ref* to, const fnd_type* type, const void* value) {
  const std::size_t align = type->align ? type->align : alignof(std::max_align_t);
  void* buf = ::operator new(type->size ? type->size : 1, std::align_val_t(align));
  if (type->copy) type->copy(buf, value);
  else std::memcpy(buf, value, type->size);
  fnd_ref_send(ctx, to, type, buf);
  ::operator delete(buf, std::align_val_t(align));
}
}  // namespace

void c_set_pending_membership(CMembership m) noexcept { set_pending_society_membership(std::move(m)); }
CMembership c_take_pending_membership() noexcept { return take_pending_society_membership(); }

}  // namespace fnd::detail

using namespace fnd;
using namespace fnd::detail;

extern "C" {

fnd_sup_spec* fnd_society_spec_new(const char* name, fnd_topology topology, int self_healing, uint32_t intensity,
                                   uint32_t period_ms) {
  fnd_sup_spec* spec = fnd_sup_spec_new(name, FND_ONE_FOR_ONE, intensity, period_ms);
  spec->society = std::make_shared<CSociety>();
  spec->society->state = std::make_shared<Society>(name ? name : "", static_cast<SocietyTopology>(topology));
  spec->society->self_healing = self_healing != 0;
  return spec;
}

namespace {
// The members of a role, of a C class (cls) or made by a native factory (make).
fnd_status add_role(fnd_sup_spec* spec, const char* role, int64_t count, const fnd_actor_class* cls,
                    fnd_native_make_fn make, const void* arg, const fnd_spawn_opts* opts) {
  if (!spec || !spec->society || !role || (!cls && !make) || count < 0) {
    // Reported (status and last error) by the common path: a child spec without spec or class.
    return fnd_sup_spec_add_child_opts(nullptr, nullptr, nullptr, nullptr, nullptr, FND_PERMANENT,
                                       FND_SHUTDOWN_TIMEOUT, 0, nullptr);
  }
  const CSociety& soc = *spec->society;
  const std::size_t first = soc.state->members().size();
  for (int64_t i = 0; i < count; ++i) {
    const std::string id = std::string(role) + "." + std::to_string(i);
    // A 5 s shutdown, as fnd::ChildSpec's default (the C++ back end's members).
    fnd_status st = fnd_sup_spec_add_child_opts(spec, id.c_str(), cls, cls ? nullptr : make, arg,
                                                soc.self_healing ? FND_PERMANENT : FND_TEMPORARY,
                                                FND_SHUTDOWN_TIMEOUT, 5000, opts);
    if (st != FND_OK) return st;
    ChildSpec& c = spec->spec.children.back();
    c.start = [society = soc.state, index = first + static_cast<std::size_t>(i),
               start = std::move(c.start)](ChildContext& ctx) -> Result<Pid> {
      set_pending_society_membership(SocietyMembership{society, index});
      auto r = start(ctx);
      set_pending_society_membership(SocietyMembership{});  // in case the start failed before constructing
      return r;
    };
  }
  soc.state->add_role(role, static_cast<std::size_t>(count));
  return FND_OK;
}
}  // namespace

fnd_status fnd_society_spec_add_role(fnd_sup_spec* spec, const char* role, int64_t count, const fnd_actor_class* cls,
                                     const void* arg, const fnd_spawn_opts* opts) {
  return add_role(spec, role, count, cls, nullptr, arg, opts);
}

fnd_status fnd_society_spec_add_native_role(fnd_sup_spec* spec, const char* role, int64_t count,
                                            fnd_native_make_fn make, const void* arg, const fnd_spawn_opts* opts) {
  return add_role(spec, role, count, nullptr, make, arg, opts);
}

fnd_list* fnd_role_refs(const char* society, const char* role, int64_t count) {
  std::vector<Ref> refs;
  for (int64_t i = 0; i < count; ++i)
    refs.push_back(child_ref(society ? society : "", std::string(role ? role : "") + "." + std::to_string(i)));
  return ref_list(refs.begin(), refs.end());
}

fnd_list* fnd_role_members(fnd_ctx* ctx, const char* role) {
  const CMembership& m = c_membership(ctx);
  if (!m.society) return fnd_list_new(&ref_elem);
  std::vector<Ref> refs = m.society->role_members(role ? role : "");
  return ref_list(refs.begin(), refs.end());
}

fnd_list* fnd_neighbors(fnd_ctx* ctx) {
  const CMembership& m = c_membership(ctx);
  if (!m.society) return fnd_list_new(&ref_elem);
  std::vector<Ref> n = m.society->neighbors(m.index);
  return ref_list(n.begin(), n.end());
}

void fnd_subscribe(fnd_ctx* ctx, const char* topic) {
  const CMembership& m = c_membership(ctx);
  if (!m.society) return;
  m.society->subscribe(m.index, Pid::share(reinterpret_cast<ControlBlock*>(fnd_self(ctx))), topic ? topic : "");
}

void fnd_broadcast(fnd_ctx* ctx, const char* role, const fnd_type* type, const void* value) {
  const CMembership& m = c_membership(ctx);
  const Society::Role* r = m.society ? m.society->find_role(role ? role : "") : nullptr;
  if (!r) return;
  for (std::size_t i = r->first; i < r->first + r->count; ++i) {
    fnd_ref to{{1}, m.society->members()[i]};
    send_copy(ctx, &to, type, value);
  }
}

void fnd_publish(fnd_ctx* ctx, const char* topic, const fnd_type* type, const void* value) {
  const CMembership& m = c_membership(ctx);
  if (!m.society) return;
  for (const Pid& pid : m.society->subscribers(topic ? topic : "")) {
    fnd_ref ref{{1}, Ref(pid)};
    send_copy(ctx, &ref, type, value);
  }
}

}  // extern "C"
