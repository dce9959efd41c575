// Pass 7: the cluster declaration (docs/language.md section 16). Checks: E0707 (at most one cluster,
// in a file named on the command line, with nodes, for a `main` that is a supervisor or society),
// E0701 (unknown node), E0702 (duplicate node), E0703 (address), E0704 (placement path), E0705
// (a path placed twice), E0706 (what may be placed how), E0708 (membership settings that
// contradict each other).
// Resolves each placement's target kind and runtime name (the path: children register as
// "<supervisor>.<child>", society members as "<society>.<role>.<i>").
#include <algorithm>
#include <set>

#include "fnd/dist/address.hpp"
#include "sema/context.hpp"

namespace fnd::sema {

using namespace fnd::ast;
using diag::Code;

namespace {

const char* kindWord(PlacementTargetKind k) {
  switch (k) {
    case PlacementTargetKind::Actor: return "an actor";
    case PlacementTargetKind::Supervisor: return "a supervisor";
    case PlacementTargetKind::Society: return "a society";
    case PlacementTargetKind::Role: return "a society role";
    case PlacementTargetKind::Pool: return "a simple_one_for_one pool";
    case PlacementTargetKind::Unresolved: break;
  }
  return "nothing";
}

// Walks `p.path` from main's root; reports E0704/E0706 and returns false when it names nothing placeable.
bool resolvePath(Context& cx, const StartArgs& root, Placement& p) {
  const Ident& first = p.path.front();
  if (first.name != root.target.name) {
    cx.error(Code::E0704, first.range, "placement path must start at the root '" + root.target.name + "', not '" +
                                           first.name + "'")
        .note({}, "paths name children from main's root: '" + root.target.name + ".child'");
    return false;
  }
  const SupervisorDecl* sup = root.supervisor;
  const SocietyDecl* soc = root.society;
  PlacementTargetKind kind = sup ? PlacementTargetKind::Supervisor : PlacementTargetKind::Society;
  if (sup && sup->strategy == Strategy::SimpleOneForOne) kind = PlacementTargetKind::Pool;
  for (size_t i = 1; i < p.path.size(); ++i) {
    const Ident& step = p.path[i];
    const std::string here = p.path[i - 1].name;
    if (kind == PlacementTargetKind::Pool) {
      cx.error(Code::E0706, step.range, "cannot place the children of pool '" + here + "'")
          .note({}, "a pool's children run on the node of the actor that spawns them");
      return false;
    }
    if (kind == PlacementTargetKind::Supervisor) {
      const ChildSpec* ch = sup->findChild(step.name);
      if (!ch) {
        cx.error(Code::E0704, step.range, "supervisor '" + sup->name.name + "' has no child '" + step.name + "'");
        return false;
      }
      const StartArgs& st = ch->start;
      sup = st.supervisor;
      soc = st.society;
      if (st.targetKind == TargetKind::Actor) kind = PlacementTargetKind::Actor;
      else if (st.targetKind == TargetKind::Supervisor)
        kind = sup->strategy == Strategy::SimpleOneForOne ? PlacementTargetKind::Pool : PlacementTargetKind::Supervisor;
      else if (st.targetKind == TargetKind::Society) kind = PlacementTargetKind::Society;
      else return false;  // unresolved child target: reported by check-start-sites
      continue;
    }
    if (kind == PlacementTargetKind::Society) {
      if (!soc->findRole(step.name)) {
        cx.error(Code::E0704, step.range, "society '" + soc->name.name + "' has no role '" + step.name + "'");
        return false;
      }
      kind = PlacementTargetKind::Role;
      continue;
    }
    cx.error(Code::E0704, step.range, std::string("'") + here + "' is " + kindWord(kind) + ": it has no part '" +
                                          step.name + "' to place");
    return false;
  }
  p.targetKind = kind;
  p.registeredName = p.dotted();
  if (kind == PlacementTargetKind::Pool) {
    cx.error(Code::E0706, p.pathRange, "cannot place pool '" + p.registeredName + "'")
        .note({}, "a pool's children run on the node of the actor that spawns them");
    return false;
  }
  if (p.across && kind != PlacementTargetKind::Society && kind != PlacementTargetKind::Role) {
    cx.error(Code::E0706, p.pathRange, "'across' spreads society members, but '" + p.registeredName + "' is " +
                                           kindWord(kind))
        .note({}, "place it on one node: 'place " + p.registeredName + " on NODE'");
    return false;
  }
  return true;
}

// A duration as the language writes it: the largest unit that divides it (90000000 -> "25h").
std::string durationText(std::int64_t ms) {
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// Each value's own form and lower bound are checked by the parser (E0009); here the upper bound of
// durations (24h, what the node's start-up accepts, as for timers and intensity periods) and the one
// relation the runtime's membership::Config::validate() requires: probe_timeout < probe_interval
// (defaults 80ms, 200ms).
void checkMembershipSettings(Context& cx, const ClusterDecl& c) {
  constexpr std::int64_t kMaxDurationMs = 86'400'000;
  const ClusterSetting* interval = nullptr;
  const ClusterSetting* timeout = nullptr;
  for (const ClusterSetting& s : c.membership) {
    if (s.name == "probe_interval") interval = &s;
    if (s.name == "probe_timeout") timeout = &s;
    if (s.value.ends_with("ms") && s.number > kMaxDurationMs)
      cx.error(Code::E0009, s.valueRange, "invalid '" + s.name + "': " + durationText(s.number))
          .note({}, "expected a duration from 1ms to 24h");
  }
  if (!interval && !timeout) return;
  const std::int64_t periodMs = interval ? interval->number : 200;
  const std::int64_t timeoutMs = timeout ? timeout->number : 80;
  if (timeoutMs < periodMs) return;
  auto d = cx.error(Code::E0708, (timeout ? timeout : interval)->range,
                    "probe_timeout (" + std::to_string(timeoutMs) + "ms) must be shorter than probe_interval (" +
                        std::to_string(periodMs) + "ms)");
  d.note({}, std::string("the rest of each probe period is for the indirect probes") +
                 (timeout && interval ? "" : timeout ? "; probe_interval is 200ms unless set" : "; probe_timeout is 80ms unless set"));
}

}  // namespace

void checkCluster(Context& cx) {
  auto& prog = cx.program;
  for (auto& m : prog.modules) {
    for (auto& c : m->clusters) {
      if (!m->isRoot) {
        cx.error(Code::E0707, c->name.range, "cluster '" + c->name.name + "' in imported module '" + m->name + "'")
            .note({}, "only files named on the command line may declare a cluster");
        continue;
      }
      if (prog.cluster) {
        cx.error(Code::E0707, c->name.range, "a program has at most one cluster")
            .note(prog.cluster->name.range, "first declared here");
        continue;
      }
      prog.cluster = c.get();
    }
  }
  auto* c = const_cast<ClusterDecl*>(prog.cluster);
  if (!c) return;

  std::map<std::string, const ClusterNode*> nodes;
  for (const ClusterNode& n : c->nodes) {
    auto [it, fresh] = nodes.emplace(n.name.name, &n);
    if (!fresh)
      cx.error(Code::E0702, n.name.range, "duplicate node '" + n.name.name + "'").note(it->second->name.range, "first declared here");
    if (n.addressRange.valid() && !fnd::dist::is_node_address(n.address)) {
      // "tcp://::1:7006": more than one ':' after the scheme and no brackets.
      const std::string rest = n.address.rfind("tcp://", 0) == 0 ? n.address.substr(6) : "";
      const bool bareIpv6 = std::count(rest.begin(), rest.end(), ':') > 1 && rest.find('[') == std::string::npos;
      cx.error(Code::E0703, n.addressRange, "invalid node address '" + n.address + "'")
          .note({}, bareIpv6 ? "an IPv6 host is written in brackets: \"tcp://[" + rest.substr(0, rest.rfind(':')) + "]" +
                                   rest.substr(rest.rfind(':')) + "\""
                             : "write \"tcp://HOST:PORT\" with a port from 1 to 65535, or leave the address out and give it at start");
    }
  }
  if (c->nodes.empty())
    cx.error(Code::E0707, c->name.range, "cluster '" + c->name.name + "' has no nodes")
        .note({}, "declare its nodes: 'node a: \"tcp://127.0.0.1:7001\"'");
  checkMembershipSettings(cx, *c);

  const MainDecl* main = prog.main;
  const bool rootOk = main && (main->start.targetKind == TargetKind::Supervisor || main->start.targetKind == TargetKind::Society);
  if (!main && !c->placements.empty()) {
    cx.error(Code::E0707, c->name.range, "cluster '" + c->name.name + "' places processes but the program has no 'main'");
    return;
  }
  if (main && !rootOk && main->start.targetKind != TargetKind::Unresolved) {
    cx.error(Code::E0707, main->range, "a program with a cluster must start a supervisor or society in 'main'")
        .note(c->name.range, "cluster declared here");
    return;
  }
  std::map<std::string, const Placement*> placed;
  for (Placement& p : c->placements) {
    bool nodesOk = true;
    std::set<std::string> inList;
    for (const Ident& n : p.nodes) {
      if (!nodes.count(n.name)) {
        auto d = cx.error(Code::E0701, n.range, "unknown node '" + n.name + "'");
        d.note(c->name.range, "cluster '" + c->name.name + "' declares its nodes with 'node NAME'");
        nodesOk = false;
      } else if (!inList.insert(n.name).second) {
        cx.error(Code::E0706, n.range, "node '" + n.name + "' is listed twice");
        nodesOk = false;
      }
    }
    if (p.across && p.nodes.empty()) {
      cx.error(Code::E0706, p.range, "'across' needs at least one node");
      nodesOk = false;
    }
    if (!rootOk || p.path.empty()) continue;
    if (!resolvePath(cx, main->start, p) || !nodesOk) continue;
    auto [it, fresh] = placed.emplace(p.registeredName, &p);
    if (!fresh)
      cx.error(Code::E0705, p.pathRange, "'" + p.registeredName + "' is placed twice").note(it->second->range, "first placed here");
  }
}

}  // namespace fnd::sema
