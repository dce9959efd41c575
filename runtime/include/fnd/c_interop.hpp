// For C++ libraries called through the C ABI (e.g. the services of programs the LLVM back end
// generates, fnd/services/lang.h): the fnd::Node behind a fnd_node handle.
#pragma once

#include "fnd/runtime.h"

namespace fnd {
class Node;
Node& node_from_c(fnd_node* node) noexcept;
}  // namespace fnd
