// Version of the Foundation runtime. Generated code static_asserts against FND_RUNTIME_ABI_VERSION so that
// a program compiled for one runtime ABI never links silently against another.
#pragma once

#define FND_RUNTIME_VERSION_MAJOR 0
#define FND_RUNTIME_VERSION_MINOR 1
#define FND_RUNTIME_VERSION_PATCH 0
// Bumped on every incompatible change of the C++ API's object layout or of the C ABI (fnd/runtime.h).
#define FND_RUNTIME_ABI_VERSION 4

namespace fnd {
inline constexpr int runtime_version_major = FND_RUNTIME_VERSION_MAJOR;
inline constexpr int runtime_version_minor = FND_RUNTIME_VERSION_MINOR;
inline constexpr int runtime_version_patch = FND_RUNTIME_VERSION_PATCH;
inline constexpr int runtime_abi_version = FND_RUNTIME_ABI_VERSION;
// "0.1.0"
const char* runtime_version_string() noexcept;
}  // namespace fnd
