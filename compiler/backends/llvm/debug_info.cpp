// DWARF line tables: a compile unit per .fnd file, a DISubprogram per handler (and for the start
// function of `main`), a DILocation per statement, so debuggers show and break on .fnd lines.
#include <filesystem>

#include "backends/llvm/lowering.hpp"

namespace fnd::backend::llvmgen {

Lowering::DebugUnit& Lowering::debugUnit(diag::FileId file) {
  auto it = units_.find(file);
  if (it != units_.end()) return it->second;
  DebugUnit u;
  u.builder = std::make_unique<llvm::DIBuilder>(mod_);
  std::filesystem::path p = std::filesystem::absolute(sources_.path(file));
  u.file = u.builder->createFile(p.filename().string(), p.parent_path().string());
  // No DWARF language code exists for .fnd: C is what debuggers handle best for plain line tables.
  u.cu = u.builder->createCompileUnit(llvm::dwarf::DW_LANG_C, u.file, "fndc", false, "", 0);
  return units_.emplace(file, std::move(u)).first->second;
}

llvm::DISubprogram* Lowering::debugFunction(llvm::Function* f, SourceRange r) {
  sp_ = nullptr;
  b_.SetCurrentDebugLocation(llvm::DebugLoc());
  if (!debug_ || r.file == 0) return nullptr;
  DebugUnit& u = debugUnit(r.file);
  const unsigned line = sources_.lineCol(r.file, r.begin).line;
  auto* fnTy = u.builder->createSubroutineType(u.builder->getOrCreateTypeArray({}));
  sp_ = u.builder->createFunction(u.file, f->getName(), f->getName(), u.file, line, fnTy, line,
                                  llvm::DINode::FlagPrototyped, llvm::DISubprogram::SPFlagDefinition);
  f->setSubprogram(sp_);
  b_.SetCurrentDebugLocation(llvm::DILocation::get(ctx_, line, 1, sp_));
  return sp_;
}

void Lowering::debugLocation(SourceRange r) {
  if (!sp_ || r.file == 0) return;
  const auto lc = sources_.lineCol(r.file, r.begin);
  b_.SetCurrentDebugLocation(llvm::DILocation::get(ctx_, lc.line, lc.column, sp_));
}

void Lowering::finishDebugInfo() {
  for (auto& [file, u] : units_) u.builder->finalize();
  if (!units_.empty()) {
    mod_.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
    mod_.addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  }
}

}  // namespace fnd::backend::llvmgen
