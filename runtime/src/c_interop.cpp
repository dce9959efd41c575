// fnd/c_interop.hpp: the C++ side of C handles, and the child-start hook of cluster programs.
#include "fnd/c_interop.hpp"

#include <utility>

#include "fnd/node.hpp"
#include "fnd/pid.hpp"
#include "fnd/ref.hpp"
#include "fnd/supervisor.hpp"

namespace fnd {

namespace {
std::function<CChildStart(CChildStart)>& child_start_wrapper() {
  static std::function<CChildStart(CChildStart)> w;
  return w;
}
}  // namespace

// fnd_node holds its Node as its only member (c_api.cpp), which is how fnd_ctx_node hands out a
// process's node: the same cast.
fnd_node* node_to_c(Node& node) noexcept { return reinterpret_cast<fnd_node*>(&node); }

Pid pid_from_c(fnd_pid owned) noexcept { return Pid::adopt(reinterpret_cast<detail::ControlBlock*>(owned)); }

void set_c_child_start_wrapper(std::function<CChildStart(CChildStart)> wrap) { child_start_wrapper() = std::move(wrap); }

namespace detail {
// Called by fnd_sup_spec_add_child_opts for every child it makes.
CChildStart c_wrap_child_start(CChildStart start) {
  const auto& w = child_start_wrapper();
  return w ? w(std::move(start)) : std::move(start);
}
}  // namespace detail

}  // namespace fnd

extern "C" uint64_t fnd_ref_pid_id(const fnd_ref* r) { return fnd_ref_cxx(r).pid().id(); }
