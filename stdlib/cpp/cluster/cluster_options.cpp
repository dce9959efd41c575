// See cluster_options.hpp.
#include "cluster_options.hpp"

#include "fnd/dist/address.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace fnd::lang::cluster_detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Each `KEY=VALUE` of a comma-separated list (empty items skipped) to `take(key, value)`, which
// returns an error message or ""; an item without a key is `malformed` followed by the item.
template <class Take>
std::string for_each_pair(std::string_view list, std::string_view malformed, Take take) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));  // "a=tcp://h:1, b=tcp://h:2" reads as written
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    std::string err = eq == std::string_view::npos || eq == 0
                          ? std::string(malformed) + ", got '" + std::string(item) + "'"
                          : take(trim(item.substr(0, eq)), trim(item.substr(eq + 1)), item);
    if (!err.empty()) return err;
  }
  return {};
}

// `a=tcp://h:1,b=tcp://h:2` into `out`; returns an error message or "".
std::string parse_addrs(std::string_view list, std::map<std::string, std::string>& out) {
  constexpr std::string_view kExpected = "expected NODE=tcp://HOST:PORT";
  return for_each_pair(list, kExpected, [&](std::string_view node, std::string_view addr, std::string_view item) {
    if (!fnd::dist::is_node_address(addr))
      return std::string(kExpected) + " with a port from 1 to 65535, got '" + std::string(item) + "'";
    out[std::string(node)] = std::string(addr);
    return std::string();
  });
}

bool parse_u64(std::string_view s, unsigned long long& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// "250ms", "2s", "5m", "1h" (as the language writes durations), at most 24h.
bool parse_duration(std::string_view s, fnd::dist::membership::Duration& out) {
  struct Unit {
    std::string_view suffix;
    unsigned long long ms;
  };
  constexpr Unit kUnits[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};  // "ms" before "s" and "m"
  for (const Unit& u : kUnits) {
    unsigned long long n = 0;
    if (!s.ends_with(u.suffix)) continue;
    if (!parse_u64(s.substr(0, s.size() - u.suffix.size()), n) || n > 86'400'000 / u.ms) return false;
    out = std::chrono::milliseconds(n * u.ms);
    return true;
  }
  return false;
}

// `k=v,k2=v2` into the config; returns an error message or "".
std::string parse_membership_list(std::string_view list, fnd::dist::membership::Config& c) {
  return for_each_pair(list, "expected KEY=VALUE", [&](std::string_view key, std::string_view value, std::string_view) {
    return apply_membership_setting(c, std::string(key), std::string(value));
  });
}

bool declared(const ClusterSpec& spec, const std::string& node) {
  for (const auto& n : spec.nodes)
    if (n.name == node) return true;
  return false;
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

}  // namespace

std::string apply_membership_setting(fnd::dist::membership::Config& c, const std::string& key, const std::string& value) {
  using fnd::dist::membership::Duration;
  Duration* d = key == "probe_interval"    ? &c.probe_interval
                : key == "probe_timeout"   ? &c.probe_timeout
                : key == "gossip_interval" ? &c.gossip_interval
                : key == "sync_interval"   ? &c.sync_interval
                : key == "down_retention"  ? &c.down_retention
                                           : nullptr;
  if (d) {
    if (!parse_duration(value, *d) || *d <= Duration::zero())
      return "membership " + key + ": expected a duration from 1ms to 24h such as 200ms or 2s, got '" + value + "'";
    return {};
  }
  std::uint32_t* n = key == "indirect_probes" ? &c.indirect_probes : key == "suspicion_mult" ? &c.suspicion_mult : nullptr;
  if (n) {
    unsigned long long v = 0;
    if (!parse_u64(value, v) || v > 1000 || (v == 0 && key == "suspicion_mult"))
      return "membership " + key + ": expected a number from " + (key == "suspicion_mult" ? "1" : "0") +
             " to 1000, got '" + value + "'";
    *n = static_cast<std::uint32_t>(v);
    return {};
  }
  return "unknown membership setting '" + key +
         "' (probe_interval, probe_timeout, indirect_probes, suspicion_mult, gossip_interval, sync_interval, "
         "down_retention)";
}

ClusterOptions parse_cluster_options(int argc, char** argv, const ClusterSpec& spec) {
  ClusterOptions o;
  o.rest.push_back(argv[0]);
  for (const auto& n : spec.nodes)
    if (!n.address.empty()) o.addrs[n.name] = n.address;
  std::string& err = o.error;
  for (const auto& [k, v] : spec.membership)
    if (err.empty()) err = apply_membership_setting(o.membership, k, v);
  std::map<std::string, std::string> addr_origin;  // node -> where its address was given
  auto take_addrs = [&](std::string_view list, const std::string& origin) {
    std::map<std::string, std::string> given;
    std::string e = parse_addrs(list, given);
    for (auto& [n, a] : given) {
      o.addrs[n] = a;
      addr_origin[n] = origin;
    }
    return e;
  };
  if (const char* e = env("FND_CLUSTER_ADDRS"); e && err.empty()) {
    err = take_addrs(e, "FND_CLUSTER_ADDRS");
    if (!err.empty()) err = "FND_CLUSTER_ADDRS: " + err;
  }
  if (const char* e = env("FND_MEMBERSHIP"); e && err.empty()) {
    err = parse_membership_list(e, o.membership);
    if (!err.empty()) err = "FND_MEMBERSHIP: " + err;
  }
  if (const char* e = env("FND_NODE")) o.node = e;
  if (const char* e = env("FND_CLUSTER_KEY")) o.cluster_key = e;
  if (const char* e = env("FND_NODE_KEY")) o.node_key = e;
  if (const char* e = env("FND_ALLOW_LIST")) o.allow_list = e;

  // Take out the cluster options; the rest is the program's usual command line.
  static constexpr std::string_view kOptions[] = {"node", "addr", "cluster-key", "node-key", "allow-list", "membership"};
  for (int i = 1; i < argc && err.empty(); ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") o.help = true;
    std::string key, value;
    bool ours = false;
    for (std::string_view opt : kOptions) {
      const std::string flag = "--" + std::string(opt);
      if (a == flag) {
        if (i + 1 >= argc) {
          err = flag + " needs a value";
          break;
        }
        key = opt;
        value = argv[++i];
        ours = true;
      } else if (a.starts_with(flag + "=")) {
        key = opt;
        value = std::string(a.substr(flag.size() + 1));
        ours = true;
      }
      if (ours) break;
    }
    if (!err.empty()) break;
    if (!ours) {
      o.rest.push_back(argv[i]);
      continue;
    }
    if (key == "node") o.node = value;
    else if (key == "addr") err = take_addrs(value, "--addr");
    else if (key == "cluster-key") o.cluster_key = value;
    else if (key == "node-key") o.node_key = value;
    else if (key == "allow-list") o.allow_list = value;
    else err = parse_membership_list(value, o.membership);
    if (!err.empty() && key == "membership") err = "--membership: " + err;
  }
  if (!err.empty() || o.help) return o;

  if (!o.node.empty() && !declared(spec, o.node)) err = "no node '" + o.node + "' in cluster " + spec.name;
  for (const auto& [n, a] : o.addrs)
    if (err.empty() && !declared(spec, n)) err = addr_origin[n] + ": no node '" + n + "' in cluster " + spec.name;
  if (err.empty() && !o.node.empty() && !o.addrs.count(o.node))
    err = "node '" + o.node + "' has no address: give --addr " + o.node + "=tcp://HOST:PORT";
  if (err.empty()) {
    if (auto bad = o.membership.validate()) err = "membership: " + *bad;
  }
  const bool keys_given = !o.cluster_key.empty() || !o.node_key.empty() || !o.allow_list.empty();
  if (err.empty() && keys_given && !spec.curve)
    err = "cluster " + spec.name +
          " declares no 'security: curve': --cluster-key, --node-key and --allow-list (FND_CLUSTER_KEY, "
          "FND_NODE_KEY, FND_ALLOW_LIST) are not used";
  if (err.empty() && spec.curve && !o.node.empty() && o.cluster_key.empty())
    err = "cluster " + spec.name +
          " uses 'security: curve': give the cluster key pair file with --cluster-key FILE (or "
          "FND_CLUSTER_KEY=FILE); make one with 'fndc keygen NAME' and copy NAME.key_secret to every node";
  return o;
}

std::string cluster_usage(const ClusterSpec& spec) {
  std::string nodes;
  for (const auto& n : spec.nodes) nodes += " " + n.name + (n.address.empty() ? "" : "=" + n.address);
  std::string s = "\ncluster " + spec.name + " (nodes:" + nodes + "; security: " + (spec.curve ? "curve" : "none") +
                  "):\n"
                  "  --node NAME        run as node NAME of the cluster (also FND_NODE=NAME); without it the\n"
                  "                     program runs alone, everything in this process, no sockets\n"
                  "  --addr NODE=ADDR   set a node's address, tcp://HOST:PORT (repeatable, or a comma-separated\n"
                  "                     list; also FND_CLUSTER_ADDRS=a=tcp://h:1,b=tcp://h:2)\n";
  if (spec.curve)
    s +=
        "  --cluster-key FILE the cluster's key pair (NAME.key_secret from 'fndc keygen NAME', mode 0600);\n"
        "                     required with --node (also FND_CLUSTER_KEY=FILE)\n"
        "  --node-key FILE    this node's own key pair: its identity instead of the cluster key's\n"
        "                     (also FND_NODE_KEY=FILE)\n"
        "  --allow-list FILE  public keys of nodes admitted with their own key (also FND_ALLOW_LIST=FILE)\n";
  s +=
      "  --membership K=V   failure detection (SWIM): probe_interval, probe_timeout, indirect_probes,\n"
      "                     suspicion_mult, gossip_interval, sync_interval, down_retention; durations\n"
      "                     as 200ms or 2s (repeatable or comma-separated; also FND_MEMBERSHIP=K=V,...)\n";
  return s;
}

}  // namespace fnd::lang::cluster_detail
