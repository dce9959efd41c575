// Society subscriptions across the nodes of a cluster (docs/language.md section 16, "Societies";
// docs/distribution.md, "Society subscriptions across nodes").
//
// Every node of a running cluster has one society agent, a process registered locally as
// kSocietyAgent. The runtime tells it of every local `subscribe` (fnd::society_remote's listener);
// it keeps the node's subscriptions and announces each to the agents of the nodes that are up, and
// sends them all to a node when it comes up (a node started later, or back after a partition) and
// before it first uses a subscription of a node it has not sent them to (so that a subscriber there
// that answers a publish finds the publisher's own subscriptions). An agent adds what it is told to
// fnd::society_remote, so every Society's subscribers() on its node include the members on other
// nodes, and monitors each such incarnation: when it exits, or its node goes down or leaves
// (noconnection), the subscription is forgotten.
#pragma once

#include <cstdint>
#include <string>

#include <fnd/dist/dist.hpp>
#include <fnd/node.hpp>
#include <fnd/pid.hpp>
#include <fnd/ref.hpp>

#include "fnd/lang/codec.hpp"

namespace fnd::lang::cluster_detail {

// The agent's local name on every node (':' cannot occur in the names of a program's processes).
inline constexpr const char* kSocietyAgent = "fnd:society_agent";

// An announcement between agents: member `index` of `society` (its registered name, the same on
// every node), incarnation `pid`, subscribed to `topic`; `node` is the announcing node. On the wire
// as "fnd.SocietySubscribed".
struct SocietySubscribed {
  std::string node;
  std::string society;
  std::string topic;
  std::int64_t index = 0;
  fnd::Ref pid;

  void encode(fnd::lang::Writer& w) const {
    w.put(node);
    w.put(society);
    w.put(topic);
    w.put(index);
    w.put(pid);
  }
  static SocietySubscribed decode(fnd::lang::Reader& r) {
    SocietySubscribed s;
    r.get(s.node);
    r.get(s.society);
    r.get(s.topic);
    r.get(s.index);
    r.get(s.pid);
    return s;
  }
};

// The node's agent. Construct it before the DistNode (so that the agent is registered before any
// announcement can arrive), attach() the DistNode before the root starts, and stop() (or destroy
// it) before the DistNode stops.
class SocietySync {
 public:
  explicit SocietySync(fnd::Node& node);
  ~SocietySync() { stop(); }
  SocietySync(const SocietySync&) = delete;
  SocietySync& operator=(const SocietySync&) = delete;
  void attach(fnd::dist::DistNode& dist);
  void stop();

 private:
  fnd::Node& node_;
  fnd::Pid agent_;
  bool stopped_ = false;
};

}  // namespace fnd::lang::cluster_detail
