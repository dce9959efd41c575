// The command that links a program built by the LLVM back end: its object with the runtime, and,
// when it has extern actors, their C++ glue (glue.hpp) and sources compiled by the C++ compiler
// against the C++ back end's headers and the support library.
#pragma once

#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "backends/backend.hpp"

namespace fnd::backend::llvmgen {

// `object` and `glue` (empty: no extern actors) are relative to options.outputDir; `cxxDir` is the
// directory (relative too) holding the C++ back end's headers.
std::vector<std::string> linkCommand(const ast::Program& program, const Options& options, const std::string& object,
                                     const std::string& glue, const std::string& cxxDir, int optLevel);

}  // namespace fnd::backend::llvmgen
