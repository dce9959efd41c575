// For C++ libraries called through the C ABI (e.g. the services of programs the LLVM back end
// generates, fnd/services/lang.h, and the glue of its cluster programs): the C++ objects behind
// the C handles, and the hook that places a cluster program's C ABI children.
#pragma once

#include <functional>

#include "fnd/runtime.h"

namespace fnd {
class Node;
class Pid;
class ChildContext;
struct TypeInfo;
template <class T>
class Result;

Node& node_from_c(fnd_node* node) noexcept;
fnd_node* node_to_c(Node& node) noexcept;  // the handle generated code passes around (as fnd_ctx_node)
Pid pid_from_c(fnd_pid owned) noexcept;    // takes over the caller's reference
// The runtime's TypeInfo of the messages of a C type (what fnd::Message::type() is for them).
const TypeInfo* type_info_of_c(const fnd_type* type);

// A child's start function (fnd::ChildSpec::start).
using CChildStart = std::function<Result<Pid>(ChildContext&)>;
// Every actor child and society member added through the C ABI from now on (fnd_sup_spec_add_child*,
// fnd_society_spec_add_role; not pool children) starts through wrap(start): a cluster program's
// placement (fnd::lang::placed). Set once, before the root's specs are built.
void set_c_child_start_wrapper(std::function<CChildStart(CChildStart)> wrap);
}  // namespace fnd
