// Programs with a `cluster` declaration (docs/language.md section 16): the generated main describes the
// cluster (nodes, placements), registers every message type for the wire, and calls run_cluster_program.
// Every actor child and society member of the tree is started through placed(): on the node it is placed
// on it starts as usual; on every other node a forwarding process is registered under its name instead,
// which sends what it receives to that name on the right node (fnd::dist::DistNode::send_named), keeping
// the original sender. Without --node (or FND_NODE) the program runs alone: everything local, no sockets.
//
//   prog --node NAME [--addr NODE=tcp://HOST:PORT ...] [--cluster-key FILE] [--node-key FILE]
//        [--allow-list FILE] [--membership KEY=VALUE ...] [program options]
//   FND_NODE=NAME  FND_CLUSTER_ADDRS="a=tcp://127.0.0.1:7001,b=tcp://127.0.0.1:7002"  FND_CLUSTER_KEY=FILE
//   FND_NODE_KEY=FILE  FND_ALLOW_LIST=FILE  FND_MEMBERSHIP="probe_interval=250ms,..."  (flags win)
// A node joins the others through SWIM membership (the addresses it knows are its seeds); with
// `security: curve` every connection is CurveZMQ and a peer without the cluster keys is refused.
//
// Library fnd_lang_cluster (stdlib/cpp/cluster/), linked with fnd_dist and libzmq only by programs
// that declare a cluster.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <fnd/dist/types.hpp>
#include <fnd/supervisor.hpp>

#include "fnd/lang/program.hpp"

namespace fnd::lang {

struct ClusterNodeSpec {
  std::string name;
  std::string address;  // "" when only given at start
};

struct ClusterPlacement {
  std::string path;                // a runtime name prefix: "app.ponger", "app.swarm.workers"
  std::vector<std::string> nodes;  // one for `on`
  bool across = false;             // member i of a role runs on nodes[i % nodes.size()]
};

struct ClusterSpec {
  std::string name;
  std::vector<ClusterNodeSpec> nodes;  // nodes[0] runs everything that is not placed
  std::vector<ClusterPlacement> placements;
  bool curve = false;  // `security: curve`: nodes need the cluster key pair (--cluster-key)
  // Membership settings of the declaration, as written: {"probe_interval", "250ms"}, {"suspicion_mult", "5"}
  std::vector<std::pair<std::string, std::string>> membership;
};

using ChildStart = std::function<fnd::Result<fnd::Pid>(fnd::ChildContext&)>;

// The start function of an actor child or society member, made placement-aware (see above).
ChildStart placed(ChildStart start);

// The node that runs the process registered as `name`: "" when the program runs alone.
std::string placement_of(const ClusterSpec& spec, const std::string& name);

// Registers a generated message type for the wire under its stable name ("module.Message").
template <class T>
void wire_message(const char* stable_name) {
  (void)fnd::dist::register_message<T>(stable_name);
}

// As run_program, with the cluster options above. Exit status 2 for a bad --node/--addr/--membership,
// a missing or malformed key file, or key options for a cluster without `security: curve`.
int run_cluster_program(int argc, char** argv, const ProgramInfo& info, const ClusterSpec& spec,
                        const std::function<fnd::Result<fnd::Pid>(fnd::Node&)>& start_root);

}  // namespace fnd::lang
