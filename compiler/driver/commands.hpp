// The fndc subcommands, one file each (cmd_*.cpp); main.cpp parses the command line and
// dispatches. Exit codes: 0 ok, 1 errors in the user's program (or a failed build), 2 usage.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"
#include "sema/sema.hpp"

namespace fnd::driver {

enum ExitCode { kOk = 0, kUserError = 1, kUsageError = 2 };

struct CommonOptions {
  std::vector<std::string> files;
  std::vector<std::string> includeDirs;  // -I
  std::string stdlibDir;                 // --stdlib (default: the built-in one)
  diag::OutputFormat format = diag::OutputFormat::Text;
  bool werror = false;
  unsigned errorLimit = 50;
  int optLevel = -1;       // -O0..-O3 (build/run/emit); -1: the back end's default
  std::string emitKind;    // emit --emit=KIND (llvm: ll, bc, obj)
};

// Loads, parses and checks the files. Diagnostics go to stderr (text) or stdout (JSON).
class Frontend {
 public:
  explicit Frontend(const CommonOptions& opts);
  ~Frontend();
  // True if there were no errors (warnings count as errors under -Werror).
  bool run();
  const ast::Program& program() const { return *result_.program; }
  diag::DiagnosticEngine& diags() { return *diags_; }
  // Writes the JSON document / the "N errors generated." line.
  void finish() { diags_->flush(); }

 private:
  const CommonOptions& opts_;
  diag::SourceManager sources_;
  std::unique_ptr<diag::DiagnosticEngine> diags_;
  sema::Result result_;
};

int runCheck(const CommonOptions& opts);
int runBuild(const CommonOptions& opts, const std::string& output, const std::string& target);
int runRun(const CommonOptions& opts, const std::vector<std::string>& programArgs, const std::string& target);
int runEmit(const CommonOptions& opts, const std::string& outputDir, const std::string& target);

// Tools (compiler/tools/): the formatter, the topology graph and the language server.
enum class FmtMode { Print, Check, Write };
int runFmt(const CommonOptions& opts, FmtMode mode);
// format: "dot" or "svg"; output: a file, or "" for standard output.
int runGraph(const CommonOptions& opts, const std::string& format, const std::string& output);
int runLsp(const CommonOptions& opts);

}  // namespace fnd::driver
