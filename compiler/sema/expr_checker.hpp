// Internal to sema/: type checking of expressions (bidirectional: an expected type flows into
// empty literals; there are no implicit conversions). Used by check_start_sites and
// check_handlers; annotates Expr::type and the resolution fields of the AST.
#pragma once

#include <optional>

#include "sema/context.hpp"
#include "sema/scope.hpp"

namespace fnd::sema {

class ExprChecker {
 public:
  ExprChecker(Context& cx, Env& env, Scope& scope) : cx_(cx), env_(env), scope_(scope) {}

  // Checks `e` and reports E0201 if its type is not assignable to `expected` (nullptr: any).
  const ast::Type* check(ast::Expr& e, const ast::Type* expected);
  // Checks `e`; `hint` only types empty literals.
  const ast::Type* infer(ast::Expr& e, const ast::Type* hint = nullptr);

  // Reports E0209/E0210 unless `e` (already checked) is a mutable place; `what` names the action.
  bool requireMutablePlace(const ast::Expr& e, const char* what);

  // Resolves the target of a start site (E0109) and checks its named arguments against the
  // target's parameters (E0117-E0119, E0310). `allowMissing`: simple_one_for_one templates.
  void checkStartArgs(ast::StartArgs& s, bool allowMissing);

  // Roles named `name` visible from the enclosing actor (empty when it is none), reporting E0408
  // when only some of the actor's societies define it.
  std::vector<const ast::RoleDecl*> lookupRole(const ast::Ident& name, bool report);

  static bool assignable(const ast::Type* to, const ast::Type* from);
  static bool comparable(const ast::Type* t);

  // The value of an int (duration, in milliseconds) expression made of literals and operators
  // only, if it has one.
  static std::optional<std::int64_t> constantInt(const ast::Expr& e);
  static std::optional<std::int64_t> constantDuration(const ast::Expr& e);

 private:
  const ast::Type* inferImpl(ast::Expr& e, const ast::Type* hint);
  const ast::Type* checkName(ast::NameExpr& e);
  const ast::Type* checkField(ast::FieldExpr& e);
  const ast::Type* checkIndex(ast::IndexExpr& e);
  const ast::Type* checkMethod(ast::MethodCallExpr& e);
  const ast::Type* checkCall(ast::CallExpr& e);
  const ast::Type* checkConvert(ast::ConvertExpr& e);
  const ast::Type* checkUnary(ast::UnaryExpr& e);
  const ast::Type* checkBinary(ast::BinaryExpr& e);
  const ast::Type* checkMessageLit(ast::MessageLit& e);
  const ast::Type* checkListLit(ast::ListLit& e, const ast::Type* hint);
  const ast::Type* checkMapLit(ast::MapLit& e, const ast::Type* hint);
  const ast::Type* checkSpawn(ast::SpawnExpr& e);
  const ast::Type* checkString(ast::StringLit& e);
  const ast::Type* checkConfigRead(ast::ConfigExpr& e);
  bool requireHandler(diag::SourceRange r, const std::string& what);
  bool checkArity(diag::SourceRange r, const std::string& what, std::size_t got, std::size_t want);
  void constantViolation(diag::SourceRange r, const std::string& what);

  Context& cx_;
  Env& env_;
  Scope& scope_;
};

}  // namespace fnd::sema
