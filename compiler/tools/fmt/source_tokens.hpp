// The token view of one .fnd file that the tools (fmt, lsp) share: the parser's filtered tokens
// (a NL token only where it separates statements) with byte ranges, the comments the lexer skips
// (recovered from the gaps between tokens, so a `//` inside a string is never one), the matching
// bracket of every bracket, and a line table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "diag/diagnostic.hpp"

namespace fnd::tools {

struct Token {
  std::size_t type = 0;  // gen::FndLexer token type; EOF for the sentinel at the end
  std::string text;
  std::uint32_t begin = 0, end = 0;  // byte offsets
};

struct Comment {
  std::string text;  // `// ...` without trailing blanks, or `/* ... */` verbatim
  std::uint32_t begin = 0, end = 0;
  bool isLine = false;
};

class SourceTokens {
 public:
  // Lexes `text`; lexical errors go to diags (reported against `file`).
  SourceTokens(const std::string& text, diag::FileId file, diag::DiagnosticEngine& diags);

  const std::string& text() const { return text_; }
  const std::vector<Token>& tokens() const { return tokens_; }  // ends with an EOF token
  const std::vector<Comment>& comments() const { return comments_; }
  bool hadErrors() const { return hadErrors_; }
  // Index of the bracket matching tokens()[i], or i itself if unmatched / not a bracket.
  std::size_t match(std::size_t i) const { return match_[i]; }
  // 1-based line of a byte offset.
  std::uint32_t line(std::uint32_t offset) const;
  // Index of the first token whose end is after `offset` (the token at or after it).
  std::size_t tokenAt(std::uint32_t offset) const;

  static bool isOpen(std::size_t type);
  static bool isClose(std::size_t type);
  static bool isWord(std::size_t type);  // identifiers and keywords

 private:
  std::string text_;
  std::vector<Token> tokens_;
  std::vector<Comment> comments_;
  std::vector<std::size_t> match_;
  std::vector<std::uint32_t> lineStarts_;
  bool hadErrors_ = false;
};

}  // namespace fnd::tools
