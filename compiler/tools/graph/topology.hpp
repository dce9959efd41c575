// fndc graph, part 1: the topology of a checked program as a small graph model, independent of
// any output format: supervisors and their children, societies with their roles and a summary of
// the links their topology makes, `main`, and which actors `spawn` which. dot_writer renders it as Graphviz DOT.
//
// Cluster placement (placement.cpp): each actor child and role gets the cluster node(s) it runs on
// (Node::host) and the writer draws one box per cluster node around the actors placed there.
#pragma once

#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/source_manager.hpp"

namespace fnd::tools::graph {

enum class NodeKind { Main, Supervisor, Society, Actor, Role };

struct Node {
  std::string id;      // unique, stable: "supervisor:app", "child:app/ponger", "role:grid/a"
  NodeKind kind = NodeKind::Actor;
  std::string title;   // first line: "supervisor app", "ponger: Ponger"
  std::vector<std::string> details;  // further lines: strategy, arguments, counts
  std::string group;   // id of the Group it is drawn in ("" = top level)
  std::string host;    // cluster node(s) it runs on: "a", "a, b" (across); "" = everywhere / no cluster
  // For a role placed `across`: which members run on which node, one line per node
  // ("on a: members 0, 2", the member numbers of the society). Empty: one line "on HOST".
  std::vector<std::string> hostLines;
};

enum class EdgeKind { Main, Supervises, Link, Spawns };

struct Edge {
  std::string from, to;
  EdgeKind kind = EdgeKind::Supervises;
  std::string label;
  bool undirected = false;
};

// A society is drawn as a box around its generated supervisor and its roles.
struct Group {
  std::string id;
  std::string title;
  std::vector<std::string> details;
};

// A node of the program's cluster.
struct Host {
  std::string name;
  std::string address;  // "" when given at start
};

struct Topology {
  std::string name;  // the root module's name
  std::string clusterName;  // "" without a cluster
  std::vector<Host> hosts;
  std::vector<Group> groups;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
};

// `program` must have passed sema. `sources` gives argument expressions their source text.
// Cluster placement is applied by buildTopology (placement.cpp).
Topology buildTopology(const ast::Program& program, const diag::SourceManager& sources);
void applyPlacement(const ast::Program& program, Topology& t);

// Role-level summary of a society's member links (member i's neighbours, section 11 of
// docs/language.md): for every pair of roles (a, b) with a <= b, the number of undirected links
// between a member of a and a member of b. Computed without enumerating mesh pairs.
struct RoleLinks {
  std::size_t a = 0, b = 0;
  std::uint64_t links = 0;
};
std::vector<RoleLinks> summariseLinks(ast::Topology topology, const std::vector<std::int64_t>& counts);

}  // namespace fnd::tools::graph
