// The C++ back end's part of `cluster` (docs/language.md section 16, docs/cpp-backend.md "Clusters"):
// the cluster description in the generated main, the wire registration of every message type, and the
// placement-aware start functions of actor children and society members (fnd/lang/cluster.hpp).
#pragma once

#include <string>

#include "ast/ast.hpp"
#include "backends/cpp/gen.hpp"

namespace fnd::backend::cpp {

// `start` (a C++ start-function lambda) wrapped in fnd::lang::placed() when the program has a cluster.
std::string placedStart(const ast::Program& program, const std::string& start);

// Before main(): `fnd_cluster_spec()` and `fnd_wire_messages()`.
void clusterDefinitions(Code& c, const ast::Program& program);

}  // namespace fnd::backend::cpp
