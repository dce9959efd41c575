#include "tools/graph/topology.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fnd/society_topology.hpp>

namespace fnd::tools::graph {

namespace {

// ast::Topology as the runtime's enum (the value generated programs run with).
SocietyTopology runtimeTopology(ast::Topology t) {
  switch (t) {
    case ast::Topology::Mesh: return SocietyTopology::mesh;
    case ast::Topology::Tree: return SocietyTopology::tree;
    case ast::Topology::Ring: return SocietyTopology::ring;
    case ast::Topology::Star: return SocietyTopology::star;
    case ast::Topology::PubSub: return SocietyTopology::pub_sub;
  }
  return SocietyTopology::mesh;  // not reached: the switch names every topology
}

std::string duration(std::int64_t ms) {
  if (ms != 0 && ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms != 0 && ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string intensity(const ast::Intensity& i) {
  return "intensity: " + std::to_string(i.maxRestarts) + " per " + duration(i.periodMs);
}

// Every `spawn` in an actor's handlers (and state initializers).
void collectSpawns(const ast::Expr* e, std::vector<const ast::SpawnExpr*>& out);
void collectSpawns(const ast::Block& b, std::vector<const ast::SpawnExpr*>& out);

void collectSpawns(const ast::Stmt& s, std::vector<const ast::SpawnExpr*>& out) {
  switch (s.kind) {
    case ast::StmtKind::Let: collectSpawns(s.as<ast::LetStmt>().init.get(), out); return;
    case ast::StmtKind::Assign:
      collectSpawns(s.as<ast::AssignStmt>().target.get(), out);
      collectSpawns(s.as<ast::AssignStmt>().value.get(), out);
      return;
    case ast::StmtKind::Expr: collectSpawns(s.as<ast::ExprStmt>().expr.get(), out); return;
    case ast::StmtKind::If: {
      auto& i = s.as<ast::IfStmt>();
      for (auto& arm : i.arms) {
        collectSpawns(arm.cond.get(), out);
        collectSpawns(arm.body, out);
      }
      if (i.elseBody) collectSpawns(*i.elseBody, out);
      return;
    }
    case ast::StmtKind::While:
      collectSpawns(s.as<ast::WhileStmt>().cond.get(), out);
      collectSpawns(s.as<ast::WhileStmt>().body, out);
      return;
    case ast::StmtKind::For:
      collectSpawns(s.as<ast::ForStmt>().iterable.get(), out);
      collectSpawns(s.as<ast::ForStmt>().rangeEnd.get(), out);
      collectSpawns(s.as<ast::ForStmt>().body, out);
      return;
    case ast::StmtKind::Send:
      collectSpawns(s.as<ast::SendStmt>().target.get(), out);
      collectSpawns(s.as<ast::SendStmt>().message.get(), out);
      return;
    case ast::StmtKind::Reply: collectSpawns(s.as<ast::ReplyStmt>().message.get(), out); return;
    case ast::StmtKind::Broadcast: collectSpawns(s.as<ast::BroadcastStmt>().message.get(), out); return;
    case ast::StmtKind::Publish: collectSpawns(s.as<ast::PublishStmt>().message.get(), out); return;
    case ast::StmtKind::Emit:
      for (auto& a : s.as<ast::EmitStmt>().args) collectSpawns(a.get(), out);
      return;
    case ast::StmtKind::Log: collectSpawns(s.as<ast::LogStmt>().message.get(), out); return;
    default: return;
  }
}

void collectSpawns(const ast::Block& b, std::vector<const ast::SpawnExpr*>& out) {
  for (auto& s : b.stmts) collectSpawns(*s, out);
}

void collectSpawns(const ast::Expr* e, std::vector<const ast::SpawnExpr*>& out) {
  if (!e) return;
  switch (e->kind) {
    case ast::ExprKind::Spawn: {
      auto& sp = e->as<ast::SpawnExpr>();
      out.push_back(&sp);
      for (auto& a : sp.start.args) collectSpawns(a.value.get(), out);
      return;
    }
    case ast::ExprKind::StringLit:
      for (auto& p : e->as<ast::StringLit>().parts) collectSpawns(p.expr.get(), out);
      return;
    case ast::ExprKind::Field: collectSpawns(e->as<ast::FieldExpr>().base.get(), out); return;
    case ast::ExprKind::Index:
      collectSpawns(e->as<ast::IndexExpr>().base.get(), out);
      collectSpawns(e->as<ast::IndexExpr>().index.get(), out);
      return;
    case ast::ExprKind::MethodCall:
      collectSpawns(e->as<ast::MethodCallExpr>().base.get(), out);
      for (auto& a : e->as<ast::MethodCallExpr>().args) collectSpawns(a.get(), out);
      return;
    case ast::ExprKind::Call:
      for (auto& a : e->as<ast::CallExpr>().args) collectSpawns(a.get(), out);
      return;
    case ast::ExprKind::Convert: collectSpawns(e->as<ast::ConvertExpr>().arg.get(), out); return;
    case ast::ExprKind::Unary: collectSpawns(e->as<ast::UnaryExpr>().operand.get(), out); return;
    case ast::ExprKind::Binary:
      collectSpawns(e->as<ast::BinaryExpr>().lhs.get(), out);
      collectSpawns(e->as<ast::BinaryExpr>().rhs.get(), out);
      return;
    case ast::ExprKind::MessageLit:
      for (auto& i : e->as<ast::MessageLit>().inits) collectSpawns(i.value.get(), out);
      return;
    case ast::ExprKind::ListLit:
      for (auto& x : e->as<ast::ListLit>().elems) collectSpawns(x.get(), out);
      return;
    case ast::ExprKind::MapLit:
      for (auto& x : e->as<ast::MapLit>().entries) {
        collectSpawns(x.key.get(), out);
        collectSpawns(x.value.get(), out);
      }
      return;
    default: return;
  }
}

std::vector<const ast::SpawnExpr*> spawnsOf(const ast::ActorDecl& a) {
  std::vector<const ast::SpawnExpr*> out;
  for (auto& s : a.states) collectSpawns(s->init.get(), out);
  for (auto& h : a.handlers)
    if (h->body) collectSpawns(*h->body, out);
  return out;
}

class Builder {
 public:
  Builder(const ast::Program& p, const diag::SourceManager& s) : program_(p), sources_(s) {}

  Topology build() {
    for (auto& m : program_.modules)
      if (m->isRoot && t_.name.empty()) t_.name = m->name;
    for (auto& m : program_.modules) {
      for (auto& s : m->supervisors) supervisor(*s);
      for (auto& s : m->societies) society(*s);
    }
    if (program_.main) mainDecl(*program_.main);
    // Dynamic starts: an edge from each node running an actor to what that actor spawns. Actors
    // only started by `spawn` get one node each (they may spawn further actors).
    for (std::size_t i = 0; i < actorNodes_.size(); ++i) {
      auto [nodeId, actor] = actorNodes_[i];
      std::set<std::string> seen;
      for (const ast::SpawnExpr* sp : spawnsOf(*actor)) {
        std::string target;
        if (sp->poolTemplate && sp->start.supervisor) {
          target = "child:" + sp->start.supervisor->name.name + "/" + sp->poolTemplate->name.name;
        } else if (sp->start.actor) {
          target = "spawned:" + sp->start.actor->name.name;
          if (spawnedNodes_.insert(target).second) {
            Node n;
            n.id = target;
            n.kind = NodeKind::Actor;
            n.title = sp->start.actor->name.name;
            n.details.push_back("started by spawn, unsupervised");
            if (sp->start.actor->isExtern) n.details.push_back("extern (C++)");
            t_.nodes.push_back(n);
            actorNodes_.push_back({target, sp->start.actor});
          }
        }
        if (target.empty() || !seen.insert(target).second) continue;
        t_.edges.push_back({nodeId, target, EdgeKind::Spawns, "spawn", false});
      }
    }
    return std::move(t_);
  }

 private:
  // `rounds: 1000000, peer: ponger`, from the source text of the arguments.
  std::string args(const ast::StartArgs& s) const {
    std::string out;
    for (auto& a : s.args) {
      if (!out.empty()) out += ", ";
      out += a.name.name + ": ";
      if (a.value && a.value->range.valid()) {
        auto text = sources_.contents(a.value->range.file);
        out += std::string(text.substr(a.value->range.begin, a.value->range.end - a.value->range.begin));
      }
    }
    if (out.size() > 60) out = out.substr(0, 57) + "...";
    return out;
  }

  // The node a start site refers to when its target is a supervisor or society declaration.
  static std::string declId(const ast::StartArgs& s) {
    if (s.targetKind == ast::TargetKind::Supervisor) return "supervisor:" + s.target.name;
    if (s.targetKind == ast::TargetKind::Society) return "society:" + s.target.name;
    return {};
  }

  void actorDetails(Node& n, const ast::StartArgs& s) const {
    if (s.actor && s.actor->isExtern) n.details.push_back("extern (C++)");
    if (!s.args.empty()) n.details.push_back("(" + args(s) + ")");
  }

  void supervisor(const ast::SupervisorDecl& d) {
    Node n;
    n.id = "supervisor:" + d.name.name;
    n.kind = NodeKind::Supervisor;
    n.title = "supervisor " + d.name.name;
    n.details = {std::string("strategy: ") + ast::spelling(d.strategy), intensity(d.intensity)};
    t_.nodes.push_back(n);
    bool pool = d.strategy == ast::Strategy::SimpleOneForOne;
    for (auto& c : d.children) {
      std::string label = std::to_string(c->index + 1) + ". " + ast::spelling(c->restart);
      std::string target = declId(c->start);
      if (target.empty()) {
        Node child;
        child.id = "child:" + d.name.name + "/" + c->name.name;
        child.kind = NodeKind::Actor;
        child.title = c->name.name + ": " + c->start.target.name;
        actorDetails(child, c->start);
        if (pool) child.details.push_back("template: one per spawn");
        t_.nodes.push_back(child);
        if (c->start.actor) actorNodes_.push_back({child.id, c->start.actor});
        target = child.id;
      } else {
        label += " (" + c->name.name + ")";
      }
      t_.edges.push_back({n.id, target, EdgeKind::Supervises, label, false});
    }
  }

  void society(const ast::SocietyDecl& d) {
    Group g;
    g.id = "society:" + d.name.name;
    g.title = "society " + d.name.name;
    g.details.push_back(std::string("topology: ") + ast::spelling(d.topology));
    std::string modes;
    if (d.direct) modes += "direct";
    if (d.broadcast) modes += std::string(modes.empty() ? "" : ", ") + "broadcast";
    if (d.pubSub) modes += std::string(modes.empty() ? "" : ", ") + "pub_sub";
    g.details.push_back("communication: " + modes);
    t_.groups.push_back(g);

    Node sup;
    sup.id = "society:" + d.name.name;
    sup.kind = NodeKind::Society;
    sup.title = "society " + d.name.name;
    sup.details = {"one_for_one", intensity(d.intensity),
                   std::string("fault_tolerance: ") +
                       (d.faultTolerance == ast::FaultTolerance::SelfHealing ? "self_healing" : "none")};
    sup.group = g.id;
    t_.nodes.push_back(sup);

    std::vector<std::int64_t> counts;
    std::int64_t total = 0;
    for (auto& r : d.roles) {
      Node n;
      n.id = "role:" + d.name.name + "/" + r->name.name;
      n.kind = NodeKind::Role;
      n.title = r->name.name + ": " + r->start.target.name + " x " + std::to_string(r->count);
      n.details.push_back(r->count > 1 ? "members " + std::to_string(total) + ".." + std::to_string(total + r->count - 1)
                                       : "member " + std::to_string(total));
      actorDetails(n, r->start);
      n.group = g.id;
      t_.nodes.push_back(n);
      if (r->start.actor) actorNodes_.push_back({n.id, r->start.actor});
      const char* restart = d.faultTolerance == ast::FaultTolerance::SelfHealing ? "permanent" : "temporary";
      t_.edges.push_back({sup.id, n.id, EdgeKind::Supervises, restart, false});
      counts.push_back(r->count);
      total += r->count;
    }
    for (const RoleLinks& l : summariseLinks(d.topology, counts)) {
      if (l.links == 0) continue;
      std::string label = std::string(ast::spelling(d.topology)) + ": " + std::to_string(l.links) +
                          (l.links == 1 ? " link" : " links");
      t_.edges.push_back({"role:" + d.name.name + "/" + d.roles[l.a]->name.name,
                          "role:" + d.name.name + "/" + d.roles[l.b]->name.name, EdgeKind::Link, label, true});
    }
  }

  void mainDecl(const ast::MainDecl& m) {
    Node n;
    n.id = "main";
    n.kind = NodeKind::Main;
    n.title = "main";
    t_.nodes.push_back(n);
    std::string target = declId(m.start);
    if (target.empty()) {
      Node a;
      a.id = "main:" + m.start.target.name;
      a.kind = NodeKind::Actor;
      a.title = m.start.target.name;
      actorDetails(a, m.start);
      t_.nodes.push_back(a);
      if (m.start.actor) actorNodes_.push_back({a.id, m.start.actor});
      target = a.id;
    }
    t_.edges.push_back({n.id, target, EdgeKind::Main, "", false});
  }

  const ast::Program& program_;
  const diag::SourceManager& sources_;
  Topology t_;
  std::vector<std::pair<std::string, const ast::ActorDecl*>> actorNodes_;  // nodes running an actor
  std::set<std::string> spawnedNodes_;
};

}  // namespace

std::vector<RoleLinks> summariseLinks(ast::Topology topology, const std::vector<std::int64_t>& counts) {
  // The runtime's rules (fnd/society_topology.hpp), so the graph shows the links the program makes.
  const SocietyTopology rules = runtimeTopology(topology);
  const std::size_t roles = counts.size();
  std::map<std::pair<std::size_t, std::size_t>, std::uint64_t> links;
  if (society_all_to_all(rules)) {
    // Every pair of members: counted per pair of roles, not listed (a mesh of n has n(n-1)/2 links).
    for (std::size_t a = 0; a < roles; ++a)
      for (std::size_t b = a; b < roles; ++b) {
        auto ca = static_cast<std::uint64_t>(counts[a]), cb = static_cast<std::uint64_t>(counts[b]);
        links[{a, b}] = a == b ? ca * (ca - 1) / 2 : ca * cb;
      }
  } else {
    // Sparse topologies: each member's neighbours; the rules are symmetric, so the link {i, j} is
    // counted once, from its lower end. O(members); a star's hub lists them all once.
    std::vector<std::size_t> roleOf;  // member index -> role
    for (std::size_t r = 0; r < roles; ++r)
      for (std::int64_t i = 0; i < counts[r]; ++i) roleOf.push_back(r);
    const std::size_t n = roleOf.size();
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j : society_neighbors(rules, i, n)) {
        if (j <= i) continue;
        ++links[{std::min(roleOf[i], roleOf[j]), std::max(roleOf[i], roleOf[j])}];
      }
  }
  std::vector<RoleLinks> out;
  for (auto& [k, v] : links) out.push_back({k.first, k.second, v});
  return out;
}

Topology buildTopology(const ast::Program& program, const diag::SourceManager& sources) {
  Topology t = Builder(program, sources).build();
  applyPlacement(program, t);
  return t;
}

}  // namespace fnd::tools::graph
