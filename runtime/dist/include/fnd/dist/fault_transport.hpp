// An in-process network with injected faults, behind the same Transport interface as ZeroMQ, for
// deterministic tests of the link layer and of whole nodes: drop, duplicate, delay, reorder and
// partition (by glob patterns on node names). Every random decision comes from one seeded generator.
//
//   fnd::dist::FaultNet net(42);
//   net.set_rules({.drop = 0.2, .duplicate = 0.1, .reorder = 0.1});
//   DistNode a(node_a, {.name = "a", .bind = "fault://a"}, net.make_transport());
//   net.partition("a", "b*");  ...  net.heal();
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fnd/dist/transport.hpp"

namespace fnd::dist {

struct FaultRules {
  double drop = 0;       // probability a packet is lost
  double duplicate = 0;  // probability it arrives twice
  double reorder = 0;    // probability it is held back by reorder_delay (so later packets pass it)
  std::chrono::microseconds delay{0};          // added to every packet
  std::chrono::microseconds reorder_delay{3000};
};

class FaultNet {
 public:
  explicit FaultNet(uint64_t seed = 1);
  ~FaultNet();
  void set_rules(FaultRules rules);
  // Cuts traffic both ways between nodes whose names match pattern a and those matching b (fnmatch).
  void partition(std::string a, std::string b);
  void heal();
  struct Counters {
    uint64_t sent = 0, delivered = 0, dropped = 0, duplicated = 0, reordered = 0, partitioned = 0;
  };
  Counters counters() const;
  // A transport on this network; bind("name", "fault://<anything>") makes it reachable at that address.
  std::unique_ptr<Transport> make_transport();

  struct Endpoint;  // internal
  std::shared_ptr<Endpoint> find(const std::string& address);
  void route(const std::string& from, const std::string& to_node, const std::string& to_address,
             zmq::message_t&& packet);
  void add(const std::string& address, std::shared_ptr<Endpoint> ep);
  void remove(const std::string& address);

 private:
  bool cut(const std::string& a, const std::string& b) const;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  FaultRules rules_;
  std::vector<std::pair<std::string, std::string>> partitions_;
  std::unordered_map<std::string, std::shared_ptr<Endpoint>> endpoints_;
  Counters counters_;
};

}  // namespace fnd::dist
