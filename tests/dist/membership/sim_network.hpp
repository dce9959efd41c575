// An in-process simulated network of membership state machines: a deterministic discrete-event
// scheduler (simulated time, seeded randomness) with fault injection (loss, delay, partitions,
// killed and restarted nodes). Same seed, same run.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fnd/dist/membership/membership.hpp"

namespace fnd::dist::membership::sim {

using namespace std::chrono_literals;

struct ObservedEvent {
  Time at;
  std::string observer;
  MembershipEvent event;
};

struct ObservedRegistryEvent {
  Time at;
  std::string observer;
  RegistryEvent event;
};

class SimNetwork {
 public:
  explicit SimNetwork(std::uint64_t seed, Config config = {});

  static std::string address_of(const std::string& name) { return "sim://" + name; }

  // Starts a node (address derived from the name) that joins through the given seed node names.
  Membership& add(const std::string& name, const std::vector<std::string>& seed_names, std::uint64_t incarnation = 1);
  // The process dies: no more ticks, datagrams to it are lost. Its state machine is discarded.
  void kill(const std::string& name);
  void leave(const std::string& name);
  bool running(const std::string& name) const;
  Membership& node(const std::string& name);
  std::vector<std::string> running_names() const;

  void run_for(Duration d);
  // Runs until pred() holds (checked after every step) or `limit` of simulated time passed.
  bool run_until(const std::function<bool()>& pred, Duration limit);
  Time now() const { return now_; }

  // Faults.
  double drop_rate = 0.0;
  Duration min_delay = 1ms;
  Duration max_delay = 5ms;
  void partition(const std::vector<std::set<std::string>>& groups);  // nodes in no group: isolated
  void heal() {
    group_of_.clear();
    cut_.clear();
  }
  // Every datagram to `name` takes `extra` longer (a node that is slow to read its input).
  void slow(const std::string& name, Duration extra) { extra_delay_[name] = extra; }
  // Cuts one direction between two nodes (everything else still flows).
  void cut(const std::string& from, const std::string& to) { cut_.insert({from, to}); }

  // Every running node sees every other running node alive or suspect (same incarnation), and
  // nothing else as live.
  bool converged() const;

  std::vector<ObservedEvent> events;
  std::vector<ObservedRegistryEvent> registry_events;
  std::uint64_t delivered = 0;
  std::uint64_t delivered_bytes = 0;
  std::uint64_t dropped = 0;

  // Injects raw bytes into a node as if received (fuzzing).
  void inject(const std::string& to, std::vector<std::uint8_t> bytes);

 private:
  struct Flight {
    Time at;
    std::uint64_t order;
    std::string from, to;  // node names
    wire::Bytes bytes;
    bool operator>(const Flight& o) const { return at != o.at ? at > o.at : order > o.order; }
  };
  struct SimNode {
    std::unique_ptr<Membership> machine;
    bool running = false;
  };

  bool step(Time end);
  void flush(const std::string& name);
  bool blocked(const std::string& from, const std::string& to) const;

  Config config_;
  std::mt19937_64 rng_;
  Time now_{};
  std::uint64_t order_ = 0;
  std::map<std::string, SimNode> nodes_;
  std::map<std::string, std::string> name_of_address_;
  std::map<std::string, int> group_of_;
  std::set<std::pair<std::string, std::string>> cut_;
  std::map<std::string, Duration> extra_delay_;
  std::priority_queue<Flight, std::vector<Flight>, std::greater<Flight>> flights_;
};

}  // namespace fnd::dist::membership::sim
