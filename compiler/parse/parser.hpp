// Parses one .fnd file into an AST Module: UTF-8 check, lexing, newline filtering, the generated
// ANTLR parser (SLL first, full LL with error recovery on failure) and the AST builder.
// Never throws on bad input; every problem becomes a diagnostic.
#pragma once

#include <memory>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"

namespace fnd::parse {

struct ParseResult {
  std::unique_ptr<ast::Module> module;  // always set (possibly partial after errors)
  bool hadErrors = false;               // lexical, syntax or AST-building errors in this file
  bool hadSyntaxErrors = false;         // lexical or syntax errors: the tree may be incomplete
};

ParseResult parseFile(diag::FileId file, const diag::SourceManager& sources,
                      diag::DiagnosticEngine& diags);

}  // namespace fnd::parse
