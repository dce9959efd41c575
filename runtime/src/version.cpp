#include "fnd/version.hpp"

#include "fnd/runtime.h"

namespace fnd {
const char* runtime_version_string() noexcept { return "0.1.0"; }
}  // namespace fnd

static_assert(FND_ABI_VERSION == FND_RUNTIME_ABI_VERSION, "C ABI and C++ ABI versions must agree");
