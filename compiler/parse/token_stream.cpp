#include "parse/token_stream.hpp"

#include <cstdio>
#include <cstdlib>

namespace fnd::parse {

using gen::FndLexer;

long sanitizeUtf8(std::string& s) {
  long first = -1;
  auto bad = [&](std::size_t i) {
    if (first < 0) first = static_cast<long>(i);
    s[i] = '?';
  };
  std::size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    int len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else { bad(i); ++i; continue; }
    if (i + len > n) { bad(i); ++i; continue; }
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) { ok = false; break; }
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (!ok || cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      bad(i);
      ++i;
      continue;
    }
    i += len;
  }
  return first;
}

TokenizedText::TokenizedText(std::string text, diag::FileId file, std::uint32_t base,
                             diag::DiagnosticEngine& diags)
    : file_(file), base_(base) {
  long badAt = sanitizeUtf8(text);
  if (badAt >= 0) {
    diags.error(diag::Code::E0002,
                diag::SourceRange{file, base + static_cast<std::uint32_t>(badAt),
                                  base + static_cast<std::uint32_t>(badAt) + 1},
                "invalid UTF-8 in source file");
    hadErrors_ = true;
    errorLines_.insert(diags.sources().lineCol(file, base + static_cast<std::uint32_t>(badAt)).line);
  }
  // Code point index -> byte offset; the text is valid UTF-8 now.
  cpToByte_.reserve(text.size() + 1);
  for (std::uint32_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) cpToByte_.push_back(i);
  cpToByte_.push_back(static_cast<std::uint32_t>(text.size()));

  input_ = std::make_unique<antlr4::ANTLRInputStream>(text);
  lexer_ = std::make_unique<FndLexer>(input_.get());
  lexer_->removeErrorListeners();  // BAD_CHAR catches everything; nothing else can fail
  raw_ = lexer_->getAllTokens();
  filter(diags);
}

TokenizedText::~TokenizedText() = default;

std::uint32_t TokenizedText::byteOffset(std::size_t cp) const {
  if (cp >= cpToByte_.size()) cp = cpToByte_.size() - 1;
  return base_ + cpToByte_[cp];
}

diag::SourceRange TokenizedText::range(const antlr4::Token* t) const {
  if (!t) return {file_, base_, base_};
  if (t->getType() == antlr4::Token::EOF) return {file_, eofOffset_, eofOffset_};
  auto start = t->getStartIndex(), stop = t->getStopIndex();
  if (start == INVALID_INDEX || static_cast<long>(start) < 0) return {file_, base_, base_};
  std::uint32_t b = byteOffset(start);
  std::uint32_t e = (stop == INVALID_INDEX || stop < start) ? b : byteOffset(stop + 1);
  return {file_, b, e};
}

diag::SourceRange TokenizedText::range(antlr4::ParserRuleContext* ctx) const {
  if (!ctx) return {file_, base_, base_};
  diag::SourceRange r = range(ctx->getStart());
  const antlr4::Token* stop = ctx->getStop();
  if (stop && stop->getType() != antlr4::Token::EOF && stop->getStopIndex() != INVALID_INDEX &&
      stop->getStartIndex() >= ctx->getStart()->getStartIndex())
    r.end = std::max(r.end, range(stop).end);
  return r;
}

namespace {

bool canEndStatement(std::size_t type) {
  switch (type) {
    case FndLexer::ID: case FndLexer::TYPE_NAME: case FndLexer::INT: case FndLexer::FLOAT:
    case FndLexer::DURATION: case FndLexer::STRING: case FndLexer::RPAREN: case FndLexer::RBRACK:
    case FndLexer::RBRACE: case FndLexer::KW_TRUE: case FndLexer::KW_FALSE:
    case FndLexer::KW_SELF: case FndLexer::KW_SENDER: case FndLexer::KW_STOP:
    case FndLexer::KW_RETURN: case FndLexer::KW_BREAK: case FndLexer::KW_CONTINUE:
    case FndLexer::KW_INT: case FndLexer::KW_FLOAT: case FndLexer::KW_BOOL:
    case FndLexer::KW_STRING: case FndLexer::KW_BYTES: case FndLexer::KW_DURATION:
    case FndLexer::KW_REF: case FndLexer::GT:
      return true;
    default:
      return false;
  }
}

// Tokens that only begin a statement or a declaration item, never continue an expression: a line
// inside unclosed ( or [ that starts with one of these means the bracket was never closed.
bool onlyStartsStatement(std::size_t type) {
  switch (type) {
    case FndLexer::KW_LET: case FndLexer::KW_VAR: case FndLexer::KW_IF: case FndLexer::KW_WHILE:
    case FndLexer::KW_FOR: case FndLexer::KW_SEND: case FndLexer::KW_REPLY: case FndLexer::KW_BROADCAST:
    case FndLexer::KW_PUBLISH: case FndLexer::KW_SUBSCRIBE: case FndLexer::KW_EMIT: case FndLexer::KW_LOG:
    case FndLexer::KW_STOP: case FndLexer::KW_RETURN: case FndLexer::KW_BREAK: case FndLexer::KW_CONTINUE:
    case FndLexer::KW_ON: case FndLexer::KW_EVERY: case FndLexer::KW_STATE: case FndLexer::KW_PARAM:
    case FndLexer::KW_PROTECT: case FndLexer::KW_CHILD: case FndLexer::KW_MESSAGE: case FndLexer::KW_ACTOR:
    case FndLexer::KW_EXTERN: case FndLexer::KW_SUPERVISOR: case FndLexer::KW_SOCIETY: case FndLexer::KW_MAIN:
    case FndLexer::KW_CLUSTER: case FndLexer::KW_IMPORT: case FndLexer::KW_MODULE:
      return true;
    default:
      return false;
  }
}

// A newline before these continues the previous line (`} else {`, chained `.m()`, Allman braces).
bool continuesLine(std::size_t type) {
  switch (type) {
    case FndLexer::KW_ELSE: case FndLexer::RPAREN: case FndLexer::RBRACK: case FndLexer::RBRACE:
    case FndLexer::COMMA: case FndLexer::DOT: case FndLexer::LBRACE:
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace {

std::string describeChar(const std::string& text) {
  unsigned char c = text.empty() ? 0 : static_cast<unsigned char>(text[0]);
  if (c >= 0x21 && c < 0x7F) return "'" + text + "'";
  // Decode the code point for the message.
  std::uint32_t cp = c;
  if (c >= 0x80) {
    int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    cp = c & (0xFF >> (len + 1));
    for (int k = 1; k < len && k < static_cast<int>(text.size()); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[k]) & 0x3F);
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

// Limits that keep every recursive stage (ANTLR's parser, the AST builder, sema, destructors) far
// from the end of the stack, whatever the input.
constexpr std::size_t kMaxNesting = 200;         // open (, [, {
constexpr std::size_t kMaxOperators = 2000;      // operator tokens in one statement

bool isOperator(std::size_t type) {
  switch (type) {
    case FndLexer::PLUS: case FndLexer::MINUS: case FndLexer::STAR: case FndLexer::SLASH:
    case FndLexer::PERCENT: case FndLexer::EQ: case FndLexer::NE: case FndLexer::LT:
    case FndLexer::LE: case FndLexer::GT: case FndLexer::GE: case FndLexer::KW_AND:
    case FndLexer::KW_OR: case FndLexer::KW_NOT: case FndLexer::DOT: case FndLexer::LBRACK:
    case FndLexer::LPAREN: case FndLexer::SHL: case FndLexer::AMP: case FndLexer::PIPE:
    case FndLexer::CARET: case FndLexer::TILDE:
      return true;
    default:
      return false;
  }
}

}  // namespace

// `"a {m["k"]} b"`: a string literal inside an interpolation. The lexer ends the string at the
// quote that opens "k" (docs/language.md: `"` ends the string), and the pieces then read as a
// string, a name and another string: the parser's error was about whatever came first. Recognised
// when raw_[i] ends inside an interpolation, at a quote directly followed by a word character or a
// quote; reported once (E0006) at the inner literal, and the pieces up to the real end of the outer
// string (found by reading inner literals as strings) become one string token, so that the parser
// and the interpolation see the statement as written. Returns how many raw tokens were merged
// into raw_[i] (0: not this case).
std::size_t TokenizedText::mergeQuotedInterpolation(std::size_t i, diag::DiagnosticEngine& diags) {
  const std::size_t start = raw_[i]->getStartIndex(), stop = raw_[i]->getStopIndex();
  const std::size_t size = input_->size();
  auto at = [&](std::size_t k) -> std::size_t {
    if (k >= size) return antlr4::Token::EOF;
    input_->seek(k);
    return input_->LA(1);
  };
  auto endsLine = [](std::size_t c) { return c == antlr4::Token::EOF || c == '\n' || c == '\r'; };
  std::size_t after = at(stop + 1);
  bool wordOrQuote = after == '"' || after == '_' || (after >= 'a' && after <= 'z') ||
                     (after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9');
  if (!wordOrQuote) return 0;
  std::size_t depth = 0, innerOpen = 0, innerClose = 0, end = 0;
  for (std::size_t k = start + 1; !end; ++k) {
    std::size_t c = at(k);
    if (endsLine(c)) return 0;
    if (depth == 0) {
      if (c == '\\') ++k;
      else if (c == '{' && at(k + 1) == '{') ++k;
      else if (c == '{') depth = 1;
      else if (c == '"') end = k;
      continue;
    }
    if (c == '{') ++depth;
    else if (c == '}') --depth;
    else if (c == '"') {  // an inner string literal: to its closing quote
      std::size_t q = k + 1;
      for (std::size_t d = at(q); d != '"'; d = at(++q)) {
        if (endsLine(d)) return 0;
        if (d == '\\') ++q;
      }
      if (!innerOpen) innerOpen = k, innerClose = q;
      k = q;
    }
  }
  if (innerOpen != stop) return 0;
  std::size_t last = i;
  while (last + 1 < raw_.size() && raw_[last + 1]->getStopIndex() <= end) ++last;
  if (raw_[last]->getStopIndex() != end) return 0;  // the pieces do not end at the string's end
  diags.error(diag::Code::E0006, diag::SourceRange{file_, byteOffset(innerOpen), byteOffset(innerClose + 1)},
              "a string literal cannot appear inside an interpolation")
      .note({}, "bind the string to a name first (let key = \"k\") and interpolate the name ({m[key]})");
  diag::SourceRange r = range(raw_[i].get());
  errorLines_.insert(diags.sources().lineCol(r.file, r.begin).line);
  hadErrors_ = true;
  auto merged = std::make_unique<antlr4::CommonToken>(raw_[i].get());
  merged->setStopIndex(end);
  merged->setText(input_->getText(antlr4::misc::Interval(start, end)));
  raw_[i] = std::move(merged);
  return last - i;
}

// raw_[i] is the first token of its line and starts a top-level declaration as written:
// `actor Name {`, `extern actor`, `message Name`, `supervisor Name {`, `society Name {`,
// `cluster Name {`, `config {`, `main Name`, `import name`. Inside a block no statement or item
// starts this way at column 0.
bool TokenizedText::startsDeclarationAtLineStart(std::size_t i) const {
  const antlr4::Token* t = raw_[i].get();
  if (t->getCharPositionInLine() != 0) return false;
  auto at = [&](std::size_t k) -> std::size_t {
    return i + k < raw_.size() ? raw_[i + k]->getType() : antlr4::Token::EOF;
  };
  const bool named = at(1) == FndLexer::ID || at(1) == FndLexer::TYPE_NAME;
  switch (t->getType()) {
    case FndLexer::KW_ACTOR: case FndLexer::KW_SUPERVISOR: case FndLexer::KW_SOCIETY:
    case FndLexer::KW_CLUSTER: case FndLexer::KW_MESSAGE:
      return named && at(2) == FndLexer::LBRACE;
    case FndLexer::KW_EXTERN:
      return at(1) == FndLexer::KW_ACTOR;
    case FndLexer::KW_MAIN:
      return named && (at(2) == FndLexer::NL || at(2) == antlr4::Token::EOF);
    case FndLexer::KW_IMPORT:
      return named;
    case FndLexer::KW_CONFIG:
      return at(1) == FndLexer::LBRACE;
    default:
      return false;
  }
}

// A token the source does not hold (a supplied '}'), placed at `at` with an empty range.
std::unique_ptr<antlr4::Token> TokenizedText::syntheticToken(std::size_t type, const std::string& text,
                                                             const antlr4::Token& at) {
  // The source pair of `at`: ANTLR's error recovery asks a token for its source when it conjures
  // a missing one next to it.
  auto t = std::make_unique<antlr4::CommonToken>(std::make_pair(at.getTokenSource(), at.getInputStream()), type,
                                                 antlr4::Token::DEFAULT_CHANNEL, at.getStartIndex(),
                                                 at.getStartIndex() - 1);
  t->setText(text);
  t->setLine(at.getLine());
  t->setCharPositionInLine(at.getCharPositionInLine());
  return t;
}

// Supplies a missing '}' before `at`, the first token of its line: placed before the line's
// newline (a newline before '}' is no separator in a message's field list) and followed by one.
void TokenizedText::closeBlockBefore(std::vector<std::unique_ptr<antlr4::Token>>& out, const antlr4::Token& at) {
  std::unique_ptr<antlr4::Token> nl;
  if (!out.empty() && out.back()->getType() == FndLexer::NL) {
    nl = std::move(out.back());
    out.pop_back();
  }
  out.push_back(syntheticToken(FndLexer::RBRACE, "}", at));
  out.push_back(nl ? std::move(nl) : syntheticToken(FndLexer::NL, "\n", at));
}

namespace {
// Milliseconds per duration unit, or 0.
std::int64_t unitMillis(const std::string& u) {
  if (u == "ms") return 1;
  if (u == "s") return 1000;
  if (u == "m") return 60'000;
  if (u == "h") return 3'600'000;
  return 0;
}

bool looksLikeTimeUnit(const std::string& w) {
  static const char* const kUnits[] = {"ns", "us", "sec", "secs", "second", "seconds", "min", "mins", "minute",
                                       "minutes", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "week",
                                       "weeks", "msec", "msecs", "millis", "y"};
  for (const char* u : kUnits)
    if (w == u) return true;
  return false;
}
}  // namespace

// `number` followed directly by `word`: a duration with a unit fndc does not have, a fractional
// duration, or a suffix no number takes.
void TokenizedText::reportNumberSuffix(const antlr4::Token& number, const antlr4::Token& word,
                                       diag::DiagnosticEngine& diags) {
  const diag::SourceRange r{file_, range(&number).begin, range(&word).end};
  const std::string n = number.getText(), w = word.getText();
  const std::string units = "the units are ms, s, m and h";
  if (number.getType() == FndLexer::DURATION) {
    // The lexer took the longest unit it knows (`10sec` is `10s` + `ec`).
    std::size_t digits = n.find_first_not_of("0123456789_");
    std::string unit = n.substr(digits) + w;
    diags.error(diag::Code::E0001, r, "invalid duration unit '" + unit + "'").note({}, units);
    return;
  }
  if (number.getType() == FndLexer::FLOAT && unitMillis(w) != 0) {
    auto d = diags.error(diag::Code::E0001, r, "a duration is a whole number of a unit, not '" + n + w + "'");
    std::string digitsOnly;
    for (char c : n)
      if (c != '_') digitsOnly += c;
    const double ms = std::strtod(digitsOnly.c_str(), nullptr) * static_cast<double>(unitMillis(w));
    if (ms == static_cast<double>(static_cast<std::int64_t>(ms)) && ms < 9e15)
      d.note({}, "write " + std::to_string(static_cast<std::int64_t>(ms)) + "ms");
    else d.note({}, units);
    return;
  }
  if (looksLikeTimeUnit(w)) {
    diags.error(diag::Code::E0001, r, "invalid duration unit '" + w + "'").note({}, units);
    return;
  }
  diags.error(diag::Code::E0001, r, "invalid suffix '" + w + "' on number '" + n + "'")
      .note({}, "put a space or an operator between a number and a name");
}

void TokenizedText::filter(diag::DiagnosticEngine& diags) {
  std::size_t operators = 0;
  auto noteLine = [&](const antlr4::Token* t) {
    diag::SourceRange r = range(t);
    errorLines_.insert(diags.sources().lineCol(r.file, r.begin).line);
  };
  std::vector<std::unique_ptr<antlr4::Token>> out;
  out.reserve(raw_.size());
  std::vector<std::size_t> nesting;  // open brackets: LPAREN, LBRACK, LBRACE
  std::vector<const antlr4::Token*> openers;  // the tokens of `nesting`, in `out`
  std::vector<bool> inHandler;  // per `nesting` entry: opened inside a handler (`on`/`every` body)
  std::size_t lineStart = antlr4::Token::INVALID_TYPE;  // the first token of the current line
  std::size_t line = 0;
  std::size_t prev = antlr4::Token::INVALID_TYPE;
  std::size_t merged = 0;  // raw tokens after raw_[i] merged into it (mergeQuotedInterpolation)
  // `at` starts a line that cannot be inside the open '{' `open`: reports the missing '}' and closes
  // every bracket above the first `keep` ones, supplying a '}' for each '{'.
  auto closeMissingBraces = [&](const antlr4::Token& at, const antlr4::Token& open, std::size_t keep) {
    diags.error(diag::Code::E0001, range(&at), "expected '}' before '" + at.getText() + "': a block is still open")
        .note(range(&open), "this '{' is not closed");
    noteLine(&at);
    hadErrors_ = true;
    while (nesting.size() > keep) {
      if (nesting.back() == FndLexer::LBRACE) closeBlockBefore(out, at);
      nesting.pop_back();
      openers.pop_back();
      inHandler.pop_back();
    }
  };
  for (std::size_t i = 0; i < raw_.size(); i += 1 + merged) {
    merged = 0;
    auto& tok = raw_[i];
    std::size_t type = tok->getType();
    switch (type) {
      case FndLexer::BAD_CHAR: {
        // One per line: `'x'`, a non-ASCII name or an invalid UTF-8 byte (already reported, and
        // replaced by '?') would otherwise give one error per character.
        const diag::SourceRange br = range(tok.get());
        const bool lineReported = errorLines_.count(diags.sources().lineCol(br.file, br.begin).line) != 0;
        hadErrors_ = true;
        if (lineReported) continue;
        auto d = diags.error(diag::Code::E0002, br, "invalid character " + describeChar(tok->getText()) + " in source");
        if (tok->getText() == "'") d.note({}, "string literals are written in double quotes: \"text\"");
        else if (!tok->getText().empty() && static_cast<unsigned char>(tok->getText()[0]) >= 0x80)
          d.note({}, "names are made of ASCII letters, digits and '_' (other characters may appear in strings)");
        noteLine(tok.get());
        continue;
      }
      case FndLexer::UNTERMINATED_COMMENT:
        diags.error(diag::Code::E0004, range(tok.get()), "unterminated /* comment");
        hadErrors_ = true;
        continue;
      case FndLexer::UNTERMINATED_STRING: {
        diag::SourceRange r = range(tok.get());
        diags.error(diag::Code::E0003, diag::SourceRange{r.file, r.begin, r.begin + 1},
                    "missing terminating '\"' character");
        noteLine(tok.get());
        hadErrors_ = true;
        auto fixed = std::make_unique<antlr4::CommonToken>(tok.get());
        fixed->setType(FndLexer::STRING);
        fixed->setText(tok->getText() + "\"");
        tok = std::move(fixed);
        type = FndLexer::STRING;
        break;
      }
      case FndLexer::DOT: {
        // `1.` and `.5`: a float literal needs a digit on both sides of '.'. Reported here, at the
        // '.', which is then dropped: left in, `1.` at a line's end would continue the statement
        // on the next line and `.5` would be "expected an expression", neither naming the mistake.
        auto adjacent = [](const antlr4::Token* a, const antlr4::Token* b) {
          return b->getStartIndex() == a->getStopIndex() + 1;
        };
        const antlr4::Token* before = out.empty() ? nullptr : out.back().get();  // raw_'s are moved out
        const antlr4::Token* after = i + 1 < raw_.size() ? raw_[i + 1].get() : nullptr;
        const bool intBefore = before && before->getType() == FndLexer::INT && adjacent(before, tok.get());
        const bool intAfter = after && after->getType() == FndLexer::INT && adjacent(tok.get(), after);
        const bool wordAfter = after && adjacent(tok.get(), after) &&
                               (after->getType() == FndLexer::ID || after->getType() == FndLexer::TYPE_NAME);
        const bool operandBefore = before && adjacent(before, tok.get()) &&
                                   (before->getType() == FndLexer::ID || before->getType() == FndLexer::TYPE_NAME ||
                                    before->getType() == FndLexer::RPAREN || before->getType() == FndLexer::RBRACK);
        if ((intBefore && !wordAfter && !intAfter) || (intAfter && !intBefore && !operandBefore)) {
          diags.error(diag::Code::E0001, range(tok.get()),
                      intAfter ? "a float literal needs a digit before '.' (write 0." + after->getText() + ")"
                               : "a float literal needs a digit after '.' (write " + before->getText() + ".0)");
          noteLine(tok.get());
          hadErrors_ = true;
          continue;
        }
        break;
      }
      case FndLexer::STRING:
        merged = mergeQuotedInterpolation(i, diags);
        break;
      case FndLexer::INT: case FndLexer::FLOAT: case FndLexer::DURATION:
        // `10sec`, `10us`, `1.5s`: a word glued to a number. Reported here, at the whole literal,
        // and the word dropped (the number stays), instead of "expected '{', found 'ec'".
        if (i + 1 < raw_.size() && raw_[i + 1]->getStartIndex() == tok->getStopIndex() + 1 &&
            (raw_[i + 1]->getType() == FndLexer::ID || raw_[i + 1]->getType() == FndLexer::TYPE_NAME)) {
          reportNumberSuffix(*tok, *raw_[i + 1], diags);
          noteLine(tok.get());
          hadErrors_ = true;
          merged = 1;
        }
        break;
      default:
        break;
    }
    if (type == FndLexer::NL || type == FndLexer::SEMI || type == FndLexer::LBRACE ||
        type == FndLexer::RBRACE)
      operators = 0;
    else if (isOperator(type))
      ++operators;
    bool tooDeep = (type == FndLexer::LPAREN || type == FndLexer::LBRACK || type == FndLexer::LBRACE) &&
                   nesting.size() >= kMaxNesting;
    if (tooDeep || operators > kMaxOperators) {
      diags.error(diag::Code::E0015, range(tok.get()),
                  tooDeep ? "brackets nested more than " + std::to_string(kMaxNesting) + " levels deep"
                          : "more than " + std::to_string(kMaxOperators) + " operators in one statement")
          .note({}, "the rest of the file is not checked");
      noteLine(tok.get());
      hadErrors_ = true;
      truncated_ = true;
      break;  // the parser sees end of file here
    }
    const bool firstOnLine = tok->getLine() != line;
    if (firstOnLine) {
      line = tok->getLine();
      lineStart = type;
    }
    if (firstOnLine && !inHandler.empty() && inHandler.back() &&
        (type == FndLexer::KW_ON || type == FndLexer::KW_EVERY || type == FndLexer::KW_PARAM ||
         type == FndLexer::KW_STATE)) {
      // `on Ping {` starting a line inside a handler: the handler's '}' is missing (no statement
      // starts with these words). Reported, and the handler's '}'s supplied, as below.
      const std::size_t outside = static_cast<std::size_t>(std::find(inHandler.begin(), inHandler.end(), true) - inHandler.begin());
      closeMissingBraces(*tok, *openers.back(), outside);
    }
    if (!nesting.empty() && startsDeclarationAtLineStart(i)) {
      // `actor B {` at the start of a line while a '{' is still open: the '}' before it is
      // missing. Reported here, and the '}'s are supplied, so that the parser reads the rest of
      // the file as it is laid out instead of as the open declaration's body.
      const antlr4::Token* open = nullptr;
      for (std::size_t k = nesting.size(); k-- > 0 && !open;)
        if (nesting[k] == FndLexer::LBRACE) open = openers[k];
      if (open) closeMissingBraces(*tok, *open, 0);
    }
    switch (type) {
      case FndLexer::LPAREN: case FndLexer::LBRACK: case FndLexer::LBRACE:
        inHandler.push_back((!inHandler.empty() && inHandler.back()) ||
                            (type == FndLexer::LBRACE && (lineStart == FndLexer::KW_ON || lineStart == FndLexer::KW_EVERY)));
        nesting.push_back(type);
        openers.push_back(tok.get());
        break;
      case FndLexer::RPAREN: case FndLexer::RBRACK: case FndLexer::RBRACE: {
        std::size_t open = type == FndLexer::RPAREN ? FndLexer::LPAREN
                           : type == FndLexer::RBRACK ? FndLexer::LBRACK : FndLexer::LBRACE;
        // Pop to the matching opener (recovers from unbalanced brackets).
        auto it = std::find(nesting.rbegin(), nesting.rend(), open);
        if (it != nesting.rend()) {
          nesting.erase(std::next(it).base(), nesting.end());
          openers.resize(nesting.size());
          inHandler.resize(nesting.size());
        }
        break;
      }
      default:
        break;
    }
    if (type == FndLexer::NL) {
      // Look at the next token that is not a newline or a dropped error token.
      std::size_t j = i + 1;
      while (j < raw_.size() && raw_[j]->getType() == FndLexer::NL) ++j;
      std::size_t next = j < raw_.size() ? raw_[j]->getType() : antlr4::Token::EOF;
      bool insideParens = !nesting.empty() && nesting.back() != FndLexer::LBRACE;
      if (insideParens) {
        // `let x = (1 + 2` followed by a statement: the ( or [ is unclosed. Keep the newline (the
        // parser reports the missing bracket at the end of this line and resumes at the next
        // statement) rather than reading the following lines as part of the expression.
        bool assignment = (next == FndLexer::ID || next == FndLexer::TYPE_NAME) && j + 1 < raw_.size() &&
                          raw_[j + 1]->getType() == FndLexer::ASSIGN;
        if (!onlyStartsStatement(next) && !assignment) continue;
        while (!nesting.empty() && nesting.back() != FndLexer::LBRACE) {
          nesting.pop_back();
          openers.pop_back();
          inHandler.pop_back();
        }
      } else {
        if (!canEndStatement(prev)) continue;
        if (continuesLine(next)) continue;
      }
    }
    prev = type;
    out.push_back(std::move(tok));
  }
  raw_.clear();
  // End of input is shown where the last token ends, as clang does: a file's final newline would
  // otherwise put "expected '}'" on a line past the end of the file.
  eofOffset_ = base_;
  for (auto t = out.rbegin(); t != out.rend(); ++t) {
    if ((*t)->getType() == FndLexer::NL || (*t)->getStopIndex() < (*t)->getStartIndex()) continue;
    eofOffset_ = byteOffset((*t)->getStopIndex() + 1);
    break;
  }
  // The lexer's own EOF token (ListTokenSource cannot make one for an empty list).
  out.push_back(lexer_->nextToken());
  source_ = std::make_unique<antlr4::ListTokenSource>(std::move(out));
  tokens_ = std::make_unique<antlr4::CommonTokenStream>(source_.get());
  tokens_->fill();
}

}  // namespace fnd::parse
