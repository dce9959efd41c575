// Property-based tests (RapidCheck): wire round trips, order independence of the registry rule,
// the detection bound over random clusters and kill times, registry agreement after random
// partitions. CTest fixes RC_PARAMS' seed, so CI runs are reproducible; a failure prints the
// shrunk counterexample and its seed.
#include <rapidcheck/catch.h>

#include <algorithm>
#include <random>
#include <set>

#include "fnd/dist/membership/name_table.hpp"
#include "fnd/dist/membership/wire.hpp"
#include "sim_network.hpp"

using namespace fnd::dist::membership;
using namespace fnd::dist::membership::sim;
using namespace fnd::dist::membership::wire;
using namespace std::chrono_literals;

namespace {

std::string gen_string(bool required) {
  auto len = *rc::gen::inRange<std::size_t>(required ? 1 : 0, kMaxString + 1);
  return *rc::gen::container<std::string>(len, rc::gen::arbitrary<char>());
}

NodeId gen_node(bool address_required) {
  NodeId n;
  n.name = gen_string(true);
  n.address = gen_string(address_required);
  n.incarnation = *rc::gen::arbitrary<std::uint64_t>();
  return n;
}

Update gen_update() {
  if (*rc::gen::arbitrary<bool>()) {
    MemberUpdate m;
    m.member.id = gen_node(true);
    m.member.status = static_cast<MemberStatus>(*rc::gen::inRange(0, 4));
    m.member.version = *rc::gen::arbitrary<std::uint64_t>();
    return m;
  }
  ClaimUpdate c;
  c.name = gen_string(true);
  c.owner_name = gen_string(true);
  c.owner_incarnation = *rc::gen::arbitrary<std::uint64_t>();
  c.stamp = *rc::gen::arbitrary<std::uint64_t>();
  c.pid_id = *rc::gen::arbitrary<std::uint64_t>();
  c.removed = *rc::gen::arbitrary<bool>();
  return c;
}

Message gen_message() {
  Message m;
  m.type = static_cast<MessageType>(*rc::gen::inRange(1, 7));
  m.sender = gen_node(true);
  switch (m.type) {
    case MessageType::ping:
      m.seq = *rc::gen::arbitrary<std::uint64_t>();
      m.target = NodeId{gen_string(true), {}, *rc::gen::arbitrary<std::uint64_t>()};
      break;
    case MessageType::ack:
    case MessageType::nack: m.seq = *rc::gen::arbitrary<std::uint64_t>(); break;
    case MessageType::ping_req:
      m.seq = *rc::gen::arbitrary<std::uint64_t>();
      m.target = gen_node(true);
      break;
    case MessageType::gossip: break;
    case MessageType::sync: m.sync_flags = static_cast<std::uint8_t>(*rc::gen::inRange(0, 4)); break;
  }
  auto n = *rc::gen::inRange(0, 12);
  for (int i = 0; i < n; ++i) m.updates.push_back(gen_update());
  return m;
}

// A claim as a node would make it: the pid is fixed by the claim's identity.
ClaimUpdate gen_claim() {
  ClaimUpdate c;
  c.name = *rc::gen::element<std::string>("a", "b", "c");
  c.owner_name = *rc::gen::element<std::string>("n0", "n1", "n2");
  c.owner_incarnation = *rc::gen::inRange<std::uint64_t>(1, 3);
  c.stamp = *rc::gen::inRange<std::uint64_t>(1, 6);
  c.pid_id = std::hash<std::string>{}(c.name + c.owner_name) ^ (c.owner_incarnation * 31 + c.stamp);
  c.removed = *rc::gen::arbitrary<bool>();
  return c;
}

}  // namespace

TEST_CASE("properties: wire codec", "[membership][wire][property]") {
  rc::prop("every message round-trips", [] {
    Message m = gen_message();
    Bytes b = encode(m);
    Message back;
    RC_ASSERT(decode(b, back) == DecodeError::ok);
    RC_ASSERT(back == m);
  });
  rc::prop("every proper prefix of an encoding is rejected", [] {
    Message m = gen_message();
    Bytes b = encode(m);
    auto len = *rc::gen::inRange<std::size_t>(0, b.size());
    Message back;
    RC_ASSERT(decode(std::span(b.data(), len), back) != DecodeError::ok);
  });
  rc::prop("arbitrary bytes decode or are rejected, and what decodes re-encodes identically", [] {
    auto bytes = *rc::gen::container<std::vector<std::uint8_t>>(rc::gen::arbitrary<std::uint8_t>());
    if (*rc::gen::arbitrary<bool>() && bytes.size() >= 4) {  // make it get past the header often
      bytes[0] = kMagic0, bytes[1] = kMagic1, bytes[2] = kVersion;
      bytes[3] = static_cast<std::uint8_t>(*rc::gen::inRange(1, 7));
    }
    Message m;
    if (decode(bytes, m) == DecodeError::ok) RC_ASSERT(encode(m) == bytes);
  });
}

TEST_CASE("properties: registry rule", "[membership][registry][property]") {
  rc::prop("the holder is the smallest live claim, whatever the merge order and duplicates", [] {
    auto claims = *rc::gen::container<std::vector<ClaimUpdate>>(rc::gen::exec(gen_claim));
    auto order = claims;
    auto extra = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, claims.size() + 1));
    for (auto i : extra)
      if (i < claims.size()) order.push_back(claims[i]);  // duplicates
    std::mt19937_64 rng(*rc::gen::arbitrary<std::uint64_t>());
    std::shuffle(order.begin(), order.end(), rng);

    NameTable a, b;
    for (const auto& c : claims) a.merge(c, Time{});
    for (const auto& c : order) b.merge(c, Time{});
    for (std::string name : {"a", "b", "c"}) {
      // Expected: among claims with no tombstone anywhere, the smallest by (stamp, owner, incarnation).
      const ClaimUpdate* want = nullptr;
      for (const auto& c : claims) {
        if (c.name != name || c.removed) continue;
        bool killed = std::any_of(claims.begin(), claims.end(), [&](const ClaimUpdate& t) {
          return t.removed && t.name == c.name && t.owner_name == c.owner_name &&
                 t.owner_incarnation == c.owner_incarnation && t.stamp == c.stamp;
        });
        if (!killed && (!want || NameTable::precedes(c, *want))) want = &c;
      }
      const ClaimUpdate* ha = a.holder(name);
      const ClaimUpdate* hb = b.holder(name);
      RC_ASSERT((ha == nullptr) == (want == nullptr));
      RC_ASSERT((hb == nullptr) == (want == nullptr));
      if (want) {
        RC_ASSERT(*ha == *want);
        RC_ASSERT(*hb == *want);
      }
    }
  });
}

TEST_CASE("properties: detection bound and registry agreement in the simulated network", "[membership][property]") {
  rc::prop("a killed node is first declared down within worst_case_detection(n)", [] {
    const int n = *rc::gen::inRange(3, 11);
    SimNetwork net(*rc::gen::arbitrary<std::uint64_t>());
    net.add("n0", {});
    for (int i = 1; i < n; ++i) net.add("n" + std::to_string(i), {"n0"});
    RC_ASSERT(net.run_until([&] { return net.converged(); }, 10s));
    net.run_for(1s + std::chrono::milliseconds(*rc::gen::inRange(0, 2000)));
    const std::string victim = "n" + std::to_string(*rc::gen::inRange(0, n));
    const Time killed = net.now();
    const std::size_t from = net.events.size();
    net.kill(victim);
    auto first_down = [&]() -> std::optional<Time> {
      for (std::size_t i = from; i < net.events.size(); ++i)
        if (net.events[i].event.kind == EventKind::down && net.events[i].event.node.name == victim) return net.events[i].at;
      return std::nullopt;
    };
    RC_ASSERT(net.run_until([&] { return first_down().has_value(); }, 20s));
    RC_ASSERT(*first_down() - killed <= Config{}.worst_case_detection(static_cast<std::size_t>(n)));
  });

  rc::prop("after a partition heals, every node resolves each name alike and each loser is told once", [] {
    const int n = *rc::gen::inRange(4, 9);
    SimNetwork net(*rc::gen::arbitrary<std::uint64_t>());
    net.add("n0", {});
    for (int i = 1; i < n; ++i) net.add("n" + std::to_string(i), {"n0"});
    RC_ASSERT(net.run_until([&] { return net.converged(); }, 10s));
    std::set<std::string> left, right;
    for (int i = 0; i < n; ++i) (*rc::gen::arbitrary<bool>() ? left : right).insert("n" + std::to_string(i));
    net.partition({left, right});
    net.run_for(5s);  // both sides declare the other down (D(8) < 3 s)

    struct Reg {
      std::string node, name;
      std::uint64_t pid;
    };
    std::vector<Reg> ok;
    const int regs = *rc::gen::inRange(1, 9);
    for (int i = 0; i < regs; ++i) {
      Reg r{"n" + std::to_string(*rc::gen::inRange(0, n)), *rc::gen::element<std::string>("x", "y"),
            static_cast<std::uint64_t>(100 + i)};
      if (net.node(r.node).register_name(r.name, r.pid, net.now()) == RegisterError::none) ok.push_back(r);
      net.run_for(std::chrono::milliseconds(*rc::gen::inRange(0, 400)));
    }
    net.heal();
    auto agreed = [&] {
      if (!net.converged()) return false;
      for (std::string name : {"x", "y"}) {
        auto ref = net.node("n0").lookup(name);
        for (const auto& node : net.running_names())
          if (net.node(node).lookup(name) != ref) return false;
      }
      return true;
    };
    RC_ASSERT(net.run_until(agreed, 20s));
    net.run_for(3s);  // withdrawals and `lost` notices settle
    RC_ASSERT(agreed());
    for (std::string name : {"x", "y"}) {
      auto holder = net.node("n0").lookup(name);
      int made = 0;
      for (const auto& r : ok) made += r.name == name;
      RC_ASSERT(holder.has_value() == (made > 0));
      if (!holder) continue;
      // The holder is one of the registrations; every other one was withdrawn with one `lost`.
      RC_ASSERT(std::any_of(ok.begin(), ok.end(), [&](const Reg& r) {
        return r.name == name && r.node == holder->node.name && r.pid == holder->pid_id;
      }));
      for (const auto& r : ok) {
        if (r.name != name || r.pid == holder->pid_id) continue;
        auto lost = std::count_if(net.registry_events.begin(), net.registry_events.end(), [&](const ObservedRegistryEvent& e) {
          return e.observer == r.node && e.event.kind == RegistryEventKind::lost && e.event.lost_pid_id == r.pid;
        });
        RC_ASSERT(lost == 1);
        RC_ASSERT(lost == 1 && std::none_of(net.registry_events.begin(), net.registry_events.end(), [&](const ObservedRegistryEvent& e) {
          return e.event.kind == RegistryEventKind::lost && e.event.lost_pid_id == holder->pid_id &&
                 e.observer == holder->node.name;
        }));
      }
    }
  });
}
