// Internal to sema/: the state every pass shares, and the pass signature.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"
#include "sema/sema.hpp"

namespace fnd::sema {

// A `publish`/`subscribe`/`spawn pool(...)` site, recorded by check_handlers for later passes.
struct PublishSite {
  const ast::ActorDecl* actor;
  std::string topic;
  const ast::MessageDecl* message;
  diag::SourceRange range;
};
struct SubscribeSite {
  const ast::ActorDecl* actor;
  std::string topic;
  diag::SourceRange range;
};

struct Context {
  ast::Program& program;
  diag::SourceManager& sources;
  diag::DiagnosticEngine& diags;
  const Options& options;

  // Filled by passes, read by later ones.
  std::vector<ast::SpawnExpr*> poolSpawns;       // spawn of a simple_one_for_one supervisor
  std::vector<PublishSite> publishes;
  std::vector<SubscribeSite> subscribes;
  std::vector<const ast::MessageDecl*> sentMessages;  // payload types of send/reply/broadcast/publish
  bool unknownPayloadSent = false;  // a send whose payload had an error: sentMessages is incomplete
  // Names declared twice (E0103): a use that finds only the other kind is not reported again as
  // unknown (`message W {}` and `actor W`: `main W` is not "unknown actor").
  std::set<std::string> redeclared;

  ast::TypeContext& types() { return program.types; }
  diag::DiagBuilder error(diag::Code c, diag::SourceRange r, std::string msg) {
    return diags.report(c, r, std::move(msg));
  }
  diag::DiagBuilder warning(diag::Code c, diag::SourceRange r, std::string msg) {
    return diags.report(c, r, std::move(msg));
  }
};

using Pass = void (*)(Context&);

// The passes, in pipeline order (sema/pipeline.cpp).
void collectDeclarations(Context& cx);   // collect_decls.cpp
void resolveTypes(Context& cx);          // resolve_types.cpp
void checkStartSites(Context& cx);       // check_start_sites.cpp
void checkHandlers(Context& cx);         // check_handlers.cpp
void checkSupervision(Context& cx);      // check_supervision.cpp
void checkSocieties(Context& cx);        // check_societies.cpp
void checkReachability(Context& cx);     // check_reachability.cpp
void checkCluster(Context& cx);          // check_cluster.cpp
void checkConfig(Context& cx);           // check_config.cpp
void checkProtect(Context& cx);          // check_protect.cpp

// Loading (loader.cpp): parses roots and imports into cx.program; false if any file had
// lexical/syntax errors or an import failed (sema then stops: it would only produce noise).
bool loadProgram(Context& cx, const std::vector<diag::FileId>& roots);

// Shared helpers (resolve_types.cpp): the semantic type of a type expression, reporting unknown
// names; Error on failure.
const ast::Type* resolveTypeNode(Context& cx, ast::TypeNode& node);

// "did you mean 'x'?" (scope.cpp): the closest candidate within a small edit distance, or "".
std::string closestName(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace fnd::sema
