// A generated program as one node of its cluster (fnd/lang/cluster.hpp, docs/language.md section 16).
#include "fnd/lang/cluster.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string_view>
#include <thread>

#include <fnd/dist/dist.hpp>
#include <fnd/log.hpp>
#include <fnd/process.hpp>

namespace fnd::lang {

namespace {

// Set once before the root starts, read by placed() in supervisors' start functions.
const ClusterSpec* g_spec = nullptr;
std::string g_local;                      // this node's name; "" = alone, everything local
std::atomic<fnd::dist::DistNode*> g_dist{nullptr};  // stand-ins read it on worker threads

bool is_prefix_path(const std::string& path, const std::string& name) {
  return name == path || (name.size() > path.size() && name.compare(0, path.size(), path) == 0 && name[path.size()] == '.');
}

// The member index of "soc.role.7", or -1.
long member_index(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos) return -1;
  long i = 0;
  auto r = std::from_chars(name.data() + dot + 1, name.data() + name.size(), i);
  return r.ec == std::errc() && r.ptr == name.data() + name.size() ? i : -1;
}

// `a=tcp://h:1,b=tcp://h:2` into `out`; returns an error message or "".
std::string parse_addrs(std::string_view list, std::map<std::string, std::string>& out) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || !item.substr(eq + 1).starts_with("tcp://"))
      return "expected NODE=tcp://HOST:PORT, got '" + std::string(item) + "'";
    out[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
  }
  return {};
}

// Forwards everything it receives to `name` on `node`; the message keeps its original sender, so
// replies go straight back to it. Dropped while the node is not up (like a child that is not running).
void forward_loop(fnd::Process& p, std::string node, std::string name) {
  for (;;) {
    fnd::MessagePtr m = p.receive();
    if (auto* d = g_dist.load(std::memory_order_acquire)) (void)d->send_named(node, name, m.release());
  }
}

}  // namespace

std::string placement_of(const ClusterSpec& spec, const std::string& name) {
  const ClusterPlacement* best = nullptr;
  for (const auto& pl : spec.placements)
    if (is_prefix_path(pl.path, name) && (!best || pl.path.size() > best->path.size())) best = &pl;
  if (!best) return spec.nodes.empty() ? std::string() : spec.nodes.front().name;
  if (!best->across) return best->nodes.front();
  const long i = member_index(name);
  return best->nodes[i < 0 ? 0 : static_cast<size_t>(i) % best->nodes.size()];
}

ChildStart placed(ChildStart start) {
  return [start = std::move(start)](fnd::ChildContext& ctx) -> fnd::Result<fnd::Pid> {
    if (g_local.empty() || !g_spec) return start(ctx);
    const std::string& name = ctx.registered_name();
    const std::string where = placement_of(*g_spec, name);
    if (where == g_local) return start(ctx);
    return ctx.spawn_fiber([where, name](fnd::Process& p) { forward_loop(p, where, name); });
  };
}

int run_cluster_program(int argc, char** argv, const ProgramInfo& info, const ClusterSpec& spec,
                        const std::function<fnd::Result<fnd::Pid>(fnd::Node&)>& start_root) {
  std::string node_name;
  std::map<std::string, std::string> addrs;
  for (const auto& n : spec.nodes)
    if (!n.address.empty()) addrs[n.name] = n.address;
  std::string err;
  if (const char* e = std::getenv("FND_CLUSTER_ADDRS"); e && *e) {
    err = parse_addrs(e, addrs);
    if (!err.empty()) err = "FND_CLUSTER_ADDRS: " + err;
  }
  if (const char* e = std::getenv("FND_NODE"); e && *e) node_name = e;
  // Take out --node/--addr; the rest is the usual command line.
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc && err.empty(); ++i) {
    std::string_view a = argv[i];
    std::string key, value;
    if (a == "--node" || a == "--addr") {
      if (i + 1 >= argc) {
        err = std::string(a) + " needs a value";
        break;
      }
      key = std::string(a.substr(2));
      value = argv[++i];
    } else if (a.starts_with("--node=") || a.starts_with("--addr=")) {
      key = std::string(a.substr(2, 4));
      value = std::string(a.substr(7));
    } else {
      rest.push_back(argv[i]);
      continue;
    }
    if (key == "node") node_name = value;
    else err = parse_addrs(value, addrs);
  }
  bool known = node_name.empty();
  for (const auto& n : spec.nodes) known = known || n.name == node_name;
  if (err.empty() && !known) err = "no node '" + node_name + "' in cluster " + spec.name;
  for (const auto& [n, a] : addrs) {
    bool declared = false;
    for (const auto& sn : spec.nodes) declared = declared || sn.name == n;
    if (err.empty() && !declared) err = "--addr: no node '" + n + "' in cluster " + spec.name;
  }
  if (err.empty() && !node_name.empty() && !addrs.count(node_name))
    err = "node '" + node_name + "' has no address: give --addr " + node_name + "=tcp://HOST:PORT";
  if (!err.empty()) {
    std::fprintf(stderr, "%s: %s\n", info.name.c_str(), err.c_str());
    return 2;
  }
  for (size_t i = 1; i < rest.size(); ++i) {
    const std::string_view a = rest[i];
    if (a != "--help" && a != "-h") continue;
    std::string nodes;
    for (const auto& n : spec.nodes) nodes += " " + n.name + (n.address.empty() ? "" : "=" + n.address);
    std::fputs(usage(info).c_str(), stdout);
    std::printf(
        "\ncluster %s (nodes:%s):\n"
        "  --node NAME        run as node NAME of the cluster (also FND_NODE=NAME); without it the\n"
        "                     program runs alone, everything in this process, no sockets\n"
        "  --addr NODE=ADDR   set a node's address, tcp://HOST:PORT (repeatable, or a comma-separated\n"
        "                     list; also FND_CLUSTER_ADDRS=a=tcp://h:1,b=tcp://h:2)\n",
        spec.name.c_str(), nodes.c_str());
    return 0;
  }
  g_spec = &spec;
  if (node_name.empty()) return run_program(static_cast<int>(rest.size()), rest.data(), info, start_root);

  CommandLine cl = parse_command_line(static_cast<int>(rest.size()), rest.data());
  if (cl.help) {
    std::fputs(usage(info).c_str(), stdout);
    return 0;
  }
  if (!cl.error.empty()) {
    std::fprintf(stderr, "%s: %s\n%s", info.name.c_str(), cl.error.c_str(), usage(info).c_str());
    return 2;
  }
  fnd::log::set_level(cl.node.log_level);
  int status = 0;
  {
    fnd::Node node(cl.node);
    auto dist = std::make_unique<fnd::dist::DistNode>(node, fnd::dist::DistOptions{.name = node_name, .bind = addrs[node_name]});
    if (const fnd::Error* e = dist->error()) {
      std::fprintf(stderr, "%s: node %s cannot listen on %s: %s\n", info.name.c_str(), node_name.c_str(),
                   addrs[node_name].c_str(), e->to_string().c_str());
      node.stop();
      return 1;
    }
    g_local = node_name;
    g_dist.store(dist.get(), std::memory_order_release);
    for (const auto& [n, a] : addrs)
      if (n != node_name) dist->connect(n, a);
    fnd::Result<fnd::Pid> root = start_root(node);
    if (!root) {
      fnd::log::error("could not start " + info.description + ": " + root.error().to_string());
      node.stop();
      status = 1;
    } else {
      node.set_root(*root);
      status = node.run();
    }
    // What this node sent to live nodes is delivered before it leaves (bounded wait).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (;;) {
      size_t outstanding = 0;
      for (const auto& p : dist->peers())
        if (p.up) outstanding += p.outstanding;
      if (outstanding == 0 || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    g_dist.store(nullptr, std::memory_order_release);
    dist->stop();
  }
  std::fflush(stdout);
  return status;
}

}  // namespace fnd::lang
