// The back-end interface (flatc-style): one generator per target behind this small class, found by
// name in a registry. Adding a back end never touches the front end.
//
// A back end receives a Program that passed sema without errors (see the guarantees at the top of
// ast/ast.hpp) and returns the files it generated; the driver writes them (emit) or hands them to
// the back end's build step (build/run).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fnd::ast { struct Program; }
namespace fnd::diag { class DiagnosticEngine; }

namespace fnd::backend {

struct Options {
  std::string outputDir;      // emit: where generated sources go; build: a scratch directory
  std::string outputBinary;   // build: the executable to produce (-o)
  std::string stdlibDir;      // the stdlib search directory in use (for C++ parts of stdlib)
  std::vector<std::string> includeDirs;  // -I directories (also searched for extern headers)
  std::vector<std::string> extraSources;  // build: C++ sources compiled and linked in (extern actors)
  bool optimize = true;
  int optLevel = -1;          // -O0..-O3 for back ends with levels; -1: their default (from `optimize`)
  std::string emitKind;       // emit: what to write for back ends with several outputs (llvm: ll, bc, obj)
  bool verbose = false;
};

struct OutputFile {
  std::string path;      // relative to Options::outputDir
  std::string contents;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // The --target name, e.g. "cpp".
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  // Generates sources for the program. Reports problems through `diags` and returns false on
  // failure (never throws on user input).
  virtual bool generate(const ast::Program& program, const Options& options,
                        diag::DiagnosticEngine& diags, std::vector<OutputFile>& out) = 0;
  // Builds an executable at options.outputBinary from sources generate() wrote into
  // options.outputDir. Back ends that cannot build return false after reporting why.
  virtual bool build(const ast::Program& program, const Options& options,
                     diag::DiagnosticEngine& diags) = 0;
};

class Registry {
 public:
  // The process-wide registry, with every built-in back end registered on first use.
  static Registry& instance();
  void add(std::unique_ptr<Backend> backend);
  Backend* find(std::string_view name) const;
  const std::vector<std::unique_ptr<Backend>>& all() const { return backends_; }

 private:
  std::vector<std::unique_ptr<Backend>> backends_;
};

// Defined in backends/registry.cpp: registers every back end compiled into this fndc.
// (Explicit rather than static-initializer registration, which static libraries would drop.)
void registerBuiltinBackends(Registry& registry);

}  // namespace fnd::backend
