#include "tools/fmt/source_tokens.hpp"

#include <algorithm>

#include "FndLexer.h"
#include "parse/token_stream.hpp"

namespace fnd::tools {

using gen::FndLexer;

namespace {

// Comments in the text between two tokens (which holds only blanks, newlines and comments).
void scanGap(const std::string& s, std::uint32_t from, std::uint32_t to, std::vector<Comment>& out) {
  std::uint32_t i = from;
  while (i + 1 < to) {
    if (s[i] == '/' && s[i + 1] == '/') {
      std::uint32_t e = i;
      while (e < to && s[e] != '\n' && s[e] != '\r') ++e;
      std::uint32_t t = e;
      while (t > i && (s[t - 1] == ' ' || s[t - 1] == '\t' || s[t - 1] == '\f')) --t;
      out.push_back({s.substr(i, t - i), i, t, true});
      i = e;
    } else if (s[i] == '/' && s[i + 1] == '*') {
      std::size_t close = s.find("*/", i + 2);
      std::uint32_t e = close == std::string::npos || close + 2 > to ? to : static_cast<std::uint32_t>(close + 2);
      out.push_back({s.substr(i, e - i), i, e, false});
      i = e;
    } else {
      ++i;
    }
  }
}

}  // namespace

bool SourceTokens::isOpen(std::size_t t) {
  return t == FndLexer::LPAREN || t == FndLexer::LBRACK || t == FndLexer::LBRACE;
}
bool SourceTokens::isClose(std::size_t t) {
  return t == FndLexer::RPAREN || t == FndLexer::RBRACK || t == FndLexer::RBRACE;
}
bool SourceTokens::isWord(std::size_t t) {
  return t == FndLexer::ID || t == FndLexer::TYPE_NAME || (t >= FndLexer::KW_MODULE && t <= FndLexer::KW_REF);
}

SourceTokens::SourceTokens(const std::string& text, diag::FileId file, diag::DiagnosticEngine& diags)
    : text_(text) {
  parse::TokenizedText lexed(text, file, 0, diags);
  hadErrors_ = lexed.hadErrors();
  auto& stream = lexed.tokens();
  for (std::size_t i = 0; i < stream.size(); ++i) {
    antlr4::Token* t = stream.get(i);
    diag::SourceRange r = lexed.range(t);
    Token tok;
    tok.type = t->getType();
    tok.begin = r.begin;
    tok.end = r.end;
    if (tok.type != antlr4::Token::EOF) tok.text = text.substr(r.begin, r.end - r.begin);
    else tok.begin = tok.end = static_cast<std::uint32_t>(text.size());  // diagnostics show it earlier
    tokens_.push_back(std::move(tok));
    if (t->getType() == antlr4::Token::EOF) break;
  }
  if (tokens_.empty() || tokens_.back().type != antlr4::Token::EOF) {
    Token eof;
    eof.type = antlr4::Token::EOF;
    eof.begin = eof.end = static_cast<std::uint32_t>(text.size());
    tokens_.push_back(eof);
  }
  // Comments live in the gaps; a truncated token list (E0015) leaves the rest of the file out.
  std::uint32_t prev = 0;
  for (const Token& t : tokens_) {
    std::uint32_t to = t.type == antlr4::Token::EOF ? static_cast<std::uint32_t>(text.size()) : t.begin;
    if (to > prev) scanGap(text, prev, to, comments_);
    prev = std::max(prev, t.end);
  }
  match_.resize(tokens_.size());
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    match_[i] = i;
    if (isOpen(tokens_[i].type)) {
      open.push_back(i);
    } else if (isClose(tokens_[i].type) && !open.empty()) {
      std::size_t o = open.back();
      open.pop_back();
      match_[o] = i;
      match_[i] = o;
    }
  }
  lineStarts_.push_back(0);
  for (std::uint32_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') lineStarts_.push_back(i + 1);
}

std::uint32_t SourceTokens::line(std::uint32_t offset) const {
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  return static_cast<std::uint32_t>(it - lineStarts_.begin());
}

std::size_t SourceTokens::tokenAt(std::uint32_t offset) const {
  auto it = std::partition_point(tokens_.begin(), tokens_.end(),
                                 [&](const Token& t) { return t.end <= offset && t.type != antlr4::Token::EOF; });
  return static_cast<std::size_t>(it - tokens_.begin());
}

}  // namespace fnd::tools
