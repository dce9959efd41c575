// The society agent of a cluster node (society_sync.hpp).
#include "society_sync.hpp"

#include <map>
#include <set>
#include <tuple>
#include <utility>

#include <fnd/actor.hpp>
#include <fnd/dist/types.hpp>
#include <fnd/log.hpp>
#include <fnd/society_remote.hpp>

namespace fnd::lang::cluster_detail {

namespace {

// Local messages to the agent (never on the wire).
struct LocalSubscribed {
  fnd::society_remote::Subscription s;
};
struct NodeUp {
  std::string node;
};

class SocietyAgent : public fnd::Actor {
 public:
  explicit SocietyAgent(fnd::dist::DistNode& dist) : dist_(dist) {}

  void on_message(fnd::Message& m) override {
    if (auto* l = m.try_get<LocalSubscribed>()) {
      local_subscribed(std::move(l->s));
    } else if (auto* u = m.try_get<NodeUp>()) {
      send_all(u->node);
    } else if (auto* r = m.try_get<SocietySubscribed>()) {
      remote_subscribed(*r);
    } else if (auto* d = m.try_get<fnd::Down>()) {
      // That incarnation exited, or its node is down or left (noconnection).
      fnd::society_remote::remove_pid(d->pid);
      watched_.erase(d->pid);
    }
  }

 private:
  using Key = std::tuple<std::string, std::string, std::size_t>;  // society, topic, member index

  static SocietySubscribed wire(const Key& k, const fnd::Pid& pid) {
    return SocietySubscribed{std::get<0>(k), std::get<1>(k), static_cast<std::int64_t>(std::get<2>(k)), fnd::Ref(pid)};
  }

  void local_subscribed(fnd::society_remote::Subscription s) {
    Key k{std::move(s.society), std::move(s.topic), s.index};
    local_.insert_or_assign(k, s.pid);
    // To every node up now; a node that comes up later gets it from send_all.
    for (const auto& p : dist_.peers())
      if (p.up) (void)dist_.send(p.name, kSocietyAgent, wire(k, s.pid));
  }

  void send_all(const std::string& node) {
    for (auto it = local_.begin(); it != local_.end();) {
      if (!it->second.alive()) {  // that incarnation exited: nothing to announce
        it = local_.erase(it);
        continue;
      }
      (void)dist_.send(node, kSocietyAgent, wire(it->first, it->second));
      ++it;
    }
  }

  void remote_subscribed(const SocietySubscribed& r) {
    if (!r.pid.is_pid() || r.index < 0) return;
    const fnd::Pid& pid = r.pid.pid();
    if (!pid || pid.node() == 0) return;  // only members on other nodes are kept here
    fnd::society_remote::add({r.society, r.topic, static_cast<std::size_t>(r.index), pid});
    // Watched once per incarnation; a dead one gives Down at once (noproc), which removes it again.
    if (watched_.insert(pid).second) monitor(pid);
  }

  fnd::dist::DistNode& dist_;
  std::map<Key, fnd::Pid> local_;  // this node's subscriptions: the latest incarnation per member
  std::set<fnd::Pid> watched_;
};

}  // namespace

SocietySync::SocietySync(fnd::Node& node, fnd::dist::DistNode& dist) : node_(node) {
  (void)fnd::dist::register_message<SocietySubscribed>("fnd.SocietySubscribed");
  agent_ = node.spawn<SocietyAgent>(dist);
  if (auto r = node.register_name(kSocietyAgent, agent_); !r)
    fnd::log::error("cluster: society agent not registered: " + r.error().to_string());
  fnd::society_remote::set_listener([agent = agent_](const fnd::society_remote::Subscription& s) {
    fnd::send(agent, LocalSubscribed{s});
  });
  // Called on the network thread: only a message to the agent, which does the sending.
  dist.subscribe([agent = agent_](const fnd::dist::NodeEvent& e) {
    if (e.kind == fnd::dist::NodeEventKind::up) fnd::send(agent, NodeUp{e.node});
  });
}

void SocietySync::stop() {
  if (stopped_) return;
  stopped_ = true;
  fnd::society_remote::set_listener({});
  node_.exit(agent_, fnd::ExitReason::shutdown());
}

}  // namespace fnd::lang::cluster_detail
