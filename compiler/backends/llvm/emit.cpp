// Target machine, verifier, optimization pipeline and output for the LLVM back end.
#include "backends/llvm/emit.hpp"

#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>

namespace fnd::backend::llvmgen {

std::unique_ptr<llvm::TargetMachine> hostTargetMachine(int optLevel, std::string& error) {
  static const bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  const std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) return nullptr;
  llvm::CodeGenOpt::Level level = optLevel <= 0   ? llvm::CodeGenOpt::None
                                  : optLevel == 1 ? llvm::CodeGenOpt::Less
                                  : optLevel == 2 ? llvm::CodeGenOpt::Default
                                                  : llvm::CodeGenOpt::Aggressive;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, "generic", "", llvm::TargetOptions(), llvm::Reloc::PIC_, llvm::None, level));
  if (!tm) error = "cannot create a target machine for " + triple;
  return tm;
}

bool verifyModule(const llvm::Module& m, std::string& brokenFunction, std::string& details) {
  for (const llvm::Function& f : m) {
    if (f.isDeclaration()) continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    if (llvm::verifyFunction(f, &os)) {
      brokenFunction = f.getName().str();
      details = os.str();
      return false;
    }
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  if (llvm::verifyModule(m, &os)) {
    brokenFunction.clear();
    details = os.str();
    return false;
  }
  return true;
}

void optimize(llvm::Module& m, llvm::TargetMachine& tm, int optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel <= 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = level == llvm::OptimizationLevel::O0 ? pb.buildO0DefaultPipeline(level)
                                                                      : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(m, mam);
}

bool emitModule(llvm::Module& m, llvm::TargetMachine& tm, const std::string& kind, std::string& out, std::string& error) {
  llvm::raw_string_ostream os(out);
  if (kind == "ll") {
    m.print(os, nullptr);
    os.flush();
    return true;
  }
  if (kind == "bc") {
    llvm::WriteBitcodeToFile(m, os);
    os.flush();
    return true;
  }
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream objOs(buffer);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, objOs, nullptr, llvm::CGFT_ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  pm.run(m);
  out.assign(buffer.begin(), buffer.end());
  return true;
}

}  // namespace fnd::backend::llvmgen
