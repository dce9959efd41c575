// One run of the real front end (the same loader and passes as `fndc check`) over an open
// document, with the other open documents overlaid on the files they stand for, plus the
// conversions between byte offsets and LSP positions.
#pragma once

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"
#include "sema/sema.hpp"

namespace fnd::tools::lsp {

struct Analysis {
  diag::SourceManager sources;
  std::ostringstream sink;  // the engine's text output, unused: diagnostics are read as data
  std::unique_ptr<diag::DiagnosticEngine> diags;
  sema::Result result;
  diag::FileId file = 0;              // the document
  const ast::Module* module = nullptr;  // its module (possibly partial after syntax errors)

  const ast::Program& program() const { return *result.program; }
};

// `path`: the document's file path; `overlays`: path -> text of every open document.
// Imports are searched in `includeDirs`, then the document's own directory, then `stdlibDir`
// ("": the built-in one).
std::unique_ptr<Analysis> analyze(const std::string& path, const std::string& text,
                                  const std::map<std::string, std::string>& overlays,
                                  const std::vector<std::string>& includeDirs,
                                  const std::string& stdlibDir);

// LSP positions: 0-based line, character in UTF-16 code units (or bytes with utf8 = true).
struct Position {
  int line = 0, character = 0;
};
Position toPosition(const diag::SourceManager& sm, diag::FileId f, std::uint32_t offset, bool utf8);
std::uint32_t toOffset(const diag::SourceManager& sm, diag::FileId f, Position p, bool utf8);

}  // namespace fnd::tools::lsp
