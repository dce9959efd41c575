// Internal to parse/: turns the ANTLR parse tree into the AST at once (the parser owns the tree).
// Also checks what the grammar deliberately accepts loosely: settings, handler forms, literals,
// escapes and interpolations (codes E0005-E0013).
#pragma once

#include <set>

#include "FndParser.h"
#include "ast/ast.hpp"
#include "parse/token_stream.hpp"

namespace fnd::parse {

class AstBuilder {
 public:
  AstBuilder(TokenizedText& text, diag::DiagnosticEngine& diags) : text_(text), diags_(diags) {}

  std::unique_ptr<ast::Module> buildModule(gen::FndParser::ProgramContext* ctx);
  ast::ExprPtr buildExpr(gen::FndParser::ExprContext* ctx);
  bool hadErrors() const { return hadErrors_; }
  // Lines with a syntax error: the builder reports nothing more there (it would be a cascade).
  void setSyntaxErrorLines(const std::set<std::uint32_t>* lines) { syntaxErrorLines_ = lines; }

 private:
  using P = gen::FndParser;
  diag::SourceRange range(antlr4::ParserRuleContext* ctx) const { return text_.range(ctx); }
  // The source text of `ctx` as written (spaces kept; getText() glues the tokens together).
  std::string written(antlr4::ParserRuleContext* ctx) const {
    if (!ctx) return {};
    diag::SourceRange r = range(ctx);
    return std::string(diags_.sources().contents(r.file).substr(r.begin, r.end - r.begin));
  }
  diag::SourceRange range(antlr4::tree::TerminalNode* n) const {
    return text_.range(n ? n->getSymbol() : nullptr);
  }
  diag::DiagBuilder error(diag::Code code, diag::SourceRange r, std::string msg);

  ast::Ident ident(P::NameContext* ctx) const;
  ast::Ident ident(P::AnyWordContext* ctx) const;
  std::string dotted(P::DottedNameContext* ctx) const;

  void buildMessage(P::MessageDeclContext* ctx, ast::Module& m);
  void buildActor(P::NameContext* name, P::ActorBodyContext* body, bool isExtern,
                  antlr4::tree::TerminalNode* header, antlr4::ParserRuleContext* whole,
                  ast::Module& m);
  void buildHandler(P::HandlerItemContext* ctx, ast::ActorDecl& actor);
  void buildSupervisor(P::SupervisorDeclContext* ctx, ast::Module& m);
  void buildSociety(P::SocietyDeclContext* ctx, ast::Module& m);
  void buildCluster(P::ClusterDeclContext* ctx, ast::Module& m);  // ast_builder_cluster.cpp
  void buildConfig(P::ConfigDeclContext* ctx, ast::Module& m);    // ast_builder_config.cpp
  ast::ExprPtr buildConfigExpr(P::ConfigExprContext* ctx);         // ast_builder_config.cpp
  void buildProtect(P::ProtectItemContext* ctx, ast::ActorDecl& actor, bool isExtern);  // ast_builder_protect.cpp
  bool protectValue(P::ExprContext* x, bool duration, std::int64_t& out, const std::string& what);
  void buildStartArgs(P::NameContext* target, P::NamedArgsContext* args, ast::StartArgs& out);

  std::unique_ptr<ast::TypeNode> buildType(P::TypeExprContext* ctx);
  ast::Block buildBlock(P::BlockContext* ctx);
  ast::StmtPtr buildStmt(P::StmtContext* ctx);
  ast::ExprPtr buildPrimary(P::PrimaryContext* ctx);
  ast::ExprPtr buildString(antlr4::tree::TerminalNode* tok);
  ast::ExprPtr placeholder(diag::SourceRange r);

  bool parseInt(antlr4::tree::TerminalNode* tok, std::int64_t& out);
  bool parseDuration(antlr4::tree::TerminalNode* tok, std::int64_t& outMillis);
  bool parseIntensity(P::SettingValueContext* v, ast::Intensity& out);

  TokenizedText& text_;
  diag::DiagnosticEngine& diags_;
  bool hadErrors_ = false;
  const std::set<std::uint32_t>* syntaxErrorLines_ = nullptr;
};

// Parses the inside of a string interpolation located at byte `base` of `file`.
ast::ExprPtr parseInterpolation(const std::string& text, diag::FileId file, std::uint32_t base,
                                diag::DiagnosticEngine& diags, bool& hadErrors);

}  // namespace fnd::parse
