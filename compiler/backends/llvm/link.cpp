// See link.hpp. Without extern actors the object is only linked (no C++ compilation at all).
#include "backends/llvm/link.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "backends/llvm/build_config.hpp"
#include "backends/subprocess.hpp"

namespace fnd::backend::llvmgen {

namespace fs = std::filesystem;

std::vector<std::string> linkCommand(const ast::Program& program, const Options& options, const std::string& object,
                                     const std::string& glue, const std::string& cxxDir, int optLevel) {
  // Layout: $FND_HOME/{include,lib} when set, else the build tree this fndc was built in.
  std::string runtimeInclude = FND_LLVM_RUNTIME_INCLUDE, stdInclude = FND_LLVM_STD_INCLUDE;
  std::string runtimeLib = FND_LLVM_RUNTIME_LIB, stdLib = FND_LLVM_STD_LIB;
  if (const char* home = std::getenv("FND_HOME"); home && *home) {
    runtimeInclude = stdInclude = std::string(home) + "/include";
    runtimeLib = std::string(home) + "/lib/libfnd_runtime.a";
    stdLib = std::string(home) + "/lib/libfnd_std.a";
  }
  const fs::path dir = options.outputDir;
  const char* cxx = std::getenv("FND_CXX");
  std::vector<std::string> cmd = {cxx && *cxx ? cxx : FND_LLVM_LINKER};
  for (const auto& w : words(FND_LLVM_EXTRA_LDFLAGS)) cmd.push_back(w);
  const bool native = !glue.empty() || !options.extraSources.empty();
  if (native) {
    // The extern actors' C++, compiled as the C++ back end compiles generated code.
    cmd.insert(cmd.end(), {"-std=c++20", "-fwrapv"});
    if (optLevel > 0) cmd.insert(cmd.end(), {"-O2", "-DNDEBUG"});
    else cmd.insert(cmd.end(), {"-O0", "-g"});
    for (const auto& w : words(FND_LLVM_EXTRA_CXXFLAGS)) cmd.push_back(w);
    if (const char* f = std::getenv("FND_CXXFLAGS"); f && *f)
      for (const auto& w : words(f)) cmd.push_back(w);
    cmd.push_back("-I" + (dir / cxxDir).string());
    appendExternIncludes(cmd, program, options.includeDirs);
    cmd.push_back("-I" + stdInclude);
    cmd.push_back("-I" + runtimeInclude);
    if (program.cluster && !std::getenv("FND_HOME")) cmd.push_back("-I" FND_LLVM_DIST_INCLUDE);
    if (!glue.empty()) cmd.push_back((dir / glue).string());
    for (const auto& s : options.extraSources) cmd.push_back(s);
  }
  cmd.push_back((dir / object).string());
  cmd.push_back("-o");
  cmd.push_back(options.outputBinary);
  if (program.cluster)  // the glue starts the cluster (glue.cpp: fnd::lang::run_cluster_program)
    for (const auto& lib : words(FND_LLVM_CLUSTER_LIBS)) {
      const char* home = std::getenv("FND_HOME");
      cmd.push_back(home && *home ? std::string(home) + "/lib/" + fs::path(lib).filename().string() : lib);
    }
  if (native) cmd.push_back(stdLib);
  // Every program's main calls the services (lower_services.cpp: --metrics-port, config).
  for (const auto& lib : words(FND_LLVM_SERVICES_LIBS)) {
    const char* home = std::getenv("FND_HOME");
    const bool file = !lib.starts_with("-");  // -l flags stay as they are
    cmd.push_back(file && home && *home ? std::string(home) + "/lib/" + fs::path(lib).filename().string() : lib);
  }
  cmd.push_back(runtimeLib);
  if (program.cluster) cmd.push_back("-lzmq");
  cmd.push_back(FND_LLVM_BOOST_CONTEXT_LIB);
  return cmd;
}

}  // namespace fnd::backend::llvmgen
