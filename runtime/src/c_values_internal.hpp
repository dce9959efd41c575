// The layouts behind fnd/runtime_values.h's opaque handles, shared by the c_*.cpp files.
#pragma once

#include <atomic>
#include <cstdint>

#include "fnd/ref.hpp"
#include "fnd/supervisor.hpp"

struct fnd_ref {
  std::atomic<uint32_t> rc;
  fnd::Ref ref;
};

struct fnd_sup_spec {
  fnd::SupervisorSpec spec;
};
