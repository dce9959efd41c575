// The back-end registry. Each back end directory provides `register.hpp` declaring
// `void register<Name>Backend(Registry&)` and defining FND_HAVE_<NAME>_BACKEND; its CMake target is
// linked into fnd_backends when the directory exists (compiler/backends/CMakeLists.txt).
#include "backends/backend.hpp"

#if __has_include("backends/cpp/register.hpp")
#include "backends/cpp/register.hpp"
#endif
#if __has_include("backends/llvm/register.hpp")
#include "backends/llvm/register.hpp"
#endif

namespace fnd::backend {

Registry& Registry::instance() {
  static Registry* registry = [] {
    auto* r = new Registry();
    registerBuiltinBackends(*r);
    return r;
  }();
  return *registry;
}

void Registry::add(std::unique_ptr<Backend> backend) { backends_.push_back(std::move(backend)); }

Backend* Registry::find(std::string_view name) const {
  for (const auto& b : backends_)
    if (b->name() == name) return b.get();
  return nullptr;
}

void registerBuiltinBackends(Registry& registry) {
#ifdef FND_HAVE_CPP_BACKEND
  registerCppBackend(registry);
#endif
#ifdef FND_HAVE_LLVM_BACKEND
  registerLlvmBackend(registry);
#endif
  (void)registry;
}

}  // namespace fnd::backend
