// `cluster NAME { ... }` (docs/language.md section 16): nodes, placements and settings. The words
// `node`, `place`, `on`/`across` and the setting names are checked here (E0008/E0009/E0010); what
// the names refer to is checked by sema/check_cluster.cpp.
#include <map>

#include "ast/cluster_words.hpp"
#include "parse/ast_builder.hpp"

namespace fnd::parse {

using diag::Code;
using diag::SourceRange;
using namespace fnd::ast;
namespace words = fnd::ast::cluster_words;

void AstBuilder::buildCluster(P::ClusterDeclContext* ctx, Module& m) {
  auto c = std::make_unique<ClusterDecl>();
  c->name = ident(ctx->name());
  c->range = range(ctx);
  c->module = &m;
  std::map<std::string, SourceRange> seenSettings;
  for (auto* item : ctx->clusterItem()) {
    if (auto* ni = dynamic_cast<P::ClusterNodeItemContext*>(item)) {
      Ident kw = ident(ni->name(0));
      if (kw.name != words::kNode) {
        error(Code::E0008, kw.range, "unknown cluster item '" + kw.name + "'")
            .note({}, "a cluster has 'node NAME: \"tcp://HOST:PORT\"', 'place PATH on NODE', "
                      "'place PATH across [NODES]' and settings ('security: none', 'probe_interval: 200ms', ...)");
        continue;
      }
      ClusterNode n;
      n.name = ident(ni->name(1));
      n.range = range(ni);
      if (auto* str = ni->STRING()) {
        std::string t = str->getText();
        n.address = t.size() >= 2 ? t.substr(1, t.size() - 2) : t;
        n.addressRange = range(str);
      }
      c->nodes.push_back(std::move(n));
      continue;
    }
    auto placeHead = [&](P::NameContext* kwCtx) {
      Ident kw = ident(kwCtx);
      if (kw.name == words::kPlace) return true;
      error(Code::E0008, kw.range, "unknown cluster item '" + kw.name + "'")
          .note({}, "placements are written 'place PATH on NODE' or 'place PATH across [NODES]'");
      return false;
    };
    auto placePath = [&](P::DottedNameContext* d, Placement& p) {
      p.pathRange = range(d);
      p.path.push_back(ident(d->name()));
      for (auto* w : d->anyWord()) p.path.push_back(ident(w));
    };
    if (auto* po = dynamic_cast<P::PlaceOnItemContext*>(item)) {
      if (!placeHead(po->name(0))) continue;
      Placement p;
      p.range = range(po);
      placePath(po->dottedName(), p);
      p.nodes.push_back(ident(po->name(1)));
      c->placements.push_back(std::move(p));
      continue;
    }
    if (auto* pa = dynamic_cast<P::PlaceAcrossItemContext*>(item)) {
      if (!placeHead(pa->name(0))) continue;
      Ident how = ident(pa->name(1));
      if (how.name != words::kAcross) {
        error(Code::E0008, how.range, "expected 'on' or 'across' after the placement target, found '" + how.name + "'")
            .note({}, "write 'place PATH on NODE' or 'place PATH across [NODE, ...]'");
        continue;
      }
      Placement p;
      p.range = range(pa);
      p.across = true;
      placePath(pa->dottedName(), p);
      auto names = pa->name();
      for (size_t i = 2; i < names.size(); ++i) p.nodes.push_back(ident(names[i]));
      c->placements.push_back(std::move(p));
      continue;
    }
    auto* si = dynamic_cast<P::ClusterSettingItemContext*>(item);
    if (!si || !si->setting()) continue;
    auto* st = si->setting();
    Ident key = ident(st->name());
    auto* v = st->settingValue();
    const bool isDuration = words::isOneOf(words::kDurationSettings, key.name);
    const bool isCount = words::isOneOf(words::kCountSettings, key.name);
    if (key.name != words::kSecurity && !isDuration && !isCount) {
      error(Code::E0008, key.range, "unknown cluster setting '" + key.name + "'")
          .note({}, "cluster settings: 'security: none | curve' and the membership settings probe_interval, "
                    "probe_timeout, indirect_probes, suspicion_mult, gossip_interval, sync_interval, down_retention");
      continue;
    }
    auto [it, fresh] = seenSettings.emplace(key.name, key.range);
    if (!fresh) {
      error(Code::E0010, key.range, "duplicate setting '" + key.name + "'").note(it->second, "first set here");
      continue;
    }
    const std::string written = this->written(v);
    if (isDuration || isCount) {
      // One atom: a duration (200ms, 2s) or a whole number.
      auto* atom = v && v->settingAtom().size() == 1 ? v->settingAtom(0) : nullptr;
      std::int64_t ms = 0;
      if (isDuration && atom && atom->DURATION() && parseDuration(atom->DURATION(), ms)) {
        if (ms <= 0) {
          error(Code::E0009, range(v), "'" + key.name + "' must be a positive duration");
          continue;
        }
        c->membership.push_back({key.name, std::to_string(ms) + "ms", key.range, ms, range(v)});
      } else if (isCount && atom && atom->INT()) {
        const std::string& t = written;
        long long n = -1;
        try {
          n = t.size() <= 6 ? std::stoll(t) : -1;
        } catch (...) {
        }
        if (n < (key.name == "suspicion_mult" ? 1 : 0) || n > 1000) {
          error(Code::E0009, range(v), "invalid '" + key.name + "': " + t)
              .note({}, std::string("expected a whole number from ") + (key.name == "suspicion_mult" ? "1" : "0") +
                            " to 1000");
          continue;
        }
        c->membership.push_back({key.name, std::to_string(n), key.range, n, range(v)});
      } else {
        error(Code::E0009, range(v), "invalid '" + key.name + "': " + written)
            .note({}, isDuration ? "expected a duration such as 200ms or 2s" : "expected a whole number");
      }
      continue;
    }
    c->securityRange = range(v);
    if (written == words::kSecurityValues[0]) c->security = ClusterSecurity::None;
    else if (written == words::kSecurityValues[1]) c->security = ClusterSecurity::Curve;
    else
      error(Code::E0009, range(v), "invalid security '" + written + "'")
          .note({}, "security is none or curve");
  }
  m.clusters.push_back(std::move(c));
}

}  // namespace fnd::parse
