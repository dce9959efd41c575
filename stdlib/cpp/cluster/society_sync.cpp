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
struct Attach {
  fnd::dist::DistNode* dist;
};
struct LocalSubscribed {
  fnd::society_remote::Subscription s;
};
struct NodeUp {
  std::string node;
};
struct NodeDown {
  std::string node;
};

class SocietyAgent : public fnd::Actor {
 public:
  void on_message(fnd::Message& m) override {
    if (auto* a = m.try_get<Attach>()) {
      dist_ = a->dist;
    } else if (auto* l = m.try_get<LocalSubscribed>()) {
      local_subscribed(std::move(l->s));
    } else if (auto* u = m.try_get<NodeUp>()) {
      send_all(u->node);
    } else if (auto* dn = m.try_get<NodeDown>()) {
      synced_.erase(dn->node);  // it may come back (healed partition, restart): sync again then
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

  SocietySubscribed wire(const Key& k, const fnd::Pid& pid) const {
    return SocietySubscribed{dist_->name(), std::get<0>(k), std::get<1>(k), static_cast<std::int64_t>(std::get<2>(k)),
                             fnd::Ref(pid)};
  }

  void local_subscribed(fnd::society_remote::Subscription s) {
    Key k{std::move(s.society), std::move(s.topic), s.index};
    local_.insert_or_assign(k, s.pid);
    if (!dist_) return;
    // To every node up now; a node that comes up later gets it from send_all.
    for (const auto& p : dist_->peers())
      if (p.up) (void)dist_->send(p.name, kSocietyAgent, wire(k, s.pid));
  }

  void send_all(const std::string& node) {
    if (!dist_) return;
    synced_.insert(node);
    for (auto it = local_.begin(); it != local_.end();) {
      if (!it->second.alive()) {  // that incarnation exited: nothing to announce
        it = local_.erase(it);
        continue;
      }
      (void)dist_->send(node, kSocietyAgent, wire(it->first, it->second));
      ++it;
    }
  }

  void remote_subscribed(const SocietySubscribed& r) {
    if (!r.pid.is_pid() || r.index < 0) return;
    const fnd::Pid& pid = r.pid.pid();
    if (!pid || pid.node() == 0) return;  // only members on other nodes are kept here
    // Our subscriptions go to that node before anything here can publish to its member: a member
    // there that answers a publish by publishing finds ours (if the up event comes after this).
    if (!synced_.count(r.node)) send_all(r.node);
    fnd::society_remote::add({r.society, r.topic, static_cast<std::size_t>(r.index), pid});
    // Watched once per incarnation; a dead one gives Down at once (noproc), which removes it again.
    if (watched_.insert(pid).second) monitor(pid);
  }

  fnd::dist::DistNode* dist_ = nullptr;  // set by Attach, before the root starts
  std::map<Key, fnd::Pid> local_;        // this node's subscriptions: the latest incarnation per member
  std::set<std::string> synced_;         // nodes sent our subscriptions since they came up
  std::set<fnd::Pid> watched_;
};

}  // namespace

SocietySync::SocietySync(fnd::Node& node) : node_(node) {
  (void)fnd::dist::register_message<SocietySubscribed>("fnd.SocietySubscribed");
  agent_ = node.spawn<SocietyAgent>();
  if (auto r = node.register_name(kSocietyAgent, agent_); !r)
    fnd::log::error("cluster: society agent not registered: " + r.error().to_string());
}

void SocietySync::attach(fnd::dist::DistNode& dist) {
  fnd::send(agent_, Attach{&dist});
  // Called on the network thread: only a message to the agent, which does the sending.
  dist.subscribe([agent = agent_](const fnd::dist::NodeEvent& e) {
    if (e.kind == fnd::dist::NodeEventKind::up) fnd::send(agent, NodeUp{e.node});
    if (e.kind == fnd::dist::NodeEventKind::down) fnd::send(agent, NodeDown{e.node});
  });
  fnd::society_remote::set_listener([agent = agent_](const fnd::society_remote::Subscription& s) {
    fnd::send(agent, LocalSubscribed{s});
  });
}

void SocietySync::stop() {
  if (stopped_) return;
  stopped_ = true;
  fnd::society_remote::set_listener({});
  node_.exit(agent_, fnd::ExitReason::shutdown());
}

}  // namespace fnd::lang::cluster_detail
