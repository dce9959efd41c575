// The cluster part of a generated program's command line (docs/language.md section 16): which node
// to run as, node addresses, the CurveZMQ key files and membership (SWIM) settings. Internal to
// fnd_lang_cluster; run_cluster_program (cluster.cpp) uses it.
//
//   --node NAME               FND_NODE
//   --addr NODE=ADDR[,...]    FND_CLUSTER_ADDRS
//   --cluster-key FILE        FND_CLUSTER_KEY     (security: curve)
//   --node-key FILE           FND_NODE_KEY        (security: curve, optional)
//   --allow-list FILE         FND_ALLOW_LIST      (security: curve, optional)
//   --membership KEY=VALUE    FND_MEMBERSHIP      (repeatable / comma-separated)
//
// Flags win over the environment, which wins over the declaration.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fnd/dist/membership/config.hpp>

#include "fnd/lang/cluster.hpp"

namespace fnd::lang::cluster_detail {

struct ClusterOptions {
  std::string node;                           // "" = run alone
  std::map<std::string, std::string> addrs;   // node -> tcp://HOST:PORT
  std::string cluster_key, node_key, allow_list;
  fnd::dist::membership::Config membership;
  std::vector<char*> rest;                    // argv[0] and the program's own options
  bool help = false;
  std::string error;                          // non-empty: a usage error (exit status 2)
};

ClusterOptions parse_cluster_options(int argc, char** argv, const ClusterSpec& spec);

// Applies one membership setting ("probe_interval", "200ms"); returns an error message or "".
std::string apply_membership_setting(fnd::dist::membership::Config& c, const std::string& key, const std::string& value);

// The cluster section of --help.
std::string cluster_usage(const ClusterSpec& spec);

}  // namespace fnd::lang::cluster_detail
