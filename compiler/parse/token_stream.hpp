// Internal to parse/: lexes a UTF-8 text into the filtered token list the parser consumes and keeps
// what turns ANTLR's code-point indices back into byte offsets of the file.
#pragma once

#include <antlr4-runtime.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "FndLexer.h"
#include "diag/diagnostic.hpp"

namespace fnd::parse {

class TokenizedText {
 public:
  // `text` is a slice of file `file` starting at byte `base` (the whole file, or the inside of an
  // interpolation). Reports lexical errors (E0002-E0004) into diags.
  TokenizedText(std::string text, diag::FileId file, std::uint32_t base,
                diag::DiagnosticEngine& diags);
  ~TokenizedText();

  antlr4::CommonTokenStream& tokens() { return *tokens_; }
  bool hadErrors() const { return hadErrors_; }
  // Lines with a lexical error (the parser reports nothing more there).
  const std::set<std::uint32_t>& errorLines() const { return errorLines_; }
  diag::FileId file() const { return file_; }
  // The text is the inside of a string interpolation, not a whole file.
  bool isInterpolation() const { return base_ != 0; }
  // The input was cut short after an E0015: the parser must not complain about the cut.
  bool truncated() const { return truncated_; }

  // Byte range of a token / of a parse-tree node in the file.
  diag::SourceRange range(const antlr4::Token* t) const;
  diag::SourceRange range(antlr4::ParserRuleContext* ctx) const;
  std::uint32_t byteOffset(std::size_t codePointIndex) const;

 private:
  void filter(diag::DiagnosticEngine& diags);
  bool startsDeclarationAtLineStart(std::size_t i) const;
  void reportNumberSuffix(const antlr4::Token& number, const antlr4::Token& word, diag::DiagnosticEngine& diags);
  static void closeBlockBefore(std::vector<std::unique_ptr<antlr4::Token>>& out, const antlr4::Token& at);
  static std::unique_ptr<antlr4::Token> syntheticToken(std::size_t type, const std::string& text,
                                                       const antlr4::Token& at);
  std::size_t mergeQuotedInterpolation(std::size_t i, diag::DiagnosticEngine& diags);

  diag::FileId file_;
  std::uint32_t base_;
  bool hadErrors_ = false;
  bool truncated_ = false;
  std::set<std::uint32_t> errorLines_;
  std::uint32_t eofOffset_ = 0;  // where end of input is reported: the end of the last token
  std::vector<std::uint32_t> cpToByte_;  // code point index -> byte offset (relative to base)
  std::unique_ptr<antlr4::ANTLRInputStream> input_;
  std::unique_ptr<gen::FndLexer> lexer_;
  std::vector<std::unique_ptr<antlr4::Token>> raw_;
  std::unique_ptr<antlr4::ListTokenSource> source_;
  std::unique_ptr<antlr4::CommonTokenStream> tokens_;
};

// Replaces bytes that are not valid UTF-8 by '?' (same length, so offsets stay exact); returns the
// offset of the first invalid byte or -1.
long sanitizeUtf8(std::string& text);

}  // namespace fnd::parse
