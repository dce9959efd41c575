// Target machine, verification, the optimization pipeline and output (.ll, .bc, object).
#pragma once

#include <memory>
#include <string>

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace fnd::backend::llvmgen {

// The host's TargetMachine (PIC), or null with `error` set.
std::unique_ptr<llvm::TargetMachine> hostTargetMachine(int optLevel, std::string& error);
// Runs the verifier; on failure returns the name of the first broken function ("" = the module)
// and the verifier's text in `details`.
bool verifyModule(const llvm::Module& m, std::string& brokenFunction, std::string& details);
// LLVM 14's new pass manager, buildPerModuleDefaultPipeline(O0..O3).
void optimize(llvm::Module& m, llvm::TargetMachine& tm, int optLevel);
// "ll" (text), "bc" (bitcode) or "obj" (object file for tm). False with `error` set.
bool emitModule(llvm::Module& m, llvm::TargetMachine& tm, const std::string& kind, std::string& out, std::string& error);

}  // namespace fnd::backend::llvmgen
