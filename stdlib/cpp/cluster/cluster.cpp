// A generated program as one node of its cluster (fnd/lang/cluster.hpp, docs/language.md section 16).
#include "fnd/lang/cluster.hpp"

#include "cluster_options.hpp"
#include "society_sync.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include <fnd/dist/dist.hpp>
#include <fnd/dist/security/cluster_security.hpp>
#include <fnd/detail/program_options.hpp>
#include <fnd/dist/security/error.hpp>
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

// Counts forwarders down to zero (drain_forwarders).
struct Countdown {
  std::mutex mu;
  std::condition_variable cv;
  size_t left = 0;
  void done() {
    std::lock_guard<std::mutex> l(mu);
    if (--left == 0) cv.notify_all();
  }
};
// Sent to a forwarder after everything it must pass on before the node stops: it counts down when it
// gets here, so what it received before has been handed to the network by then.
struct ForwardBarrier {
  std::shared_ptr<Countdown> countdown;
};

// The forwarding processes of this node (placed()), for drain_forwarders.
std::mutex g_forwarders_mu;
std::vector<fnd::Pid> g_forwarders;

// Forwards everything it receives to `name` on `node`; the message keeps its original sender, so
// replies go straight back to it. Dropped while the node is not up (like a child that is not running).
void forward_loop(fnd::Process& p, std::string node, std::string name) {
  for (;;) {
    fnd::MessagePtr m = p.receive();
    if (auto* b = m->try_get<ForwardBarrier>()) {
      b->countdown->done();
      continue;
    }
    if (auto* d = g_dist.load(std::memory_order_acquire)) (void)d->send_named(node, name, m.release());
  }
}

// Before the node stops its processes: every forwarder passes on what it holds. A program that ends
// with `send peer Quit {}; shutdown(0)` sends Quit to the local forwarder of `peer`; stopping the
// node at once would kill the forwarder with Quit still in its mailbox. The barrier goes in behind
// Quit (the sender queued Quit before it asked for the shutdown this runs after), so once every
// forwarder has counted down, Quit is in the network's queue, which detach then waits on. Bounded:
// a forwarder that dies meanwhile never counts down.
void drain_forwarders(std::chrono::milliseconds bound) {
  std::vector<fnd::Pid> live;
  {
    std::lock_guard<std::mutex> l(g_forwarders_mu);
    for (const auto& f : g_forwarders)
      if (f.alive()) live.push_back(f);
    g_forwarders = live;  // restarted forwarders leave dead pids behind
  }
  if (live.empty()) return;
  auto countdown = std::make_shared<Countdown>();
  countdown->left = live.size();
  for (const auto& f : live) fnd::send(f, ForwardBarrier{countdown});
  std::unique_lock<std::mutex> l(countdown->mu);
  countdown->cv.wait_for(l, bound, [&] { return countdown->left == 0; });
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
    fnd::Result<fnd::Pid> forwarder =
        ctx.spawn_fiber([where, name](fnd::Process& p) { forward_loop(p, where, name); });
    if (forwarder) {
      std::lock_guard<std::mutex> l(g_forwarders_mu);
      g_forwarders.push_back(*forwarder);
    }
    return forwarder;
  };
}

int run_cluster_program(int argc, char** argv, const ProgramInfo& info, const ClusterSpec& spec,
                        const std::function<fnd::Result<fnd::Pid>(fnd::Node&)>& start_root) {
  cluster_detail::ClusterOptions co = cluster_detail::parse_cluster_options(argc, argv, spec);
  if (!co.error.empty()) {
    std::fputs(fnd::detail::usage_error(info.name, argv[0], co.error).c_str(), stderr);
    return 2;
  }
  if (co.help) {
    std::fputs(usage(info).c_str(), stdout);
    std::fputs(cluster_detail::cluster_usage(spec).c_str(), stdout);
    return 0;
  }
  std::vector<char*>& rest = co.rest;
  const std::string& node_name = co.node;
  auto& addrs = co.addrs;
  g_spec = &spec;
  if (node_name.empty()) return run_program(static_cast<int>(rest.size()), rest.data(), info, start_root);

  fnd::dist::DistOptions dopts;
  dopts.name = node_name;
  dopts.bind = addrs[node_name];
  dopts.tune_malloc = true;  // a generated program owns its process (docs/distribution.md, "Threads")
  if (spec.curve) {
    try {
      fnd::dist::security::SecuritySettings keys;
      keys.clusterKeyFile = co.cluster_key;
      keys.nodeKeyFile = co.node_key;
      keys.allowListFile = co.allow_list;
      dopts.security = fnd::dist::security::ClusterSecurity::load(keys);
    } catch (const fnd::dist::security::SecurityError& e) {
      std::fprintf(stderr, "%s: %s\n", info.name.c_str(), e.what());
      return 2;
    }
  }
  dopts.membership = co.membership;
  for (const auto& [n, a] : addrs)
    if (n != node_name) dopts.seeds.emplace_back(n, a);

  // The node's DistNode lives between attach and detach: declared after the Node, destroyed first.
  std::unique_ptr<fnd::dist::DistNode> dist;
  std::unique_ptr<cluster_detail::SocietySync> societies;  // society subscriptions across nodes
  NodeHooks hooks;
  hooks.attach = [&](fnd::Node& node) {
    societies = std::make_unique<cluster_detail::SocietySync>(node);  // its agent listens before peers talk
    dist = std::make_unique<fnd::dist::DistNode>(node, std::move(dopts));
    if (const fnd::Error* e = dist->error()) {
      std::fprintf(stderr, "%s: node %s: %s\n", info.name.c_str(), node_name.c_str(), e->message.c_str());
      societies.reset();
      dist.reset();
      return 1;
    }
    g_local = node_name;
    g_dist.store(dist.get(), std::memory_order_release);
    societies->attach(*dist);
    return 0;
  };
  hooks.before_stop = [](fnd::Node&) { drain_forwarders(std::chrono::seconds(2)); };
  hooks.detach = [&](fnd::Node&) {
    if (!dist) return;
    societies.reset();  // no more announcements: this node is leaving
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
    dist->stop();  // with membership: the others see this node leave
    dist.reset();
  };
  return run_program(static_cast<int>(rest.size()), rest.data(), info, start_root, hooks);
}

}  // namespace fnd::lang
