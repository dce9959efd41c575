// The one walk over an expression and everything nested in it, shared by the back ends' analyses
// (effects, mutated variables, variables read) so each states only what it looks for.
#pragma once

#include "ast/ast.hpp"

namespace fnd::ast {

// Calls `visit` on `e` and on each expression inside it, parents before children and operands in
// source order, and stops at the first call that returns true; returns whether one did. Every
// operand is visited: bases, indexes, arguments, interpolated parts, literal elements and a spawn's
// start arguments.
template <class Visit>
bool anySubexpr(const ast::Expr* e, Visit&& visit) {

  if (!e) return false;
  if (visit(e)) return true;
  auto any = [&](const auto& exprs) {
    for (const auto& x : exprs)
      if (anySubexpr(&*x, visit)) return true;
    return false;
  };
  switch (e->kind) {
    case ExprKind::Field: return anySubexpr(e->as<FieldExpr>().base.get(), visit);
    case ExprKind::Index:
      return anySubexpr(e->as<IndexExpr>().base.get(), visit) || anySubexpr(e->as<IndexExpr>().index.get(), visit);
    case ExprKind::MethodCall:
      return anySubexpr(e->as<MethodCallExpr>().base.get(), visit) || any(e->as<MethodCallExpr>().args);
    case ExprKind::Call: return any(e->as<CallExpr>().args);
    case ExprKind::Convert: return anySubexpr(e->as<ConvertExpr>().arg.get(), visit);
    case ExprKind::Unary: return anySubexpr(e->as<UnaryExpr>().operand.get(), visit);
    case ExprKind::Binary:
      return anySubexpr(e->as<BinaryExpr>().lhs.get(), visit) || anySubexpr(e->as<BinaryExpr>().rhs.get(), visit);
    case ExprKind::StringLit:
      for (const auto& p : e->as<StringLit>().parts)
        if (anySubexpr(p.expr.get(), visit)) return true;
      return false;
    case ExprKind::MessageLit:
      for (const auto* f : e->as<MessageLit>().byField)
        if (anySubexpr(f, visit)) return true;
      return false;
    case ExprKind::ListLit: return any(e->as<ListLit>().elems);
    case ExprKind::MapLit:
      for (const auto& kv : e->as<MapLit>().entries)
        if (anySubexpr(kv.key.get(), visit) || anySubexpr(kv.value.get(), visit)) return true;
      return false;
    case ExprKind::Spawn:
      for (const auto* a : e->as<SpawnExpr>().start.byParam)
        if (anySubexpr(a, visit)) return true;
      return false;
    default: return false;
  }
}

// A call of a method that changes its receiver (push, pop, clear, remove).
inline bool isMutatingMethodCall(const ast::Expr* e) {
  if (e->kind != ast::ExprKind::MethodCall) return false;
  const auto m = e->as<ast::MethodCallExpr>().resolved;
  return m == ast::Method::Push || m == ast::Method::Pop || m == ast::Method::Clear || m == ast::Method::Remove;
}

}  // namespace fnd::ast
