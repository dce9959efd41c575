// The runtime's hot C ABI functions as LLVM bitcode (runtime/src/c_api_inline.cpp, compiled by
// clang 14 at build time), linked into a program's module before optimization so that the send
// path is inlined into handlers. Their definitions become available_externally: the optimizer may
// inline them, and every call that remains goes to the runtime library, which defines them.
#pragma once

#include <string>

#include <llvm/IR/Module.h>

namespace fnd::backend::llvmgen {

// Links the bitcode file at `path` into `m`; false with `error` set when it cannot be read, was made
// for another C ABI version than `abiVersion` (its `fnd_runtime_inline_abi` constant), defines a
// variable, or cannot be linked.
bool linkRuntimeBitcode(llvm::Module& m, const std::string& path, int abiVersion, std::string& error);

}  // namespace fnd::backend::llvmgen
