// The C++ back end: generate() writes one header and one source per module plus main.cpp;
// build() compiles them (one translation unit) with any extra C++ sources against the runtime and
// the support library.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "backends/backend.hpp"
#include "backends/cpp/build_config.hpp"
#include "backends/cpp/gen.hpp"
#include "backends/cpp/register.hpp"
#include "diag/diagnostic.hpp"

extern char** environ;

namespace fnd::backend {

namespace {

namespace fs = std::filesystem;

const ast::Module* mainModule(const ast::Program& p) {
  for (const auto& m : p.modules)
    if (!m->mains.empty()) return m.get();
  return nullptr;
}

std::string envOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// Splits FND_CXXFLAGS-style strings on spaces (no quoting: paths with spaces go through -I).
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

// Runs argv; returns its exit status (127 if it could not start).
int runCommand(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return 127;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return 127;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// The import cycles of a program: each a set of two or more modules that reach each other through
// imports, in the program's module order.
std::vector<std::vector<const ast::Module*>> importCycles(const ast::Program& p) {
  std::map<const ast::Module*, std::set<const ast::Module*>> reach;
  for (const auto& m : p.modules) {
    auto& r = reach[m.get()];
    std::vector<const ast::Module*> todo{m.get()};
    while (!todo.empty()) {
      const ast::Module* x = todo.back();
      todo.pop_back();
      for (const auto& imp : x->imports)
        if (imp.module && r.insert(imp.module).second) todo.push_back(imp.module);
    }
  }
  std::vector<std::vector<const ast::Module*>> out;
  std::set<const ast::Module*> placed;
  for (const auto& m : p.modules) {
    if (placed.count(m.get())) continue;
    std::vector<const ast::Module*> cycle{m.get()};
    for (const auto& o : p.modules)
      if (o.get() != m.get() && reach[m.get()].count(o.get()) && reach[o.get()].count(m.get())) cycle.push_back(o.get());
    if (cycle.size() < 2) continue;
    for (const auto* x : cycle) placed.insert(x);
    out.push_back(std::move(cycle));
  }
  return out;
}

class CppBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpp"; }
  std::string_view description() const override { return "readable C++20 on the fnd runtime (default)"; }

  bool generate(const ast::Program& program, const Options& options, diag::DiagnosticEngine& diags,
                std::vector<OutputFile>& out) override {
    (void)options;
    const auto& sources = diags.sources();
    // Modules that import each other, directly or not (the strongly connected components of the
    // import graph with more than one module) share one header for their messages.
    std::map<const ast::Module*, std::vector<const ast::Module*>> cycleOf;
    for (auto& cycle : importCycles(program)) {
      std::string file = cpp::moduleStem(*cycle.front()) + ".fnd.cycle.hpp";
      out.push_back({file, cpp::Gen::importCycleHeader(program, sources, cycle)});
      for (const auto* m : cycle) cycleOf[m] = cycle;
    }
    for (const auto& m : program.modules) {
      cpp::Gen g(program, sources, *m);
      if (auto it = cycleOf.find(m.get()); it != cycleOf.end())
        g.setImportCycle(it->second, cpp::moduleStem(*it->second.front()) + ".fnd.cycle.hpp");
      const std::string stem = cpp::moduleStem(*m);
      out.push_back({stem + ".fnd.hpp", g.header()});
      out.push_back({stem + ".fnd.cpp", g.source()});
    }
    if (const ast::Module* mm = mainModule(program)) {
      cpp::Gen g(program, sources, *mm);
      out.push_back({"main.cpp", g.mainSource(*mm->mains.front())});
    }
    generated_.clear();
    for (const auto& f : out)
      if (f.path.ends_with(".cpp")) generated_.push_back(f.path);
    return true;
  }

  bool build(const ast::Program& program, const Options& options, diag::DiagnosticEngine& diags) override {
    if (!program.main || !mainModule(program)) {
      diags.error(diag::Code::None, {}, "cannot build a program without `main` (declare e.g. `main App`)");
      return false;
    }
    // Layout: $FND_HOME/{include,lib} when set, else the build tree this fndc was built in.
    std::string runtimeInclude = FND_CPP_RUNTIME_INCLUDE, stdInclude = FND_CPP_STD_INCLUDE;
    std::string runtimeLib = FND_CPP_RUNTIME_LIB, stdLib = FND_CPP_STD_LIB;
    if (const char* home = std::getenv("FND_HOME"); home && *home) {
      runtimeInclude = stdInclude = std::string(home) + "/include";
      runtimeLib = std::string(home) + "/lib/libfnd_runtime.a";
      stdLib = std::string(home) + "/lib/libfnd_std.a";
    }
    const fs::path dir = options.outputDir;

    // One translation unit for the generated code: the runtime's headers are parsed once.
    std::string unity = "// Generated by fndc build: all generated sources as one translation unit.\n";
    for (const auto& f : generated_) unity += "#include \"" + f + "\"\n";
    {
      std::ofstream u(dir / "fnd_program.cpp");
      u << unity;
      if (!u) {
        diags.error(diag::Code::None, {}, "cannot write " + (dir / "fnd_program.cpp").string());
        return false;
      }
    }

    std::vector<std::string> cmd = {envOr("FND_CXX", FND_CPP_COMPILER), "-std=c++20", "-fwrapv", "-pthread"};
    // Optimized builds are release builds: NDEBUG like the runtime's release configuration.
    if (options.optimize) {
      cmd.push_back("-O2");
      cmd.push_back("-DNDEBUG");
    } else {
      cmd.push_back("-O0");
      cmd.push_back("-g");
    }
    for (const auto& w : words(FND_CPP_EXTRA_FLAGS)) cmd.push_back(w);
    for (const auto& w : words(envOr("FND_CXXFLAGS", ""))) cmd.push_back(w);
    cmd.push_back("-I" + dir.string());
    // Extern actors' headers are found next to the .fnd file that names them, or through -I.
    std::vector<std::string> seen;
    for (const auto& m : program.modules) {
      std::string d = fs::path(m->path).parent_path().string();
      if (d.empty()) d = ".";
      if (std::find(seen.begin(), seen.end(), d) == seen.end()) {
        seen.push_back(d);
        cmd.push_back("-I" + d);
      }
    }
    for (const auto& d : options.includeDirs) cmd.push_back("-I" + d);
    cmd.push_back("-I" + stdInclude);
    cmd.push_back("-I" + runtimeInclude);
    cmd.push_back((dir / "fnd_program.cpp").string());
    for (const auto& s : options.extraSources) cmd.push_back(s);
    cmd.push_back("-o");
    cmd.push_back(options.outputBinary);
    cmd.push_back(stdLib);
    cmd.push_back(runtimeLib);
    cmd.push_back(FND_CPP_BOOST_CONTEXT_LIB);

    if (options.verbose || std::getenv("FND_VERBOSE")) {
      for (const auto& a : cmd) std::cerr << a << ' ';
      std::cerr << '\n';
    }
    std::cerr.flush();
    const int status = runCommand(cmd);
    if (status == 127) {
      diags.error(diag::Code::None, {}, "cannot run the C++ compiler '" + cmd[0] + "' (set FND_CXX)");
      return false;
    }
    if (status != 0) {
      diags.error(diag::Code::None, {},
                  "the C++ compiler failed on the generated code (exit " + std::to_string(status) +
                      "); the sources are in " + dir.string());
      return false;
    }
    return true;
  }

 private:
  std::vector<std::string> generated_;  // .cpp files of the last generate(), relative to outputDir
};

}  // namespace

void registerCppBackend(Registry& registry) { registry.add(std::make_unique<CppBackend>()); }

}  // namespace fnd::backend
