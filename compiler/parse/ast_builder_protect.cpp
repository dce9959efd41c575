// `protect MESSAGE with breaker(threshold: 5, window: 60s, reset: 30s, trials: 1), rate(100 per 1s)`
// (docs/language.md section 19): the word `with`, the policies and their arguments, each at most
// once, as literals in range (E0008, E0009, E0010, E0302). What the message names is checked by
// sema/check_protect.cpp.
#include "parse/ast_builder.hpp"

namespace fnd::parse {

using diag::Code;
using diag::SourceRange;
using namespace fnd::ast;

namespace {
const char* kPolicies = "'breaker(threshold: N, window: D, reset: D, trials: N)' and 'rate(N per D)'";
}  // namespace

// A literal int (or duration, in milliseconds) argument; reports E0009.
bool AstBuilder::protectValue(P::ExprContext* x, bool duration, std::int64_t& out, const std::string& what) {
  ExprPtr e = buildExpr(x);
  if (!duration && e->is<IntLit>()) out = e->as<IntLit>().value;
  else if (duration && e->is<DurationLit>()) out = e->as<DurationLit>().millis;
  else {
    error(Code::E0009, e->range, std::string("invalid ") + what + ": expected " + (duration ? "a duration literal" : "an integer literal"));
    return false;
  }
  const std::int64_t lo = 1, hi = duration ? 86'400'000 : 1'000'000;
  if (out < lo || out > hi) {
    error(Code::E0302, e->range, what + " " + written(x) + " is out of range (" +
                                     (duration ? "1ms..24h" : "1..1000000") + ")");
    return false;
  }
  return true;
}

void AstBuilder::buildProtect(P::ProtectItemContext* ctx, ActorDecl& actor, bool isExtern) {
  if (isExtern) {
    error(Code::E0506, range(ctx), "an extern actor's interface cannot protect its handlers")
        .note({}, "its C++ class can use fnd::protect directly");
    return;
  }
  auto p = std::make_unique<ProtectDecl>();
  p->message = ident(ctx->name(0));
  p->range = range(ctx);
  Ident with = ident(ctx->name(1));
  if (with.name != "with") {
    error(Code::E0008, with.range, "expected 'with' after the protected message, found '" + with.name + "'")
        .note({}, "write 'protect " + p->message.name + " with POLICY, ...'; the policies are " + kPolicies);
    return;
  }
  bool ok = true;
  for (auto* pol : ctx->protectPolicy()) {
    Ident kind = ident(pol->name());
    if (kind.name == "breaker") {
      if (p->breaker) {
        error(Code::E0010, kind.range, "duplicate policy 'breaker'");
        ok = false;
        continue;
      }
      p->breaker = true;
      std::set<std::string> seen;
      for (auto* arg : pol->protectArg()) {
        auto* named = dynamic_cast<P::ProtectNamedArgContext*>(arg);
        if (!named) {
          error(Code::E0009, range(arg), "breaker arguments are named: threshold, window, reset, trials");
          ok = false;
          continue;
        }
        Ident n = ident(named->name());
        if (!seen.insert(n.name).second) {
          error(Code::E0010, n.range, "duplicate breaker argument '" + n.name + "'");
          ok = false;
          continue;
        }
        if (n.name == "threshold") ok &= protectValue(named->expr(), false, p->threshold, "threshold");
        else if (n.name == "trials") ok &= protectValue(named->expr(), false, p->trials, "trials");
        else if (n.name == "window") ok &= protectValue(named->expr(), true, p->windowMs, "window");
        else if (n.name == "reset") ok &= protectValue(named->expr(), true, p->resetMs, "reset");
        else {
          error(Code::E0008, n.range, "unknown breaker argument '" + n.name + "'")
              .note({}, "a breaker takes threshold, window, reset and trials");
          ok = false;
        }
      }
    } else if (kind.name == "rate") {
      if (p->rate) {
        error(Code::E0010, kind.range, "duplicate policy 'rate'");
        ok = false;
        continue;
      }
      p->rate = true;
      auto args = pol->protectArg();
      auto* r = args.size() == 1 ? dynamic_cast<P::ProtectRateArgContext*>(args[0]) : nullptr;
      if (!r || !r->name() || r->name()->getText() != "per") {
        error(Code::E0009, range(pol), "a rate is written 'rate(N per DURATION)'");
        ok = false;
        continue;
      }
      ok &= protectValue(r->expr(0), false, p->rateCount, "rate");
      ok &= protectValue(r->expr(1), true, p->ratePeriodMs, "rate period");
    } else {
      error(Code::E0008, kind.range, "unknown protection '" + kind.name + "'").note({}, std::string("the policies are ") + kPolicies);
      ok = false;
    }
  }
  if (ok) actor.protects.push_back(std::move(p));
}

}  // namespace fnd::parse
