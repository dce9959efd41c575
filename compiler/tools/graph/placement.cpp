// fndc graph, cluster placement (docs/language.md section 16): which node runs each actor child and
// society role, by the same rule as the runtime (the longest placed prefix of the path from main's
// root; none: the first node). Sets Node::host ("a", or "a, b" for a role spread `across`, or when one
// declaration is started at several paths placed differently) and records the cluster's nodes.
#include <algorithm>
#include <functional>

#include "tools/graph/topology.hpp"

namespace fnd::tools::graph {

namespace {

struct Rule {
  std::string nodes;  // "a" or "a, b"
  bool across = false;
};

std::string join(const std::vector<ast::Ident>& ids) {
  std::string s;
  for (const auto& i : ids) s += (s.empty() ? "" : ", ") + i.name;
  return s;
}

}  // namespace

void applyPlacement(const ast::Program& program, Topology& t) {
  const ast::ClusterDecl* c = program.cluster;
  if (!c || c->nodes.empty() || !program.main) return;
  t.clusterName = c->name.name;
  for (const auto& n : c->nodes) t.hosts.push_back({n.name.name, n.address});
  auto hostOf = [&](const std::string& path) {
    const ast::Placement* best = nullptr;
    std::size_t bestLen = 0;
    for (const auto& p : c->placements) {
      const std::string pp = p.dotted();
      const bool prefix = path == pp || (path.size() > pp.size() && path.compare(0, pp.size(), pp) == 0 && path[pp.size()] == '.');
      if (prefix && (!best || pp.size() > bestLen)) best = &p, bestLen = pp.size();
    }
    if (!best) return c->nodes.front().name.name;
    return best->across ? join(best->nodes) : best->nodes.front().name;
  };
  auto setHost = [&](const std::string& id, const std::string& host) {
    for (Node& n : t.nodes) {
      if (n.id != id) continue;
      if (n.host.empty()) n.host = host;
      else if (n.host != host) n.host += ", " + host;
    }
  };
  std::function<void(const ast::StartArgs&, const std::string&, int)> walk = [&](const ast::StartArgs& s,
                                                                                const std::string& path, int depth) {
    if (depth > 64) return;  // sema rejects cycles; stay finite anyway
    if (s.supervisor) {
      if (s.supervisor->strategy == ast::Strategy::SimpleOneForOne) return;  // children run where spawn runs
      for (const auto& ch : s.supervisor->children) {
        const std::string p = path + "." + ch->name.name;
        if (ch->start.targetKind == ast::TargetKind::Actor) setHost("child:" + s.supervisor->name.name + "/" + ch->name.name, hostOf(p));
        else walk(ch->start, p, depth + 1);
      }
    } else if (s.society) {
      for (const auto& r : s.society->roles) setHost("role:" + s.society->name.name + "/" + r->name.name, hostOf(path + "." + r->name.name));
    }
  };
  walk(program.main->start, program.main->start.target.name, 0);
}

}  // namespace fnd::tools::graph
