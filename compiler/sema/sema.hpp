// The front end's entry point: loads the named files and everything they import, parses them, and
// runs the semantic passes of sema/pipeline.cpp in order. The result is a Program annotated as
// described at the top of ast/ast.hpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"

namespace fnd::sema {

struct Options {
  std::vector<std::string> includeDirs;  // -I: searched before the stdlib directory
  std::string stdlibDir;                 // default: FND_STDLIB_DIR (the source tree's stdlib/)
};

struct Result {
  std::unique_ptr<ast::Program> program;  // always set
  bool ok = false;                        // no errors (warnings allowed unless -Werror)
};

// Never throws on bad input.
Result analyze(const std::vector<std::string>& files, const Options& options,
               diag::SourceManager& sources, diag::DiagnosticEngine& diags);

// The same for files already in the SourceManager (tests, the fuzzer).
Result analyzeFiles(const std::vector<diag::FileId>& files, const Options& options,
                    diag::SourceManager& sources, diag::DiagnosticEngine& diags);

// The built-in stdlib directory.
std::string defaultStdlibDir();

}  // namespace fnd::sema
