#include "tools/fmt/formatter.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

#include "FndLexer.h"
#include "ast/ast.hpp"
#include "parse/parser.hpp"
#include "tools/fmt/source_tokens.hpp"

namespace fnd::tools {

using gen::FndLexer;
namespace ast = fnd::ast;

namespace {

struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr std::size_t kEof = static_cast<std::size_t>(antlr4::Token::EOF);

// The output buffer plus the token cursor: every token written is taken from the source in
// order, and the comments before it are written first.
class Printer {
 public:
  explicit Printer(const SourceTokens& src) : src_(src), toks_(src.tokens()), comments_(src.comments()) {}

  std::string finish() {
    // Comments after the last token.
    flushOwnLineComments(static_cast<std::uint32_t>(src_.text().size()) + 1, true);
    if (!lineStart_) out_ += '\n';
    while (out_.size() >= 2 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n') out_.pop_back();
    if (out_ == "\n") out_.clear();
    return out_;
  }

  // ---- the token cursor
  std::size_t cursor() { skipSeps(); return pos_; }
  const Token& peek() { skipSeps(); return toks_[pos_]; }
  std::size_t peekType() { return peek().type; }
  // The raw next token, separators included.
  const Token& peekRaw() const { return toks_[pos_]; }

  const Token& take(std::size_t expected = 0) {
    skipSeps();
    const Token& t = toks_[pos_];
    if (t.type == kEof) fail("unexpected end of file", t);
    if (expected && t.type != expected) fail("unexpected '" + t.text + "'", t);
    flushBefore(t.begin);
    write(t.text);
    lastEnd_ = t.end;
    ++pos_;
    return t;
  }
  // Skips a source token that is not printed (a trailing comma), keeping comments before it.
  void drop() {
    skipSeps();
    flushBefore(toks_[pos_].begin);
    lastEnd_ = toks_[pos_].end;
    ++pos_;
  }
  [[noreturn]] void fail(const std::string& what, const Token& t) const {
    throw FormatError(what + " at line " + std::to_string(src_.line(t.begin)));
  }

  // ---- layout
  void space() { if (!lineStart_) needSpace_ = true; }
  void write(const std::string& s) {
    if (lineStart_) {
      out_.append(static_cast<std::size_t>(indent_ * 2 + (cont_ ? 4 : 0)), ' ');
      lineStart_ = false;
    } else if (needSpace_) {
      out_ += ' ';
    }
    needSpace_ = false;
    out_ += s;
    afterOpen_ = false;
  }
  // A comment after code: two spaces before it (clang-format's default).
  void writeTrailing(const std::string& s) {
    out_ += "  ";
    needSpace_ = false;
    write(s);
  }
  void indent() { ++indent_; }
  void dedent() { --indent_; }
  // Ends the current line, after the comments on the same source line as the last token.
  void endLine() {
    std::uint32_t next = peek().begin;
    while (ci_ < comments_.size() && comments_[ci_].begin < next &&
           src_.line(comments_[ci_].begin) == src_.line(lastEnd_) && !lineStart_) {
      const Comment& c = comments_[ci_++];
      writeTrailing(c.text);
      lastEnd_ = c.end;
    }
    if (!lineStart_) out_ += '\n';
    lineStart_ = true;
    needSpace_ = false;
    cont_ = false;
  }
  // At the start of a line, before an item: its own-line comments, then one blank line if the
  // source had any.
  void startItem() {
    const Token& t = peek();
    flushOwnLineComments(t.begin, true);
    if (!afterOpen_ && blankBetween(lastEnd_, t.begin)) blankLine();
  }
  // Before the closing bracket of a body: its own-line comments at the inner indentation.
  void closeItems() { flushOwnLineComments(peek().begin, true); }
  // After an opening brace line: no blank line follows.
  void opened() { afterOpen_ = true; }

  bool blankBetween(std::uint32_t a, std::uint32_t b) const {
    return lastEnd_ != 0 && src_.line(b) >= src_.line(a) + 2;
  }
  bool sameLine(std::uint32_t a, std::uint32_t b) const { return src_.line(a) == src_.line(b); }
  bool commentsBetween(std::uint32_t a, std::uint32_t b) const {
    for (std::size_t i = ci_; i < comments_.size() && comments_[i].begin < b; ++i)
      if (comments_[i].begin >= a) return true;
    return false;
  }
  bool lineCommentsBetween(std::uint32_t a, std::uint32_t b) const {
    for (std::size_t i = ci_; i < comments_.size() && comments_[i].begin < b; ++i)
      if (comments_[i].begin >= a && comments_[i].isLine) return true;
    return false;
  }
  const SourceTokens& src() const { return src_; }

 private:
  void skipSeps() {
    while (toks_[pos_].type == FndLexer::NL || toks_[pos_].type == FndLexer::SEMI) ++pos_;
  }
  void blankLine() {
    if (out_.empty() || (out_.size() >= 2 && out_[out_.size() - 2] == '\n')) return;
    out_ += '\n';
  }
  void newline() {
    out_ += '\n';
    lineStart_ = true;
    needSpace_ = false;
  }
  // Comments before a token that is printed mid-line.
  void flushBefore(std::uint32_t off) {
    while (ci_ < comments_.size() && comments_[ci_].begin < off) {
      const Comment& c = comments_[ci_++];
      bool trailing = !lineStart_ && lastEnd_ != 0 && sameLine(lastEnd_, c.begin);
      if (trailing && c.isLine) {
        writeTrailing(c.text);
        newline();
        cont_ = true;
      } else if (trailing) {
        // `f(a, /* b */ c)`: inside the line, one space around, none before `)` `,` `:` ...
        space();
        write(c.text);
        std::size_t next = toks_[src_.tokenAt(off)].type;
        if (next != FndLexer::RPAREN && next != FndLexer::RBRACK && next != FndLexer::COMMA &&
            next != FndLexer::COLON && next != FndLexer::DOT)
          space();
      } else {
        if (!lineStart_) { newline(); cont_ = true; }
        else if (blankBetween(lastEnd_, c.begin) && !afterOpen_) blankLine();
        write(c.text);
        newline();
      }
      lastEnd_ = c.end;
    }
  }
  void flushOwnLineComments(std::uint32_t off, bool keepBlank) {
    while (ci_ < comments_.size() && comments_[ci_].begin < off) {
      const Comment& c = comments_[ci_++];
      if (!lineStart_) newline();
      if (keepBlank && !afterOpen_ && blankBetween(lastEnd_, c.begin)) blankLine();
      write(c.text);
      newline();
      lastEnd_ = c.end;
    }
  }

  const SourceTokens& src_;
  const std::vector<Token>& toks_;
  const std::vector<Comment>& comments_;
  std::size_t pos_ = 0, ci_ = 0;
  std::string out_;
  int indent_ = 0;
  bool lineStart_ = true, needSpace_ = false, cont_ = false, afterOpen_ = false;
  std::uint32_t lastEnd_ = 0;
};

// Walks the AST in source order and prints it through the Printer.
class AstPrinter {
 public:
  AstPrinter(Printer& p, const ast::Module& m) : p_(p), m_(m) {}

  void module() {
    std::map<std::uint32_t, std::function<void()>> decls;
    for (auto& d : m_.messages) decls[d->range.begin] = [&] { message(*d); };
    for (auto& d : m_.actors) decls[d->range.begin] = [&] { actor(*d); };
    for (auto& d : m_.supervisors) decls[d->range.begin] = [&] { supervisor(*d); };
    for (auto& d : m_.societies) decls[d->range.begin] = [&] { society(*d); };
    for (auto& d : m_.mains) decls[d->range.begin] = [&] { mainDecl(*d); };
    for (auto& d : m_.clusters) decls[d->range.begin] = [&] { cluster(*d); };
    while (p_.peekType() != kEof) {
      p_.startItem();
      const Token& t = p_.peek();
      if (t.type == FndLexer::KW_MODULE || t.type == FndLexer::KW_IMPORT) {
        keywordDotted();
      } else if (t.type == FndLexer::KW_CONFIG) {
        configBlock();
      } else {
        auto it = decls.find(t.begin);
        if (it == decls.end()) p_.fail("no declaration starts with '" + t.text + "'", t);
        it->second();
      }
      p_.endLine();
    }
  }

 private:
  // `module a.b` / `import a.b`
  void keywordDotted() {
    p_.take();
    p_.space();
    dotted();
  }
  // name(.word)*
  void dotted() {
    p_.take();
    while (p_.peekType() == FndLexer::DOT) {
      p_.take();
      p_.take();
    }
  }

  // A bracketed, comma-separated list. `pad`: spaces inside (`{ a: 1 }`).
  void list(std::size_t n, bool pad, const std::function<void(std::size_t)>& elem) {
    std::size_t open = p_.cursor();
    std::size_t close = p_.src().match(open);
    const auto& toks = p_.src().tokens();
    bool multiline = false;
    if (close != open && n > 0) {
      std::size_t last = close - 1;
      if (toks[last].type == FndLexer::COMMA) --last;
      multiline = !p_.sameLine(toks[open].begin, toks[open + 1].begin) ||
                  !p_.sameLine(toks[last].end, toks[close].begin) ||
                  p_.lineCommentsBetween(toks[open].begin, toks[close].begin);
    }
    p_.take();
    if (multiline) {
      p_.endLine();
      p_.indent();
      p_.opened();
      for (std::size_t i = 0; i < n; ++i) {
        p_.startItem();
        elem(i);
        if (p_.peekType() == FndLexer::COMMA) p_.take();
        else p_.write(",");
        p_.endLine();
      }
      p_.closeItems();
      p_.dedent();
      p_.take();
      return;
    }
    if (n > 0 && pad) p_.space();
    for (std::size_t i = 0; i < n; ++i) {
      if (i) {
        p_.take(FndLexer::COMMA);
        p_.space();
      }
      elem(i);
    }
    if (p_.peekType() == FndLexer::COMMA) p_.drop();
    if (n > 0 && pad) p_.space();
    p_.take();
  }

  // A declaration body `{ items }`: always one item per line. `item` prints the item starting
  // at the cursor (an AST item or a setting).
  void body(const std::function<void()>& item) {
    const Token& open = p_.take(FndLexer::LBRACE);
    if (p_.peekType() == FndLexer::RBRACE && !p_.commentsBetween(open.begin, p_.peek().begin)) {
      p_.take();
      return;
    }
    p_.endLine();
    p_.indent();
    p_.opened();
    while (p_.peekType() != FndLexer::RBRACE) {
      if (p_.peekType() == kEof) p_.fail("unexpected end of file", p_.peek());
      p_.startItem();
      item();
      p_.endLine();
    }
    p_.closeItems();
    p_.dedent();
    p_.take(FndLexer::RBRACE);
  }

  // `name: value` settings, printed from their tokens up to the end of the item.
  void setting() {
    int depth = 0;
    const Token* prev = nullptr;
    for (;;) {
      const Token& raw = p_.peekRaw();
      if (raw.type == kEof) break;
      if (depth == 0 && (raw.type == FndLexer::NL || raw.type == FndLexer::SEMI || raw.type == FndLexer::RBRACE)) break;
      std::size_t t = raw.type;
      if (prev) {
        std::size_t pt = prev->type;
        bool glue = t == FndLexer::RPAREN || t == FndLexer::RBRACK || t == FndLexer::COMMA ||
                    t == FndLexer::COLON || pt == FndLexer::LPAREN || pt == FndLexer::LBRACK ||
                    (t == FndLexer::LPAREN && SourceTokens::isWord(pt));
        if (!glue) p_.space();
      }
      if (SourceTokens::isOpen(t)) ++depth;
      if (SourceTokens::isClose(t)) --depth;
      prev = &p_.take();
    }
  }

  // ---- declarations
  void message(const ast::MessageDecl& d) {
    p_.take(FndLexer::KW_MESSAGE);
    p_.space();
    p_.take();
    p_.space();
    list(d.fields.size(), true, [&](std::size_t i) {
      p_.take();
      p_.take(FndLexer::COLON);
      p_.space();
      type(*d.fields[i].typeNode);
    });
  }

  void actor(const ast::ActorDecl& d) {
    if (d.isExtern) {
      p_.take(FndLexer::KW_EXTERN);
      p_.space();
    }
    p_.take(FndLexer::KW_ACTOR);
    p_.space();
    p_.take();
    if (d.isExtern) {
      p_.space();
      p_.take(FndLexer::KW_FROM);
      p_.space();
      p_.take(FndLexer::STRING);
      if (p_.peekRaw().type != FndLexer::LBRACE) return;
    }
    std::map<std::uint32_t, std::function<void()>> items;
    for (auto& x : d.params) items[x->range.begin] = [&] { param(*x); };
    for (auto& x : d.states) items[x->range.begin] = [&] { state(*x); };
    for (auto& x : d.handlers) items[x->range.begin] = [&] { handler(*x); };
    p_.space();
    body([&] {
      auto it = items.find(p_.peek().begin);
      if (it != items.end()) it->second();
      else setting();
    });
  }

  void param(const ast::ParamDecl& d) {
    p_.take(FndLexer::KW_PARAM);
    p_.space();
    p_.take();
    p_.take(FndLexer::COLON);
    p_.space();
    type(*d.typeNode);
    if (d.defaultValue) {
      p_.space();
      p_.take(FndLexer::ASSIGN);
      p_.space();
      expr(*d.defaultValue);
    }
  }

  void state(const ast::StateDecl& d) {
    p_.take(FndLexer::KW_STATE);
    p_.space();
    p_.take();
    if (d.typeNode) {
      p_.take(FndLexer::COLON);
      p_.space();
      type(*d.typeNode);
    }
    if (d.init) {
      p_.space();
      p_.take(FndLexer::ASSIGN);
      p_.space();
      expr(*d.init);
    }
  }

  void handler(const ast::HandlerDecl& h) {
    if (h.kind == ast::HandlerKind::Every) {
      p_.take(FndLexer::KW_EVERY);
      p_.space();
      expr(*h.interval);
    } else {
      p_.take(FndLexer::KW_ON);
      p_.space();
      p_.take();
      if (p_.peekType() == FndLexer::LPAREN)
        list(h.params.size(), false, [&](std::size_t) { p_.take(); });
    }
    if (h.body) {
      p_.space();
      block(*h.body);
    }
  }

  void supervisor(const ast::SupervisorDecl& d) {
    p_.take(FndLexer::KW_SUPERVISOR);
    p_.space();
    p_.take();
    std::map<std::uint32_t, const ast::ChildSpec*> children;
    for (auto& c : d.children) children[c->range.begin] = c.get();
    p_.space();
    body([&] {
      auto it = children.find(p_.peek().begin);
      if (it == children.end()) return setting();
      p_.take(FndLexer::KW_CHILD);
      p_.space();
      p_.take();
      p_.take(FndLexer::COLON);
      p_.space();
      startArgs(it->second->start);
      // Options: `restart: transient`.
      while (p_.peekRaw().type == FndLexer::ID || p_.peekRaw().type == FndLexer::TYPE_NAME) {
        p_.space();
        p_.take();
        p_.take(FndLexer::COLON);
        p_.space();
        p_.take();
      }
    });
  }

  void society(const ast::SocietyDecl& d) {
    p_.take(FndLexer::KW_SOCIETY);
    p_.space();
    p_.take();
    std::map<std::uint32_t, const ast::RoleDecl*> roles;
    for (auto& r : d.roles) roles[r->range.begin] = r.get();
    p_.space();
    body([&] {
      const auto& toks = p_.src().tokens();
      std::size_t at = p_.cursor();
      bool isMembers = toks[at + 1].type == FndLexer::LBRACE;
      if (!isMembers) return setting();
      p_.take();
      p_.space();
      body([&] {
        auto it = roles.find(p_.peek().begin);
        if (it == roles.end()) p_.fail("unexpected '" + p_.peek().text + "' in members", p_.peek());
        p_.take();
        p_.take(FndLexer::COLON);
        p_.space();
        startArgs(it->second->start);
        if (p_.peekRaw().type == FndLexer::ID || p_.peekRaw().type == FndLexer::TYPE_NAME) {
          p_.space();
          p_.take();
          p_.space();
          p_.take();
        }
      });
    });
  }

  // cluster NAME { node a: "tcp://..."  place app.w on a  place app.s across [a, b]  security: none }
  void cluster(const ast::ClusterDecl&) {
    p_.take(FndLexer::KW_CLUSTER);
    p_.space();
    p_.take();
    p_.space();
    body([&] {
      const auto& toks = p_.src().tokens();
      std::size_t at = p_.cursor();
      if (toks[at + 1].type == FndLexer::COLON) return setting();
      const bool isNode = toks[at].text == "node";
      p_.take();  // node | place
      p_.space();
      if (isNode) {
        p_.take();
        if (p_.peekRaw().type == FndLexer::COLON) {
          p_.take(FndLexer::COLON);
          p_.space();
          p_.take();
        }
        return;
      }
      dotted();
      p_.space();
      if (p_.peekType() == FndLexer::KW_ON) {
        p_.take(FndLexer::KW_ON);
        p_.space();
        p_.take();
        return;
      }
      p_.take();  // across
      p_.space();
      std::size_t n = 0;
      for (std::size_t i = p_.cursor() + 1, close = p_.src().match(p_.cursor()); i < close; ++i)
        if (SourceTokens::isWord(toks[i].type)) ++n;
      list(n, false, [&](std::size_t) { p_.take(); });
    });
  }

  // config { a.b: float = 0.1 in 0.0..1.0 updatable  c: string = "x" one of ["x", "y"] }
  void configBlock() {
    p_.take(FndLexer::KW_CONFIG);
    p_.space();
    body([&] {
      if (nextConfig_ >= m_.config.size()) p_.fail("unexpected config setting", p_.peek());
      configSetting(*m_.config[nextConfig_++]);
    });
  }
  void configSetting(const ast::ConfigSetting& s) {
    dotted();
    p_.take(FndLexer::COLON);
    p_.space();
    type(*s.type);
    p_.space();
    p_.take(FndLexer::ASSIGN);
    p_.space();
    expr(*s.defaultValue);
    // The options in source order (each at most once).
    for (;;) {
      const Token& raw = p_.peekRaw();
      if (raw.type == FndLexer::KW_IN && s.min) {
        p_.space();
        p_.take(FndLexer::KW_IN);
        p_.space();
        expr(*s.min);
        p_.take(FndLexer::DOTDOT);
        expr(*s.max);
      } else if (raw.type == FndLexer::ID && raw.text == "one") {
        p_.space();
        p_.take();
        p_.space();
        p_.take();
        p_.space();
        list(s.oneOf.size(), false, [&](std::size_t i) { expr(*s.oneOf[i]); });
      } else if (raw.type == FndLexer::ID && raw.text == "updatable") {
        p_.space();
        p_.take();
      } else {
        return;
      }
    }
  }

  void mainDecl(const ast::MainDecl& d) {
    p_.take(FndLexer::KW_MAIN);
    p_.space();
    startArgs(d.start);
  }

  void startArgs(const ast::StartArgs& s) {
    p_.take();
    if (s.hasArgList && p_.peekRaw().type == FndLexer::LPAREN)
      list(s.args.size(), false, [&](std::size_t i) {
        p_.take();
        p_.take(FndLexer::COLON);
        p_.space();
        expr(*s.args[i].value);
      });
  }

  // ---- types
  void type(const ast::TypeNode& t) {
    switch (t.kind) {
      case ast::TypeNodeKind::List:
        p_.take(FndLexer::KW_LIST);
        p_.take(FndLexer::LT);
        type(*t.elem);
        closeAngle();
        return;
      case ast::TypeNodeKind::Map:
        p_.take(FndLexer::KW_MAP);
        p_.take(FndLexer::LT);
        type(*t.key);
        p_.take(FndLexer::COMMA);
        p_.space();
        type(*t.elem);
        closeAngle();
        return;
      case ast::TypeNodeKind::Ref:
        p_.take(FndLexer::KW_REF);
        if (!t.name.name.empty()) {
          p_.take(FndLexer::LT);
          p_.take();
          closeAngle();
        }
        return;
      default:
        p_.take();
        return;
    }
  }
  // `>`; a `>>` token (should the lexer ever have one) closes two levels.
  void closeAngle() {
    if (pendingClose_ > 0) {
      --pendingClose_;
      return;
    }
    const Token& t = p_.take();
    pendingClose_ = static_cast<int>(t.text.size()) - 1;
  }

  // ---- statements
  // Whether block(b) would print `b` on one line.
  bool inlineBlock(const ast::Block& b) {
    std::size_t open = p_.src().tokenAt(b.range.begin);
    std::size_t close = p_.src().match(open);
    const auto& toks = p_.src().tokens();
    if (p_.commentsBetween(toks[open].begin, toks[close].begin)) return false;
    if (b.stmts.empty()) return true;
    bool simple = b.stmts.size() == 1 && !b.stmts[0]->is<ast::IfStmt>() &&
                  !b.stmts[0]->is<ast::WhileStmt>() && !b.stmts[0]->is<ast::ForStmt>();
    return simple && p_.sameLine(toks[open].begin, toks[close].begin);
  }

  // `expand`: print on several lines even if it fits on one (the other arms of its `if` do not).
  void block(const ast::Block& b, bool expand = false) {
    std::size_t open = p_.cursor();
    std::size_t close = p_.src().match(open);
    const auto& toks = p_.src().tokens();
    bool hasComments = p_.commentsBetween(toks[open].begin, toks[close].begin);
    if (b.stmts.empty() && !hasComments && !expand) {
      p_.take(FndLexer::LBRACE);
      p_.take(FndLexer::RBRACE);
      return;
    }
    bool simple = b.stmts.size() == 1 && !b.stmts[0]->is<ast::IfStmt>() &&
                  !b.stmts[0]->is<ast::WhileStmt>() && !b.stmts[0]->is<ast::ForStmt>();
    if (simple && !hasComments && !expand && p_.sameLine(toks[open].begin, toks[close].begin)) {
      p_.take(FndLexer::LBRACE);
      p_.space();
      stmt(*b.stmts[0]);
      p_.space();
      p_.take(FndLexer::RBRACE);
      return;
    }
    p_.take(FndLexer::LBRACE);
    p_.endLine();
    p_.indent();
    p_.opened();
    for (auto& s : b.stmts) {
      p_.startItem();
      stmt(*s);
      p_.endLine();
    }
    p_.closeItems();
    p_.dedent();
    p_.take(FndLexer::RBRACE);
  }

  void stmt(const ast::Stmt& s) {
    switch (s.kind) {
      case ast::StmtKind::Let: {
        auto& l = s.as<ast::LetStmt>();
        p_.take();
        p_.space();
        p_.take();
        if (l.declType) {
          p_.take(FndLexer::COLON);
          p_.space();
          type(*l.declType);
        }
        if (l.init) {
          p_.space();
          p_.take(FndLexer::ASSIGN);
          p_.space();
          expr(*l.init);
        }
        return;
      }
      case ast::StmtKind::Assign: {
        auto& a = s.as<ast::AssignStmt>();
        expr(*a.target);
        p_.space();
        p_.take(FndLexer::ASSIGN);
        p_.space();
        expr(*a.value);
        return;
      }
      case ast::StmtKind::Expr:
        expr(*s.as<ast::ExprStmt>().expr);
        return;
      case ast::StmtKind::If: {
        auto& i = s.as<ast::IfStmt>();
        bool expand = i.elseBody && !inlineBlock(*i.elseBody);
        for (auto& arm : i.arms) expand = expand || !inlineBlock(arm.body);
        for (std::size_t k = 0; k < i.arms.size(); ++k) {
          if (k) {
            p_.space();
            p_.take(FndLexer::KW_ELSE);
            p_.space();
          }
          p_.take(FndLexer::KW_IF);
          p_.space();
          expr(*i.arms[k].cond);
          p_.space();
          block(i.arms[k].body, expand);
        }
        if (i.elseBody) {
          p_.space();
          p_.take(FndLexer::KW_ELSE);
          p_.space();
          block(*i.elseBody, expand);
        }
        return;
      }
      case ast::StmtKind::While: {
        auto& w = s.as<ast::WhileStmt>();
        p_.take(FndLexer::KW_WHILE);
        p_.space();
        expr(*w.cond);
        p_.space();
        block(w.body);
        return;
      }
      case ast::StmtKind::For: {
        auto& f = s.as<ast::ForStmt>();
        p_.take(FndLexer::KW_FOR);
        p_.space();
        p_.take();
        if (f.second) {
          p_.take(FndLexer::COMMA);
          p_.space();
          p_.take();
        }
        p_.space();
        p_.take(FndLexer::KW_IN);
        p_.space();
        expr(*f.iterable);
        if (f.rangeEnd) {
          p_.take(FndLexer::DOTDOT);
          expr(*f.rangeEnd);
        }
        p_.space();
        block(f.body);
        return;
      }
      case ast::StmtKind::Send: {
        auto& x = s.as<ast::SendStmt>();
        p_.take(FndLexer::KW_SEND);
        p_.space();
        expr(*x.target);
        p_.space();
        expr(*x.message);
        return;
      }
      case ast::StmtKind::Reply:
        p_.take(FndLexer::KW_REPLY);
        p_.space();
        expr(*s.as<ast::ReplyStmt>().message);
        return;
      case ast::StmtKind::Broadcast:
        p_.take(FndLexer::KW_BROADCAST);
        p_.space();
        p_.take();
        p_.space();
        expr(*s.as<ast::BroadcastStmt>().message);
        return;
      case ast::StmtKind::Publish:
        p_.take(FndLexer::KW_PUBLISH);
        p_.space();
        p_.take();
        p_.space();
        expr(*s.as<ast::PublishStmt>().message);
        return;
      case ast::StmtKind::Subscribe:
        p_.take(FndLexer::KW_SUBSCRIBE);
        p_.space();
        p_.take();
        return;
      case ast::StmtKind::Emit: {
        auto& e = s.as<ast::EmitStmt>();
        p_.take(FndLexer::KW_EMIT);
        p_.space();
        dotted();
        if (e.names.empty()) {
          args(e.args);
          return;
        }
        list(e.args.size(), false, [&](std::size_t i) {  // emit a.b(n: x, size: y)
          p_.take();
          p_.take(FndLexer::COLON);
          p_.space();
          expr(*e.args[i]);
        });
        return;
      }
      case ast::StmtKind::Log:
        p_.take(FndLexer::KW_LOG);
        p_.space();
        p_.take();
        p_.space();
        expr(*s.as<ast::LogStmt>().message);
        return;
      case ast::StmtKind::Stop:
      case ast::StmtKind::Return:
      case ast::StmtKind::Break:
      case ast::StmtKind::Continue:
        p_.take();
        return;
    }
  }

  void args(const std::vector<ast::ExprPtr>& a) {
    list(a.size(), false, [&](std::size_t i) { expr(*a[i]); });
  }

  // ---- expressions
  static const ast::Expr* leftChild(const ast::Expr& e) {
    switch (e.kind) {
      case ast::ExprKind::Binary: return e.as<ast::BinaryExpr>().lhs.get();
      case ast::ExprKind::Field: return e.as<ast::FieldExpr>().base.get();
      case ast::ExprKind::Index: return e.as<ast::IndexExpr>().base.get();
      case ast::ExprKind::MethodCall: return e.as<ast::MethodCallExpr>().base.get();
      default: return nullptr;
    }
  }

  // Takes (and prints) the tokens before `offset`: an operator, whatever its spelling.
  void operatorTokens(std::uint32_t offset) {
    std::string last;
    bool any = false;
    while (p_.peekType() != kEof && p_.peek().begin < offset) {
      last = p_.take().text;
      any = true;
    }
    if (!any) p_.fail("missing operator", p_.peek());
    if (std::isalpha(static_cast<unsigned char>(last.back()))) p_.space();
  }

  void expr(const ast::Expr& e) {
    // Parentheses written around e (the AST keeps none): `(` tokens before e's leftmost child.
    int parens = 0;
    const ast::Expr* left = leftChild(e);
    while (p_.peekType() == FndLexer::LPAREN && (!left || left->range.begin > p_.peek().begin) &&
           p_.peek().begin >= e.range.begin && p_.peek().begin < e.range.end) {
      p_.take();
      ++parens;
    }
    exprCore(e);
    for (int i = 0; i < parens; ++i) p_.take(FndLexer::RPAREN);
  }

  void exprCore(const ast::Expr& e) {
    switch (e.kind) {
      case ast::ExprKind::IntLit: case ast::ExprKind::FloatLit: case ast::ExprKind::BoolLit:
      case ast::ExprKind::StringLit: case ast::ExprKind::DurationLit: case ast::ExprKind::Name:
      case ast::ExprKind::Self: case ast::ExprKind::Sender:
        p_.take();
        return;
      case ast::ExprKind::Config:  // config.a.b
        p_.take(FndLexer::KW_CONFIG);
        while (p_.peekRaw().type == FndLexer::DOT) {
          p_.take();
          p_.take();
        }
        return;
      case ast::ExprKind::Field: {
        auto& f = e.as<ast::FieldExpr>();
        expr(*f.base);
        p_.take(FndLexer::DOT);
        p_.take();
        return;
      }
      case ast::ExprKind::Index: {
        auto& x = e.as<ast::IndexExpr>();
        expr(*x.base);
        p_.take(FndLexer::LBRACK);
        expr(*x.index);
        p_.take(FndLexer::RBRACK);
        return;
      }
      case ast::ExprKind::MethodCall: {
        auto& m = e.as<ast::MethodCallExpr>();
        expr(*m.base);
        p_.take(FndLexer::DOT);
        p_.take();
        args(m.args);
        return;
      }
      case ast::ExprKind::Call: {
        auto& c = e.as<ast::CallExpr>();
        p_.take();
        args(c.args);
        return;
      }
      case ast::ExprKind::Convert: {
        auto& c = e.as<ast::ConvertExpr>();
        p_.take();
        p_.take(FndLexer::LPAREN);
        expr(*c.arg);
        p_.take(FndLexer::RPAREN);
        return;
      }
      case ast::ExprKind::Unary: {
        auto& u = e.as<ast::UnaryExpr>();
        operatorTokens(u.operand->range.begin);
        expr(*u.operand);
        return;
      }
      case ast::ExprKind::Binary: {
        auto& b = e.as<ast::BinaryExpr>();
        expr(*b.lhs);
        p_.space();
        operatorTokens(b.rhs->range.begin);
        p_.space();
        expr(*b.rhs);
        return;
      }
      case ast::ExprKind::MessageLit: {
        auto& m = e.as<ast::MessageLit>();
        p_.take(FndLexer::TYPE_NAME);
        p_.space();
        list(m.inits.size(), true, [&](std::size_t i) {
          p_.take();
          p_.take(FndLexer::COLON);
          p_.space();
          expr(*m.inits[i].value);
        });
        return;
      }
      case ast::ExprKind::ListLit: {
        auto& l = e.as<ast::ListLit>();
        if (l.elemType) {
          p_.take(FndLexer::KW_LIST);
          p_.take(FndLexer::LT);
          type(*l.elemType);
          closeAngle();
        }
        list(l.elems.size(), false, [&](std::size_t i) { expr(*l.elems[i]); });
        return;
      }
      case ast::ExprKind::MapLit: {
        auto& m = e.as<ast::MapLit>();
        if (m.keyType) {
          p_.take(FndLexer::KW_MAP);
          p_.take(FndLexer::LT);
          type(*m.keyType);
          p_.take(FndLexer::COMMA);
          p_.space();
          type(*m.valueType);
          closeAngle();
        }
        list(m.entries.size(), true, [&](std::size_t i) {
          expr(*m.entries[i].key);
          p_.take(FndLexer::COLON);
          p_.space();
          expr(*m.entries[i].value);
        });
        return;
      }
      case ast::ExprKind::Spawn: {
        p_.take(FndLexer::KW_SPAWN);
        p_.space();
        startArgs(e.as<ast::SpawnExpr>().start);
        return;
      }
    }
  }

  Printer& p_;
  const ast::Module& m_;
  int pendingClose_ = 0;
  std::size_t nextConfig_ = 0;  // the next of m_.config to print
};

// The tokens that carry meaning: no separators, no trailing commas.
std::vector<std::pair<std::size_t, std::string>> meaningful(const SourceTokens& st) {
  std::vector<std::pair<std::size_t, std::string>> out;
  const auto& t = st.tokens();
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].type == FndLexer::NL || t[i].type == FndLexer::SEMI) continue;
    if (t[i].type == FndLexer::COMMA && i + 1 < t.size() && SourceTokens::isClose(t[i + 1].type)) continue;
    out.emplace_back(t[i].type, t[i].text);
  }
  return out;
}

// The formatted text must mean what the input meant: same tokens, same comments, no errors.
std::string verify(const SourceTokens& before, const std::string& after) {
  diag::SourceManager sm;
  std::ostringstream sink;
  diag::DiagnosticEngine diags(sm, sink);
  diag::FileId f = sm.addBuffer("<formatted>", after);
  SourceTokens st(after, f, diags);
  parse::ParseResult pr = parse::parseFile(f, sm, diags);
  if (st.hadErrors() || pr.hadErrors) return "the formatted text does not parse";
  if (meaningful(before) != meaningful(st)) return "the formatted text has different tokens";
  auto texts = [](const SourceTokens& s) {
    std::vector<std::string> v;
    for (auto& c : s.comments()) v.push_back(c.text);
    return v;
  };
  if (texts(before) != texts(st)) return "the formatted text lost or changed a comment";
  return {};
}

}  // namespace

FormatResult formatFile(diag::FileId file, diag::DiagnosticEngine& diags) {
  FormatResult r;
  const std::string text(diags.sources().contents(file));
  parse::ParseResult pr = parse::parseFile(file, diags.sources(), diags);
  if (pr.hadErrors) return r;
  // Lexical errors were reported by the parse above; this second lexing is silent.
  std::ostringstream sink;
  diag::DiagnosticEngine quiet(diags.sources(), sink);
  SourceTokens st(text, file, quiet);
  try {
    Printer printer(st);
    AstPrinter(printer, *pr.module).module();
    r.output = printer.finish();
  } catch (const FormatError& e) {
    r.error = e.what();
    return r;
  }
  r.error = verify(st, r.output);
  r.ok = r.error.empty();
  return r;
}

}  // namespace fnd::tools
