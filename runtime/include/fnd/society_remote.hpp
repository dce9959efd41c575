// Society subscriptions across the nodes of a cluster (docs/language.md section 16, "Societies";
// docs/distribution.md, "Society subscriptions across nodes"). The runtime knows nothing of the
// network: the cluster layer (stdlib/cpp/cluster/society_sync.cpp) installs a listener that hears of
// every local subscribe and tells the other nodes, and adds here what other nodes told it. Every
// Society's subscribers() then includes the members on other nodes that subscribed to the topic in
// the society of the same name, so a publish reaches them by pid (a remote pid sends over the wire).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "fnd/pid.hpp"

namespace fnd::society_remote {

struct Subscription {
  std::string society;  // the society's registered name, the same on every node
  std::string topic;
  std::size_t index = 0;  // the member's index in member order
  Pid pid;                // the incarnation that subscribed
};

// Called (on the subscribing process's thread) for every subscribe of a local member while set;
// must not block. An empty function removes the listener.
void set_listener(std::function<void(const Subscription&)> listener);

// A member on another node subscribed. Kept until remove_pid(pid); adding it again is a no-op.
void add(Subscription s);
// That incarnation is gone (it exited, or its node went down): its subscriptions are forgotten.
void remove_pid(const Pid& pid);
// Everything added and not removed (for tests and diagnostics).
std::vector<Subscription> all();

namespace detail {
// For Society: announces a local subscribe to the listener, if any.
void notify(const Subscription& s);
// For Society::subscribers: appends (index, pid) of the remote subscribers of `topic` in `society`.
void append_subscribers(const std::string& society, std::string_view topic,
                        std::vector<std::pair<std::size_t, Pid>>& out);
}  // namespace detail

}  // namespace fnd::society_remote
