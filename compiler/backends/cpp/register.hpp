// The C++ back end's entry in the back-end registry (backends/registry.cpp).
#pragma once

#define FND_HAVE_CPP_BACKEND 1

namespace fnd::backend {
class Registry;
void registerCppBackend(Registry& registry);
}  // namespace fnd::backend
