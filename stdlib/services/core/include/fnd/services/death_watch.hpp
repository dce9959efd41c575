// DeathWatch: "tell me when this pid dies", built on runtime monitors. A small actor holds one monitor
// per watched pid and calls `on_down(pid)` (on a scheduler worker) when the Down arrives — how the
// services drop dead subscribers and remove dead registry entries. A pid that is already dead is
// reported at once (the monitor delivers Down{noproc}).
//
// Destroy a DeathWatch before its Node: the destructor stops the actor and guarantees that no
// on_down call runs (or starts) after it returns.
#pragma once

#include <functional>
#include <memory>

#include "fnd/node.hpp"

namespace fnd::services {

class DeathWatch {
 public:
  DeathWatch(Node& node, std::function<void(const Pid&)> on_down);
  ~DeathWatch();
  DeathWatch(const DeathWatch&) = delete;
  DeathWatch& operator=(const DeathWatch&) = delete;

  // Watching a pid twice needs two unwatch calls; on_down runs once per death.
  void watch(const Pid& pid);
  void unwatch(const Pid& pid);

  struct State;

 private:
  Node& node_;
  std::shared_ptr<State> st_;
  Pid actor_;
};

}  // namespace fnd::services
