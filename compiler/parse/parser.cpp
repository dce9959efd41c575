#include "parse/parser.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "FndParser.h"
#include "parse/ast_builder.hpp"
#include "parse/token_stream.hpp"

namespace fnd::parse {

using gen::FndLexer;
using gen::FndParser;

namespace {

std::string describeToken(const antlr4::Token* t) {
  if (!t) return "end of file";
  switch (t->getType()) {
    case antlr4::Token::EOF: return "end of file";
    case FndLexer::NL: return "newline";
    case FndLexer::STRING: return "string literal";
    case FndLexer::INT: case FndLexer::FLOAT: return "number '" + t->getText() + "'";
    case FndLexer::DURATION: return "duration '" + t->getText() + "'";
    default: return "'" + t->getText() + "'";
  }
}

// Renders the set of tokens the parser wanted, or "" when it is too large to help.
std::string describeExpected(const antlr4::misc::IntervalSet& set, const antlr4::dfa::Vocabulary& vocab) {
  std::set<std::size_t> types;
  for (auto t : set.toList()) types.insert(t);
  std::vector<std::string> items;
  static const std::size_t kExprStarts[] = {
      FndLexer::INT, FndLexer::FLOAT, FndLexer::DURATION, FndLexer::STRING, FndLexer::KW_TRUE,
      FndLexer::KW_FALSE, FndLexer::KW_SELF, FndLexer::KW_SENDER, FndLexer::LBRACK,
      FndLexer::KW_SPAWN, FndLexer::KW_INT, FndLexer::KW_FLOAT, FndLexer::KW_STRING,
      FndLexer::KW_BYTES, FndLexer::LPAREN, FndLexer::MINUS, FndLexer::TILDE, FndLexer::KW_NOT, FndLexer::KW_LIST,
      FndLexer::KW_MAP, FndLexer::KW_CONFIG, FndLexer::ID, FndLexer::TYPE_NAME, FndLexer::LBRACE};
  if (types.count(FndLexer::INT) && types.count(FndLexer::STRING) && types.count(FndLexer::ID)) {
    for (auto t : kExprStarts) types.erase(t);
    items.push_back("an expression");
  }
  if (types.count(FndLexer::ID) || types.count(FndLexer::TYPE_NAME)) {
    types.erase(FndLexer::ID);
    types.erase(FndLexer::TYPE_NAME);
    items.push_back("a name");
  }
  if (types.count(FndLexer::NL) || types.count(FndLexer::SEMI)) {
    types.erase(FndLexer::NL);
    types.erase(FndLexer::SEMI);
    items.push_back("a newline");
  }
  for (auto t : types) {
    if (t == antlr4::Token::EOF) items.push_back("end of file");
    else if (t == FndLexer::INT) items.push_back("an integer");
    else if (t == FndLexer::STRING) items.push_back("a string literal");
    else if (t == FndLexer::DURATION) items.push_back("a duration");
    else items.push_back(vocab.getLiteralName(t).empty() ? vocab.getDisplayName(t) : vocab.getLiteralName(t));
  }
  if (items.empty() || items.size() > 6) return {};
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

// Reports syntax errors with clang-style messages, at most one per source line (later ones on the
// same line are nearly always consequences of the first).
class ErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  ErrorStrategy(TokenizedText& text, diag::DiagnosticEngine& diags)
      : text_(text), diags_(diags), reportedLines_(text.errorLines()) {}
  bool hadErrors = false;
  const std::set<std::uint32_t>& reportedLines() const { return reportedLines_; }
  // For the argument-list and message-field checks: report at most one error, and do not check
  // nested ones again.
  void limitToOneError() {
    limit_ = 1;
    nested_ = true;
  }
  int reported() const { return reported_; }

 protected:
  void reportNoViableAlternative(antlr4::Parser* p, const antlr4::NoViableAltException& e) override {
    report(p, e.getOffendingToken(), p->getExpectedTokens());
  }
  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override {
    report(p, e.getOffendingToken(), e.getExpectedTokens());
  }
  void reportFailedPredicate(antlr4::Parser* p, const antlr4::FailedPredicateException& e) override {
    report(p, e.getOffendingToken(), p->getExpectedTokens());
  }
  void reportUnwantedToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    report(p, p->getCurrentToken(), getExpectedTokens(p));
  }
  void reportMissingToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    report(p, p->getCurrentToken(), getExpectedTokens(p));
  }
  // Resynchronisation, clang-like: after an error the parser gives up on the rest of the statement
  // or item, skipping to the next newline or ';' outside the brackets opened while skipping, or to
  // a '}' closing an enclosing block (left for the enclosing rule to match), then goes on with the
  // next one. Only a boundary that some rule on the stack can take next (`follow`, ANTLR's error
  // recovery set) stops the skip: a '}' whose declaration was abandoned is skipped too. ANTLR's own
  // recovery stopped at any token in that set (a ')', a ',', a name...), in the middle of the
  // statement, and the parser then reported the rest of that statement as follow-on errors. Both
  // recover() and sync() (a loop that finds a token it cannot take) skip through here.
  //
  // Brackets are matched by kind: a '}' that meets an unclosed '(' or '[' (`print("x"` on a line,
  // then the block's '}') closes the block, not the '(' — the '(' was simply never closed.
  void consumeUntil(antlr4::Parser* p, const antlr4::misc::IntervalSet& follow) override {
    std::vector<std::size_t> open;  // the closers the brackets opened while skipping expect
    for (;;) {
      std::size_t t = p->getInputStream()->LA(1);
      if (t == antlr4::Token::EOF) return;
      if (t == FndLexer::RPAREN || t == FndLexer::RBRACK || t == FndLexer::RBRACE) {
        auto match = std::find(open.rbegin(), open.rend(), t);
        if (match != open.rend()) {  // closes it, and what it enclosed
          open.erase(match.base() - 1, open.end());
          p->consume();
          continue;
        }
        if (t == FndLexer::RBRACE) open.clear();  // closes a block opened before the skip
      }
      bool boundary = t == FndLexer::NL || t == FndLexer::SEMI || t == FndLexer::RBRACE;
      if (open.empty() && boundary && follow.contains(t)) return;
      if (t == FndLexer::LPAREN) open.push_back(FndLexer::RPAREN);
      else if (t == FndLexer::LBRACK) open.push_back(FndLexer::RBRACK);
      else if (t == FndLexer::LBRACE) open.push_back(FndLexer::RBRACE);
      p->consume();
    }
  }
  // At the entry of a `(...)*` loop (the statements of a block, the items of an actor) a token
  // that can neither start an item nor end the loop is skipped with the rest of its statement, and
  // the loop goes on. ANTLR's default threw here, which abandoned the enclosing rule: a bad token
  // after a statement closed its whole block, and the block's remaining statements were then read
  // as actor items, each a follow-on error.
  void sync(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    antlr4::atn::ATNState* s = p->getATN().states[p->getState()];
    std::size_t la = p->getTokenStream()->LA(1);
    antlr4::misc::IntervalSet next = p->getATN().nextTokens(s);
    if (next.contains(antlr4::Token::EPSILON) || next.contains(la)) return;
    if (s->getStateType() != antlr4::atn::ATNState::STAR_LOOP_ENTRY) return DefaultErrorStrategy::sync(p);
    if (singleTokenDeletion(p) != nullptr) return;
    reportUnwantedToken(p);
    consumeUntil(p, p->getExpectedTokens().Or(getErrorRecoverySet(p)));
  }
  // A missing '{' is not conjured: `if a >` at the end of a line (the condition is cut short),
  // then the newline, which can follow a '{', made ANTLR insert one, and the braces after paired up
  // wrongly: the handler's '}' closed the invented block, the actor's the handler, and the rest of
  // the file was reported as out of place.
  bool singleTokenInsertion(antlr4::Parser* p) override {
    if (p->getExpectedTokens().contains(static_cast<std::size_t>(FndLexer::LBRACE))) return false;
    return DefaultErrorStrategy::singleTokenInsertion(p);
  }
  void reportMatch(antlr4::Parser* p) override {
    DefaultErrorStrategy::reportMatch(p);
    switch (p->getCurrentToken()->getType()) {
      case FndLexer::KW_MODULE: case FndLexer::KW_IMPORT: case FndLexer::KW_MESSAGE:
      case FndLexer::KW_ACTOR: case FndLexer::KW_EXTERN: case FndLexer::KW_SUPERVISOR:
      case FndLexer::KW_SOCIETY: case FndLexer::KW_MAIN:
        afterError_ = false;  // a fresh declaration starts: report errors again
        break;
      default:
        break;
    }
  }

 private:
  // `f(...)` or `x.m(...)` whose argument list does not parse: prediction then reads `f` as a name,
  // and the parser stops at the '('. Parses the list on its own (rule callArgsCheck, or
  // namedArgsCheck for `spawn W(n: 1)`; one error at most) to report the mistake where it is.
  // False if the list parses: the error is elsewhere.
  bool reportInsideCallArgs(antlr4::Parser* p, antlr4::Token* tok) {
    if (nested_ || !tok) return false;
    if (tok->getType() == FndLexer::LBRACE) return reportInsideMessageFields(p, tok);
    if (tok->getType() != FndLexer::LPAREN) return false;
    antlr4::TokenStream* in = p->getTokenStream();
    const antlr4::Token* before = previousToken(tok);
    if (!before) return false;
    // A function's name, or a method's (any word after a '.'): not `for (` or `if (`.
    const bool name = before->getType() == FndLexer::ID || before->getType() == FndLexer::TYPE_NAME;
    const antlr4::Token* dot = name ? nullptr : previousToken(before);
    const bool method = before->getType() >= FndLexer::KW_MODULE && before->getType() <= FndLexer::KW_REF && dot &&
                        dot->getType() == FndLexer::DOT;
    if (!name && !method) return false;
    if (before->getLine() != tok->getLine()) return false;
    return subParseFrom(p, tok, [&](FndParser& check) {
      // Named arguments (spawn, child, member) follow an actor's name (a TYPE_NAME: functions and
      // methods are lower case) or start with `name:`; a call's never do.
      const std::size_t a1 = in->LA(2), a2 = in->LA(3);
      if (before->getType() == FndLexer::TYPE_NAME ||
          ((a1 == FndLexer::ID || a1 == FndLexer::TYPE_NAME) && a2 == FndLexer::COLON))
        check.namedArgsCheck();
      else check.callArgsCheck();
    });
  }

  // `Ping { n: 1 2 }`: the same for a message literal whose fields do not parse (prediction reads
  // `Ping` as a name and stops at the '{'). Only a '{' right after a message name on its line.
  bool reportInsideMessageFields(antlr4::Parser* p, antlr4::Token* tok) {
    const antlr4::Token* before = previousToken(tok);
    if (!before || before->getType() != FndLexer::TYPE_NAME || before->getLine() != tok->getLine()) return false;
    return subParseFrom(p, tok, [](FndParser& check) { check.messageFieldsCheck(); });
  }

  // Parses from `tok` with `rule` (one of the *Check rules) on its own, reporting at most one error
  // and nothing on lines already reported, then puts the parser's input back. False if the rule
  // found nothing (the error is elsewhere); otherwise its report stands for this one, and `tok`'s
  // line counts as reported.
  template <class Rule>
  bool subParseFrom(antlr4::Parser* p, const antlr4::Token* tok, Rule rule) {
    antlr4::TokenStream* in = p->getTokenStream();
    const std::size_t resume = in->index();
    auto sub = std::make_shared<ErrorStrategy>(text_, diags_);
    sub->limitToOneError();
    sub->reportedLines_ = reportedLines_;
    sub->afterError_ = false;
    FndParser check(&text_.tokens());
    check.removeErrorListeners();
    check.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    check.setErrorHandler(sub);
    in->seek(tok->getTokenIndex());
    rule(check);
    in->seek(resume);
    if (sub->reported() == 0) return false;
    reportedLines_.insert(sub->reportedLines_.begin(), sub->reportedLines_.end());
    reportedLines_.insert(static_cast<std::uint32_t>(diags_.sources().lineCol(text_.range(tok).file, text_.range(tok).begin).line));
    return true;
  }

  // An '=' the grammar did not expect: say what was probably meant, by where it stands.
  void noteMisplacedAssign(diag::DiagBuilder& d, antlr4::Parser* p, const antlr4::Token* tok,
                           const antlr4::Token* prevTok, const antlr4::misc::IntervalSet& expected) {
    const bool glued = prevTok && prevTok->getStopIndex() + 1 == tok->getStartIndex();
    if (glued && prevTok->getType() == FndLexer::DOTDOT) {
      d.note({}, "a range 'LO..HI' already ends before HI (there is no '..='): write HI + 1 for an inclusive end");
      return;
    }
    if (glued && (prevTok->getType() == FndLexer::PLUS || prevTok->getType() == FndLexer::MINUS ||
                  prevTok->getType() == FndLexer::STAR || prevTok->getType() == FndLexer::SLASH ||
                  prevTok->getType() == FndLexer::PERCENT)) {
      d.note({}, "there is no '" + prevTok->getText() + "=': write 'x = x " + prevTok->getText() + " value'");
      return;
    }
    bool condition = false, field = false, param = false;
    for (antlr4::tree::ParseTree* c = p->getContext(); c; c = c->parent) {
      if (dynamic_cast<FndParser::IfStmtContext*>(c) || dynamic_cast<FndParser::WhileStmtContext*>(c)) {
        condition = true;
        break;
      }
      if (dynamic_cast<FndParser::FieldInitContext*>(c) || dynamic_cast<FndParser::NamedArgContext*>(c) ||
          dynamic_cast<FndParser::MessageFieldsCheckContext*>(c) || dynamic_cast<FndParser::NamedArgsContext*>(c) ||
          dynamic_cast<FndParser::MessageLitContext*>(c)) {
        field = true;
        break;
      }
      if (dynamic_cast<FndParser::ParamItemContext*>(c)) {
        param = true;
        break;
      }
      // A block stops the search, unless it is the one the '=' stands before (`if p = 1 {`).
      auto* b = dynamic_cast<FndParser::BlockContext*>(c);
      if (b && b->getStart() && b->getStart()->getTokenIndex() < tok->getTokenIndex()) break;
    }
    if (condition && expected.contains(static_cast<std::size_t>(FndLexer::LBRACE)))
      d.note({}, "'=' assigns; compare with '=='");
    else if (field && expected.contains(static_cast<std::size_t>(FndLexer::COLON)))
      d.note({}, "a message's fields and named arguments are written 'name: value'");
    else if (param)
      d.note({}, "a parameter names its type: 'param NAME: TYPE = DEFAULT'");
  }

  // `state`, `param`, `on`, `every` or `protect` inside a supervisor, society, cluster or config
  // block: what that block is ("a supervisor"), or null.
  static const char* actorPartOutsideActor(antlr4::Parser* p, std::size_t t) {
    if (t != FndLexer::KW_STATE && t != FndLexer::KW_PARAM && t != FndLexer::KW_ON && t != FndLexer::KW_EVERY &&
        t != FndLexer::KW_PROTECT)
      return nullptr;
    for (antlr4::tree::ParseTree* c = p->getContext(); c; c = c->parent) {
      if (dynamic_cast<FndParser::SupervisorDeclContext*>(c)) return "a supervisor";
      if (dynamic_cast<FndParser::SocietyDeclContext*>(c)) return "a society";
      if (dynamic_cast<FndParser::ClusterDeclContext*>(c)) return "a cluster";
      if (dynamic_cast<FndParser::ConfigDeclContext*>(c)) return "a config block";
    }
    return nullptr;
  }

  static bool isDeclarationKeyword(std::size_t t) {
    switch (t) {
      case FndLexer::KW_ON: case FndLexer::KW_EVERY: case FndLexer::KW_PARAM: case FndLexer::KW_STATE:
      case FndLexer::KW_ACTOR: case FndLexer::KW_MESSAGE: case FndLexer::KW_SUPERVISOR:
      case FndLexer::KW_SOCIETY: case FndLexer::KW_MAIN: case FndLexer::KW_EXTERN: case FndLexer::KW_IMPORT:
      case FndLexer::KW_CLUSTER: case FndLexer::KW_CHILD:
        return true;
      default:
        return false;
    }
  }

  // The token before `tok` in the input (not the parser's position: a failed prediction reports a
  // token ahead of it).
  antlr4::Token* previousToken(const antlr4::Token* tok) {
    for (std::size_t i = tok->getTokenIndex(); i-- > 0;) {
      antlr4::Token* t = text_.tokens().get(i);
      if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) return t;
    }
    return nullptr;
  }

  // An operator that needs a right operand: a line ending with one goes on with the next line.
  static bool continuesExpression(std::size_t type) {
    switch (type) {
      case FndLexer::DOTDOT: case FndLexer::PLUS: case FndLexer::MINUS: case FndLexer::STAR:
      case FndLexer::SLASH: case FndLexer::PERCENT: case FndLexer::EQ: case FndLexer::NE:
      case FndLexer::LT: case FndLexer::LE: case FndLexer::GE: case FndLexer::KW_AND:
      case FndLexer::KW_OR: case FndLexer::ASSIGN:
        return true;
      default:
        return false;
    }
  }

  // The '(' (or '[', '{') before `tok` that no later bracket closes, or null.
  const antlr4::Token* unmatchedOpener(const antlr4::Token* tok, std::size_t open, std::size_t close) {
    int depth = 0;
    for (std::size_t i = tok->getTokenIndex(); i-- > 0;) {
      const std::size_t t = text_.tokens().get(i)->getType();
      if (t == close) ++depth;
      else if (t == open && depth-- == 0) return text_.tokens().get(i);
    }
    return nullptr;
  }

  void report(antlr4::Parser* p, antlr4::Token* tok, const antlr4::misc::IntervalSet& expected) {
    hadErrors = true;
    if (limit_ == 0) return;
    if (text_.truncated() && tok && tok->getType() == antlr4::Token::EOF) return;
    if (reportInsideCallArgs(p, tok)) {
      afterError_ = true;
      return;
    }
    // After an error, recovery often closes a declaration early and the rest of its body lands at
    // the top level: stay quiet there until the next declaration keyword.
    bool topLevel = dynamic_cast<FndParser::ProgramContext*>(p->getContext()) != nullptr;
    bool quiet = afterError_ && topLevel;
    afterError_ = true;
    if (quiet) return;
    diag::SourceRange r = text_.range(tok);
    std::string want = describeExpected(expected, p->getVocabulary());
    std::string found = describeToken(tok);
    if (text_.isInterpolation() && (!tok || tok->getType() == antlr4::Token::EOF)) found = "the end of the interpolation";
    std::string message = want.empty() ? "unexpected " + found : "expected " + want + ", found " + found;
    // A block left open at the end of the file: the missing '}' is the cause, whatever else could
    // have come before it.
    if ((!tok || tok->getType() == antlr4::Token::EOF) && !text_.isInterpolation() &&
        expected.contains(static_cast<std::size_t>(FndLexer::RBRACE))) {
      if (text_.hadErrors()) return;  // an unterminated string or comment ate the '}': reported already
      message = "expected '}' at the end of the file";
    }
    // A token the parser wanted at the end of a line (a ')' or ']': newlines inside brackets are
    // not separators) is reported there, as clang reports a missing ';', not at the next line's start.
    const antlr4::Token* before = p->getTokenStream()->index() > 0 ? p->getTokenStream()->LT(-1) : nullptr;
    // Not after a '{' (its newline is dropped, so the next line's first item follows it directly).
    if (!want.empty() && before && tok && tok->getType() != antlr4::Token::EOF &&
        before->getType() != FndLexer::LBRACE) {
      diag::SourceRange b = text_.range(before);
      if (diags_.sources().lineCol(b.file, b.end).line < diags_.sources().lineCol(r.file, r.begin).line) {
        r = diag::SourceRange{b.file, b.end, b.end};
        message = "expected " + want + " at the end of the line";
      }
    }
    // A declaration keyword where a statement should be (`on Ping {` after an `on start {` whose
    // '}' is missing): say so at the keyword, and point at the block that is still open.
    const antlr4::Token* openBrace = nullptr;
    const antlr4::Token* prevTok = tok ? previousToken(tok) : nullptr;
    const bool startsStatement = !prevTok || prevTok->getType() == FndLexer::NL || prevTok->getType() == FndLexer::SEMI ||
                                 prevTok->getType() == FndLexer::LBRACE || prevTok->getType() == FndLexer::RBRACE;
    if (tok && startsStatement && isDeclarationKeyword(tok->getType()))
      for (antlr4::tree::ParseTree* c = p->getContext(); c; c = c->parent)
        if (auto* b = dynamic_cast<FndParser::BlockContext*>(c)) {
          openBrace = b->getStart();
          break;
        }
    if (openBrace) {
      r = text_.range(tok);
      message = "expected '}' before '" + tok->getText() + "': a block is still open";
    }
    // `protect Job` with nothing after it, or `protect with rate(...)` without the message: say
    // what the item needs instead of which token the grammar wanted. (By tokens: the error may come
    // before the parser has chosen the protect alternative.)
    if (tok) {
      for (std::size_t i = tok->getTokenIndex(); i-- > 0;) {
        const antlr4::Token* t = text_.tokens().get(i);
        const std::size_t type = t->getType();
        if (type == FndLexer::NL || type == FndLexer::SEMI || type == FndLexer::LBRACE || type == FndLexer::RBRACE) break;
        if (type != FndLexer::KW_PROTECT) continue;
        const antlr4::Token* first = text_.tokens().get(i + 1);
        if (first->getText() == "with") {
          r = text_.range(first);
          message = "expected the protected message's name before 'with'";
        } else if (tok->getTokenIndex() == i + 2) {
          message = "expected 'with' and a policy after 'protect " + first->getText() + "'";
        }
        break;
      }
    }
    auto line = diags_.sources().lineCol(r.file, r.begin).line;
    // End of file is shown at the end of the last line, which may have its own error already.
    const bool atEnd = !tok || tok->getType() == antlr4::Token::EOF;
    if (!reportedLines_.insert(line).second && !atEnd) return;
    ++reported_;
    if (limit_ > 0) --limit_;
    auto d = diags_.error(diag::Code::E0001, r, message);
    if (openBrace) d.note(text_.range(openBrace), "this '{' is not closed");
    // A missing closing bracket: where its opener is (as clang's "to match this '('").
    if (!openBrace && tok) {
      const std::pair<std::size_t, std::size_t> pairs[] = {{FndLexer::LPAREN, FndLexer::RPAREN},
                                                           {FndLexer::LBRACK, FndLexer::RBRACK},
                                                           {FndLexer::LBRACE, FndLexer::RBRACE}};
      for (const auto& [open, close] : pairs) {
        if (!expected.contains(close) || tok->getType() == close) continue;
        if (close == FndLexer::RBRACE && !atEnd) continue;  // a '}' is only ever missing at the end here
        // Only from an earlier line: on the error's own line the snippet shows it already.
        const antlr4::Token* o = unmatchedOpener(tok, open, close);
        if (o && diags_.sources().lineCol(r.file, text_.range(o).begin).line < line) {
          d.note(text_.range(o), close == FndLexer::RBRACE ? std::string("this '{' is not closed")
                                                             : "to match this '" + o->getText() + "'");
          break;
        }
      }
    }
    // `Ping { n = 1 }`: no message literal parses here, so `Ping` was read as a name.
    if (tok && tok->getType() == FndLexer::LBRACE && before && before->getType() == FndLexer::TYPE_NAME)
      d.note({}, "'" + before->getText() + " {' does not start a valid message literal here: its fields are " +
                     "written 'name: value', separated by commas");
    if (tok && tok->getType() == FndLexer::NL && prevTok && prevTok->getType() == FndLexer::GT)
      d.note({}, "a line that ends with '>' ends there ('>' may close a type such as 'ref<Ponger>'): break "
                 "the line after another operator, or inside parentheses");
    if (prevTok && prevTok->getType() == FndLexer::KW_IMPORT && tok && tok->getType() == FndLexer::STRING)
      d.note({}, "an import names a module, not a file: 'import shared.protocol' reads shared/protocol.fnd");
    if (prevTok && prevTok->getType() == FndLexer::KW_RETURN)
      d.note({}, "'return' takes no value: a handler returns nothing (reply or send a message instead)");
    if (tok && tok->getType() == FndLexer::ASSIGN) noteMisplacedAssign(d, p, tok, prevTok, expected);
    // `a.three: int = 3 in 1..` then `a.two: int = 1`: a line ending with an operator continues on
    // the next one, so the error shows there. Point at the operator that made it continue.
    if (tok && tok->getType() != antlr4::Token::EOF)
      for (std::size_t i = tok->getTokenIndex(); i-- > 0;) {
        const antlr4::Token* t = text_.tokens().get(i);
        if (t->getType() == FndLexer::NL || t->getType() == FndLexer::SEMI) break;
        const antlr4::Token* next = text_.tokens().get(i + 1);
        if (next->getLine() > t->getLine() && continuesExpression(t->getType())) {
          d.note(text_.range(t), "the line ends with '" + t->getText() + "', so the expression continues on the next line");
          break;
        }
      }
    // `on: W x 2` names a role (or a setting) with a keyword: not an actor's part.
    const antlr4::Token* nextTok = tok && tok->getType() != antlr4::Token::EOF
                                       ? text_.tokens().get(tok->getTokenIndex() + 1) : nullptr;
    const char* container = tok && startsStatement && !(nextTok && nextTok->getType() == FndLexer::COLON)
                                ? actorPartOutsideActor(p, tok->getType()) : nullptr;
    if (container)
      d.note({}, "'" + tok->getText() + "' belongs in an actor, not in " + container);
    else if (tok && tok->getType() >= FndLexer::KW_MODULE && tok->getType() <= FndLexer::KW_REF &&
             (want == "a name" || want.rfind("a name,", 0) == 0))
      d.note({}, "'" + tok->getText() + "' is a keyword and cannot be used as a name");
  }

  TokenizedText& text_;
  diag::DiagnosticEngine& diags_;
  std::set<std::uint32_t> reportedLines_;
  bool afterError_ = false;
  int limit_ = -1;  // errors still to report (-1: no limit)
  int reported_ = 0;
  bool nested_ = false;
};

// Runs `entry` on the tokens: SLL with bail-out first (fast, exact for correct input), then full
// LL with error recovery when SLL fails.
template <class Ctx>
Ctx* runParser(FndParser& parser, TokenizedText& text, diag::DiagnosticEngine& diags,
               std::shared_ptr<ErrorStrategy>& strategy, Ctx* (FndParser::*entry)()) {
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    return (parser.*entry)();
  } catch (const antlr4::ParseCancellationException&) {
  }
  text.tokens().seek(0);
  parser.reset();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
  strategy = std::make_shared<ErrorStrategy>(text, diags);
  parser.setErrorHandler(strategy);
  return (parser.*entry)();
}

}  // namespace

ast::ExprPtr parseInterpolation(const std::string& src, diag::FileId file, std::uint32_t base,
                                diag::DiagnosticEngine& diags, bool& hadErrors) {
  TokenizedText text(src, file, base, diags);
  FndParser parser(&text.tokens());
  std::shared_ptr<ErrorStrategy> strategy;
  auto* ctx = runParser(parser, text, diags, strategy, &FndParser::interpolation);
  hadErrors = text.hadErrors() || (strategy && strategy->hadErrors);
  AstBuilder builder(text, diags);
  ast::ExprPtr e = builder.buildExpr(ctx ? ctx->expr() : nullptr);
  if (builder.hadErrors()) hadErrors = true;
  return e;
}

ParseResult parseFile(diag::FileId file, const diag::SourceManager& sources,
                      diag::DiagnosticEngine& diags) {
  ParseResult result;
  try {
    TokenizedText text(std::string(sources.contents(file)), file, 0, diags);
    FndParser parser(&text.tokens());
    std::shared_ptr<ErrorStrategy> strategy;
    auto* ctx = runParser(parser, text, diags, strategy, &FndParser::program);
    AstBuilder builder(text, diags);
    if (strategy) builder.setSyntaxErrorLines(&strategy->reportedLines());
    result.module = builder.buildModule(ctx);
    result.hadSyntaxErrors = text.hadErrors() || (strategy && strategy->hadErrors);
    result.hadErrors = result.hadSyntaxErrors || builder.hadErrors();
  } catch (const std::exception& e) {
    // Defensive: the ANTLR runtime should not throw here, but bad input must never crash fndc.
    diags.error(diag::Code::E0001, diag::SourceRange{file, 0, 0},
                std::string("the parser gave up on this file: ") + e.what());
    result.hadErrors = result.hadSyntaxErrors = true;
  }
  if (!result.module) result.module = std::make_unique<ast::Module>();
  result.module->file = file;
  result.module->path = sources.path(file);
  return result;
}

}  // namespace fnd::parse
