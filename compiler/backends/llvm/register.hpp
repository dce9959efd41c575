// The LLVM back end's entry in the back-end registry (backends/registry.cpp).
#pragma once

// Defined only when CMake found LLVM 14 and built fnd_backend_llvm.
#ifdef FND_HAVE_LLVM_BACKEND_LIB
#define FND_HAVE_LLVM_BACKEND 1
#endif

namespace fnd::backend {
class Registry;
void registerLlvmBackend(Registry& registry);
}  // namespace fnd::backend
