// `config { ... }` blocks and `config.a.b` reads (docs/language.md section 17). The option words
// (`updatable`, `one of`) and their repetition are checked here (E0008/E0010); types, constants and
// paths by sema/check_config.cpp.
#include "parse/ast_builder.hpp"

namespace fnd::parse {

using diag::Code;
using diag::SourceRange;
using namespace fnd::ast;

void AstBuilder::buildConfig(P::ConfigDeclContext* ctx, Module& m) {
  for (auto* item : ctx->configItem()) {
    auto s = std::make_unique<ConfigSetting>();
    s->path = dotted(item->dottedName());
    s->pathRange = range(item->dottedName());
    s->range = range(item);
    s->module = &m;
    s->type = buildType(item->typeExpr());
    s->defaultValue = buildExpr(item->expr());
    bool sawRange = false, sawOneOf = false, sawUpdatable = false;
    auto duplicate = [&](bool& seen, SourceRange r, const char* what) {
      if (seen) {
        error(Code::E0010, r, std::string("duplicate '") + what + "' option of config setting '" + s->path + "'");
        return true;
      }
      seen = true;
      return false;
    };
    for (auto* opt : item->configOption()) {
      if (auto* rg = dynamic_cast<P::ConfigRangeContext*>(opt)) {
        if (duplicate(sawRange, range(rg), "in")) continue;
        s->min = buildExpr(rg->expr(0));
        s->max = buildExpr(rg->expr(1));
      } else if (auto* o = dynamic_cast<P::ConfigOneOfContext*>(opt)) {
        Ident one = ident(o->name(0)), of = ident(o->name(1));
        if (one.name != "one" || of.name != "of") {
          error(Code::E0008, SourceRange{one.range.file, one.range.begin, of.range.end},
                "unknown config option '" + one.name + " " + of.name + "'")
              .note({}, "a setting may have 'in MIN..MAX', 'one of [VALUES]' and 'updatable'");
          continue;
        }
        if (duplicate(sawOneOf, range(o), "one of")) continue;
        s->oneOfRange = range(o);
        for (auto* x : o->expr()) s->oneOf.push_back(buildExpr(x));
      } else if (auto* f = dynamic_cast<P::ConfigFlagContext*>(opt)) {
        Ident w = ident(f->name());
        if (w.name != "updatable") {
          error(Code::E0008, w.range, "unknown config option '" + w.name + "'")
              .note({}, "a setting may have 'in MIN..MAX', 'one of [VALUES]' and 'updatable'");
          continue;
        }
        if (duplicate(sawUpdatable, w.range, "updatable")) continue;
        s->updatable = true;
      }
    }
    m.config.push_back(std::move(s));
  }
}

ExprPtr AstBuilder::buildConfigExpr(P::ConfigExprContext* ctx) {
  auto e = std::make_unique<ConfigExpr>();
  e->range = range(ctx);
  auto words = ctx->anyWord();
  for (auto* w : words) e->path += (e->path.empty() ? "" : ".") + w->getText();
  if (!words.empty()) {
    SourceRange first = range(words.front()), last = range(words.back());
    e->pathRange = SourceRange{first.file, first.begin, last.end};
  }
  return e;
}

}  // namespace fnd::parse
