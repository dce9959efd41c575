// See runtime_bitcode.hpp.
#include "backends/llvm/runtime_bitcode.hpp"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/Instructions.h>
#include <llvm/Linker/Linker.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Transforms/Utils/Local.h>

namespace fnd::backend::llvmgen {

namespace {
// Generated code never unwinds (the C ABI's callbacks must not), so the cleanups the C++ compiler
// wrote for exceptions are dead here: invokes become calls and the landing pads go, which keeps
// a personality function and unwind tables out of the program's handlers.
void dropUnwinding(llvm::Function& f) {
  std::vector<llvm::InvokeInst*> invokes;
  for (auto& bb : f)
    if (auto* inv = llvm::dyn_cast<llvm::InvokeInst>(bb.getTerminator())) invokes.push_back(inv);
  for (llvm::InvokeInst* inv : invokes) llvm::changeToCall(inv);
  llvm::removeUnreachableBlocks(f);
  if (f.hasPersonalityFn()) f.setPersonalityFn(nullptr);
  f.addFnAttr(llvm::Attribute::NoUnwind);
}
}  // namespace

bool linkRuntimeBitcode(llvm::Module& m, const std::string& path, int abiVersion, std::string& error) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = path + ": " + buffer.getError().message();
    return false;
  }
  auto parsed = llvm::parseBitcodeFile(buffer.get()->getMemBufferRef(), m.getContext());
  if (!parsed) {
    error = path + ": " + llvm::toString(parsed.takeError());
    return false;
  }
  std::unique_ptr<llvm::Module> runtime = std::move(*parsed);
  runtime->setTargetTriple(m.getTargetTriple());
  runtime->setDataLayout(m.getDataLayout());
  for (llvm::Function& f : *runtime) {
    if (f.isDeclaration()) continue;
    dropUnwinding(f);
    // The program's own target settings decide (the bitcode's would block inlining into it).
    f.removeFnAttr("target-cpu");
    f.removeFnAttr("target-features");
    f.removeFnAttr("tune-cpu");
    // The runtime library defines these; here they are only bodies to inline.
    if (f.hasExternalLinkage()) f.setLinkage(llvm::GlobalValue::AvailableExternallyLinkage);
  }
  // Made by the same build as the runtime library it goes with: its C ABI version says so (a stale
  // file beside a newer library would inline old layouts).
  llvm::GlobalVariable* version = runtime->getGlobalVariable("fnd_runtime_inline_abi");
  const auto* value = version && version->hasInitializer()
                          ? llvm::dyn_cast<llvm::ConstantInt>(version->getInitializer())
                          : nullptr;
  if (!value || value->getSExtValue() != abiVersion) {
    error = path + ": made for C ABI " + (value ? std::to_string(value->getSExtValue()) : std::string("(none)")) +
            ", this fndc lowers to C ABI " + std::to_string(abiVersion);
    return false;
  }
  version->eraseFromParent();
  // Only constants may come along: a variable (even a `static` one) would be the program's own
  // copy of runtime state, and a constructor would run twice.
  for (llvm::GlobalVariable& g : runtime->globals())
    if (!g.isDeclaration() && (!g.isConstant() || g.hasAppendingLinkage())) {
      error = path + ": defines the variable '" + g.getName().str() + "' (the runtime's state must stay in the library)";
      return false;
    }
  if (llvm::Linker::linkModules(m, std::move(runtime), llvm::Linker::LinkOnlyNeeded)) {
    error = path + ": cannot be linked into the program's module";
    return false;
  }
  return true;
}

}  // namespace fnd::backend::llvmgen
