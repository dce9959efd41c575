// The LLVM back end behind fnd::backend::Backend: generate() lowers the program to one module,
// verifies it (a failure is an internal compiler error naming the function), runs the -O pipeline
// and returns .ll, .bc or an object file; build() links that object with the runtime using the
// system's C++ compiler driver.
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "backends/backend.hpp"
#include "backends/llvm/build_config.hpp"
#include "backends/llvm/emit.hpp"
#include "backends/llvm/lowering.hpp"
#include "backends/llvm/register.hpp"

extern char** environ;

namespace fnd::backend {

namespace {

namespace fs = std::filesystem;

int runCommand(const std::vector<std::string>& cmd) {
  std::vector<char*> argv;
  for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return 127;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return 127;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

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
    std::string broken, details;
    if (!llvmgen::verifyModule(mod, broken, details)) {
      diags.error(diag::Code::None, {},
                  "internal compiler error: the LLVM back end produced invalid IR" +
                      (broken.empty() ? std::string(" (module level)") : " in function '" + broken + "'") +
                      "; please report this with the program:\n" + details);
      return false;
    }
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
    if (!options.extraSources.empty()) {
      diags.error(diag::Code::E0601, {}, "'extern actor' C++ sources are not yet supported by --target=llvm");
      return false;
    }
    std::string runtimeLib = FND_LLVM_RUNTIME_LIB;
    if (const char* home = std::getenv("FND_HOME"); home && *home) runtimeLib = std::string(home) + "/lib/libfnd_runtime.a";
    const char* cxx = std::getenv("FND_CXX");
    std::vector<std::string> cmd = {cxx && *cxx ? cxx : FND_LLVM_LINKER};
    for (const auto& w : words(FND_LLVM_EXTRA_LDFLAGS)) cmd.push_back(w);
    cmd.push_back((fs::path(options.outputDir) / object_).string());
    cmd.push_back("-o");
    cmd.push_back(options.outputBinary);
    cmd.push_back(runtimeLib);
    cmd.push_back(FND_LLVM_BOOST_CONTEXT_LIB);
    if (options.verbose || std::getenv("FND_VERBOSE")) {
      for (const auto& a : cmd) std::cerr << a << ' ';
      std::cerr << '\n';
    }
    const int status = runCommand(cmd);
    if (status == 127) {
      diags.error(diag::Code::None, {}, "cannot run the linker driver '" + cmd[0] + "' (set FND_CXX)");
      return false;
    }
    if (status != 0) {
      diags.error(diag::Code::None, {}, "linking failed (exit " + std::to_string(status) + "); the object is in " +
                                            options.outputDir);
      return false;
    }
    return true;
  }

 private:
  std::string object_;  // the object file of the last generate(), relative to outputDir
};

}  // namespace

void registerLlvmBackend(Registry& registry) { registry.add(std::make_unique<LlvmBackend>()); }

}  // namespace fnd::backend
