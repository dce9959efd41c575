// The LLVM back end behind fnd::backend::Backend: generate() lowers the program to one module,
// verifies it (a failure is an internal compiler error naming the function), runs the -O pipeline
// and returns .ll, .bc or an object file; build() links that object with the runtime using the
// system's C++ compiler driver.

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "backends/backend.hpp"
#include "backends/extern_headers.hpp"
#include "backends/subprocess.hpp"
#include "backends/llvm/build_config.hpp"
#include "backends/llvm/emit.hpp"
#include "backends/llvm/glue.hpp"
#include "backends/llvm/link.hpp"
#include "backends/llvm/lowering.hpp"
#include "backends/llvm/register.hpp"
#include "backends/llvm/runtime_bitcode.hpp"

namespace fnd::backend {

namespace {

namespace fs = std::filesystem;

std::string programStem(const ast::Program& program) {
  for (const auto& m : program.modules)
    if (!m->mains.empty()) return m->name;
  return program.modules.empty() ? "program" : program.modules.front()->name;
}

class LlvmBackend final : public Backend {
 public:
  std::string_view name() const override { return "llvm"; }
  std::string_view description() const override { return "LLVM 14 IR, bitcode or native objects on the runtime's C ABI"; }

  bool generate(const ast::Program& program, const Options& options, diag::DiagnosticEngine& diags,
                std::vector<OutputFile>& out) override {
    const int level = options.optLevel >= 0 ? options.optLevel : (options.optimize ? 2 : 0);
    std::string kind = options.emitKind.empty() ? "ll" : options.emitKind;
    if (!options.outputBinary.empty()) kind = "obj";  // build/run
    if (kind != "ll" && kind != "bc" && kind != "obj") {
      diags.error(diag::Code::None, {}, "unknown --emit kind '" + kind + "' for --target=llvm (expected ll, bc or obj)");
      return false;
    }
    std::string error;
    auto tm = llvmgen::hostTargetMachine(level, error);
    if (!tm) {
      diags.error(diag::Code::None, {}, "LLVM: " + error);
      return false;
    }
    llvm::LLVMContext ctx;
    llvm::Module mod(programStem(program), ctx);
    mod.setTargetTriple(tm->getTargetTriple().str());
    mod.setDataLayout(tm->createDataLayout());
    if (!program.modules.empty()) mod.setSourceFileName(program.modules.front()->path);
    llvmgen::Lowering lowering(program, diags.sources(), diags, ctx, mod, true);
    if (!lowering.run()) return false;
    glue_.clear();
    if (lowering.gluePlan().needed() && !writeGlue(program, options, diags, lowering.gluePlan(), out)) return false;
    std::string broken, details;
    if (!llvmgen::verifyModule(mod, broken, details)) {
      diags.error(diag::Code::None, {},
                  "internal compiler error: the LLVM back end produced invalid IR" +
                      (broken.empty() ? std::string(" (module level)") : " in function '" + broken + "'") +
                      "; please report this with the program:\n" + details);
      return false;
    }
    if (level > 0) linkRuntimeBitcode(mod, diags);
    llvmgen::optimize(mod, *tm, level);
    std::string bytes;
    if (!llvmgen::emitModule(mod, *tm, kind, bytes, error)) {
      diags.error(diag::Code::None, {}, "LLVM: " + error);
      return false;
    }
    out.push_back({programStem(program) + (kind == "ll" ? ".ll" : kind == "bc" ? ".bc" : ".o"), std::move(bytes)});
    object_ = out.back().path;
    return true;
  }

  bool build(const ast::Program& program, const Options& options, diag::DiagnosticEngine& diags) override {
    if (!program.main) {
      diags.error(diag::Code::None, {}, "cannot build a program without `main` (declare e.g. `main App`)");
      return false;
    }
    const int level = options.optLevel >= 0 ? options.optLevel : (options.optimize ? 2 : 0);
    std::vector<std::string> cmd = llvmgen::linkCommand(program, options, object_, glue_, kCxxDir, level);
    if (options.verbose || std::getenv("FND_VERBOSE")) {
      for (const auto& a : cmd) std::cerr << a << ' ';
      std::cerr << '\n';
    }
    if (!checkExternHeaders(cmd, program, diags)) return false;
    const int status = runCommand(cmd);
    if (status == 127) {
      diags.error(diag::Code::None, {}, "cannot run the linker driver '" + cmd[0] + "' (set FND_CXX)");
      return false;
    }
    if (status != 0) {
      diags.error(diag::Code::None, {},
                  std::string(glue_.empty() && options.extraSources.empty() ? "linking" : "compiling extern actors' C++ or linking") +
                      " failed (exit " + std::to_string(status) + "); the object" + (glue_.empty() ? "" : " and the glue") +
                      " are in " + options.outputDir);
      return false;
    }
    return true;
  }

 private:
  // Extern actors: the C++ back end's headers (for the actors' message structs) and the glue
  // (glue.hpp) go to kCxxDir beside the object.
  static constexpr const char* kCxxDir = "cxx";
  bool writeGlue(const ast::Program& program, const Options& options, diag::DiagnosticEngine& diags,
                 const llvmgen::GluePlan& plan, std::vector<OutputFile>& out) {
    Backend* cpp = Registry::instance().find("cpp");
    std::vector<OutputFile> cxx;
    if (!cpp || !cpp->generate(program, options, diags, cxx)) {
      diags.error(diag::Code::None, {}, "extern actors need the C++ back end's headers, which could not be generated");
      return false;
    }
    std::vector<std::string> headers;
    for (auto& f : cxx) {
      if (!f.path.ends_with(".hpp")) continue;
      if (!f.path.ends_with(".cycle.hpp")) headers.push_back(f.path);
      out.push_back({std::string(kCxxDir) + "/" + f.path, std::move(f.contents)});
    }
    out.push_back({std::string(kCxxDir) + "/fnd_glue.cpp", llvmgen::glueSource(program, diags.sources(), plan, headers)});
    glue_ = out.back().path;
    return true;
  }

  // The runtime's send path, inlined at -O1..-O3 (runtime_bitcode.hpp). Without the file (a build
  // without clang 14, a sanitizer build) programs call those functions; a file that cannot be used
  // is reported as a warning, and the program still builds.
  static void linkRuntimeBitcode(llvm::Module& mod, diag::DiagnosticEngine& diags) {
    std::string path = FND_LLVM_RUNTIME_BITCODE;
    if (const char* home = std::getenv("FND_HOME"); home && *home) path = std::string(home) + "/lib/fnd_runtime_inline.bc";
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec)) return;
    std::string error;
    if (!llvmgen::linkRuntimeBitcode(mod, path, FND_C_ABI_VERSION_AT_BUILD, error))
      diags.warning(diag::Code::W0004, {}, "the runtime's send path is not inlined: " + error);
  }

  std::string object_;  // the object file of the last generate(), relative to outputDir
  std::string glue_;    // its extern actors' glue (relative to outputDir), or empty
};

}  // namespace

void registerLlvmBackend(Registry& registry) { registry.add(std::make_unique<LlvmBackend>()); }

}  // namespace fnd::backend
