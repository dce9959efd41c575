// fndc graph, cluster placement (docs/language.md section 16): which node runs each actor child and
// society role, by the same rule as the runtime (the longest placed prefix of the path from main's
// root; none: the first node, the home node). Sets Node::host ("a", or "a, b" for a role spread
// `across`, or when one declaration is started at several paths placed differently), for a role spread
// `across` which of its members run where (Node::hostLines), and records the cluster's nodes.
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

// `place ... across [N0, ..., Nk-1]` puts member i of a role (counted within the role) on N(i mod k):
// one line per node with the society's member numbers there (the numbers of the role's other lines),
// the first and last few of a long run elided.
std::vector<std::string> acrossLines(const std::vector<ast::Ident>& nodes, std::int64_t first, std::int64_t count) {
  std::vector<std::string> out;
  const auto k = static_cast<std::int64_t>(nodes.size());
  for (std::int64_t j = 0; j < k; ++j) {
    const std::int64_t here = count > j ? (count - j + k - 1) / k : 0;  // members j, j+k, ... < count
    std::string line = "on " + nodes[static_cast<std::size_t>(j)].name + ": ";
    auto number = [&](std::int64_t m) { return std::to_string(first + j + m * k); };
    if (here == 0) line += "no member";
    else if (here == 1) line += "member " + number(0);
    else if (here <= 4) {
      line += "members ";
      for (std::int64_t m = 0; m < here; ++m) line += (m ? ", " : "") + number(m);
    } else {
      line += "members " + number(0) + ", " + number(1) + ", ..., " + number(here - 1) + " (" + std::to_string(here) + ")";
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace

void applyPlacement(const ast::Program& program, Topology& t) {
  const ast::ClusterDecl* c = program.cluster;
  if (!c || c->nodes.empty() || !program.main) return;
  t.clusterName = c->name.name;
  for (const auto& n : c->nodes) t.hosts.push_back({n.name.name, n.address});
  // The placement deciding for `path`: the longest placed prefix (nullptr: the home node).
  auto placementOf = [&](const std::string& path) {
    const ast::Placement* best = nullptr;
    std::size_t bestLen = 0;
    for (const auto& p : c->placements) {
      const std::string pp = p.dotted();
      const bool prefix = path == pp || (path.size() > pp.size() && path.compare(0, pp.size(), pp) == 0 && path[pp.size()] == '.');
      if (prefix && (!best || pp.size() > bestLen)) best = &p, bestLen = pp.size();
    }
    return best;
  };
  auto hostOf = [&](const std::string& path) {
    const ast::Placement* best = placementOf(path);
    if (!best) return c->nodes.front().name.name;
    return best->across ? join(best->nodes) : best->nodes.front().name;
  };
  auto setHost = [&](const std::string& id, const std::string& host, std::vector<std::string> lines) {
    for (Node& n : t.nodes) {
      if (n.id != id) continue;
      if (n.host.empty()) {
        n.host = host;
        n.hostLines = std::move(lines);
      } else if (n.host != host || n.hostLines != lines) {
        // One declaration started at several paths placed differently: name every node, no member split.
        n.host += ", " + host;
        n.hostLines.clear();
      }
      return;
    }
  };
  std::function<void(const ast::StartArgs&, const std::string&, int)> walk = [&](const ast::StartArgs& s,
                                                                                const std::string& path, int depth) {
    if (depth > 64) return;  // sema rejects cycles; stay finite anyway
    if (s.supervisor) {
      if (s.supervisor->strategy == ast::Strategy::SimpleOneForOne) return;  // children run where spawn runs
      for (const auto& ch : s.supervisor->children) {
        const std::string p = path + "." + ch->name.name;
        if (ch->start.targetKind == ast::TargetKind::Actor) setHost("child:" + s.supervisor->name.name + "/" + ch->name.name, hostOf(p), {});
        else walk(ch->start, p, depth + 1);
      }
    } else if (s.society) {
      std::int64_t first = 0;  // the society's number of the role's first member
      for (const auto& r : s.society->roles) {
        const std::string p = path + "." + r->name.name;
        const ast::Placement* best = placementOf(p);
        std::vector<std::string> lines;
        if (best && best->across && r->count > 1) lines = acrossLines(best->nodes, first, r->count);
        setHost("role:" + s.society->name.name + "/" + r->name.name, hostOf(p), std::move(lines));
        first += r->count;
      }
    }
  };
  walk(program.main->start, program.main->start.target.name, 0);
}

}  // namespace fnd::tools::graph
