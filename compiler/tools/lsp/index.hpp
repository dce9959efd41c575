// What the language server knows about names in one analysed document: every occurrence of a
// name (declarations and uses) with the hover text and the declaration it refers to, the outline
// (document symbols), and the names visible at an offset (for completion). Built by one walk of
// the AST after sema; works on the partial AST of a file with errors too.
#pragma once

#include <string>
#include <vector>

#include "tools/lsp/analysis.hpp"

namespace fnd::tools::lsp {

struct Occurrence {
  diag::SourceRange use;   // the name as written here
  diag::SourceRange decl;  // where it is declared (any file; invalid: built in)
  std::string hover;       // Markdown
};

// LSP SymbolKind values used by the outline.
enum class SymbolKind { Module = 2, Namespace = 3, Class = 5, Method = 6, Property = 7, Field = 8,
                        Variable = 13, Object = 19, Struct = 23, Event = 24, Function = 12 };

struct Symbol {
  std::string name, detail;
  SymbolKind kind = SymbolKind::Variable;
  diag::SourceRange range, selection;
  std::vector<Symbol> children;
};

// LSP CompletionItemKind values.
enum class CompletionKind { Method = 2, Function = 3, Field = 5, Variable = 6, Class = 7,
                            Module = 9, Property = 10, Value = 12, Keyword = 14, Struct = 22 };

struct Candidate {
  std::string label, detail;
  CompletionKind kind = CompletionKind::Variable;
};

class Index {
 public:
  explicit Index(const Analysis& a);
  // The occurrence whose name covers `offset` (an offset just after a name counts too).
  const Occurrence* at(std::uint32_t offset) const;
  const std::vector<Occurrence>& occurrences() const { return occ_; }
  // The document's outline: one Module symbol holding its declarations.
  std::vector<Symbol> outline() const;
  // Names visible at `offset`: declarations of the program, and inside an actor its parameters,
  // states, roles and the locals declared before `offset`; inside a supervisor its children.
  std::vector<Candidate> namesAt(std::uint32_t offset) const;
  // The type of the expression that ends exactly at `offset` (the receiver of `x.`), or nullptr.
  const ast::Type* typeEndingAt(std::uint32_t offset) const;

 private:
  const Analysis& a_;
  std::vector<Occurrence> occ_;
  std::vector<const ast::Expr*> exprs_;  // every expression of the document, for typeEndingAt
};

}  // namespace fnd::tools::lsp
