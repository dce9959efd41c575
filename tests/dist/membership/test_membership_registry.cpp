// The global name registry: replication by gossip, removal with the owner, the partition rule.
#include <catch2/catch.hpp>

#include "sim_network.hpp"

using namespace fnd::dist::membership;
using namespace fnd::dist::membership::sim;
using namespace std::chrono_literals;

namespace {

void start_cluster(SimNetwork& net, int n) {
  net.add("n0", {});
  for (int i = 1; i < n; ++i) net.add("n" + std::to_string(i), {"n0"});
  REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
}

// Every running node resolves `name` to (owner, pid), or to nothing if owner is empty.
bool everyone_resolves(SimNetwork& net, const std::string& name, const std::string& owner, std::uint64_t pid) {
  for (const auto& n : net.running_names()) {
    auto r = net.node(n).lookup(name);
    if (owner.empty() ? r.has_value() : !(r && r->node.name == owner && r->pid_id == pid)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("registry: register, replicate, reject duplicates, unregister", "[membership][registry]") {
  SimNetwork net(21);
  start_cluster(net, 5);
  REQUIRE(net.node("n2").register_name("db", 77, net.now()) == RegisterError::none);
  CHECK(net.node("n2").lookup("db")->pid_id == 77);  // visible locally at once
  REQUIRE(net.run_until([&] { return everyone_resolves(net, "db", "n2", 77); }, 2s));
  auto r = net.node("n4").lookup("db");
  CHECK(r->node == net.node("n2").self());  // full identity, address included

  CHECK(net.node("n3").register_name("db", 5, net.now()) == RegisterError::already_registered);
  CHECK(net.node("n3").register_name("", 5, net.now()) == RegisterError::invalid_name);
  CHECK(net.node("n3").register_name(std::string(256, 'x'), 5, net.now()) == RegisterError::invalid_name);
  CHECK_FALSE(net.node("n3").unregister_name("db", net.now()));  // not ours

  REQUIRE(net.node("n2").unregister_name("db", net.now()));
  REQUIRE(net.run_until([&] { return everyone_resolves(net, "db", "", 0); }, 2s));
  // The name is free again, for anyone.
  REQUIRE(net.node("n3").register_name("db", 9, net.now()) == RegisterError::none);
  REQUIRE(net.run_until([&] { return everyone_resolves(net, "db", "n3", 9); }, 2s));
  net.run_for(5s);
  CHECK(everyone_resolves(net, "db", "n3", 9));

  // Subscribers heard registered/unregistered.
  auto seen = [&](const std::string& obs, RegistryEventKind k, const std::string& owner) {
    for (const auto& e : net.registry_events)
      if (e.observer == obs && e.event.kind == k && e.event.holder.node.name == owner) return true;
    return false;
  };
  CHECK(seen("n0", RegistryEventKind::registered, "n2"));
  CHECK(seen("n0", RegistryEventKind::unregistered, "n2"));
  CHECK(seen("n0", RegistryEventKind::registered, "n3"));
}

TEST_CASE("registry: a node's names are removed when it goes down", "[membership][registry]") {
  SimNetwork net(22);
  start_cluster(net, 4);
  REQUIRE(net.node("n3").register_name("cache", 1, net.now()) == RegisterError::none);
  REQUIRE(net.node("n3").register_name("queue", 2, net.now()) == RegisterError::none);
  REQUIRE(net.run_until([&] { return everyone_resolves(net, "queue", "n3", 2); }, 2s));
  net.kill("n3");
  REQUIRE(net.run_until([&] { return everyone_resolves(net, "cache", "", 0) && everyone_resolves(net, "queue", "", 0); }, 5s));
  for (const auto& n : net.running_names()) {
    CHECK(net.node(n).member("n3")->status == MemberStatus::down);
    CHECK(net.node(n).registered_names().empty());
  }
  // A restart (new incarnation) does not inherit the names.
  net.add("n3", {"n0"}, 2);
  REQUIRE(net.run_until([&] { return net.converged(); }, 5s));
  net.run_for(3s);
  CHECK(everyone_resolves(net, "cache", "", 0));
}

TEST_CASE("registry: same name registered on both sides of a partition resolves by the rule", "[membership][registry]") {
  SimNetwork net(23);
  start_cluster(net, 6);
  net.partition({{"n0", "n1", "n2"}, {"n3", "n4", "n5"}});
  REQUIRE(net.run_until([&] { return net.node("n0").live_count() == 3 && net.node("n5").live_count() == 3; }, 10s));
  // Lamport stamps: n4 has seen a registration before, so its stamp for "leader" is higher.
  REQUIRE(net.node("n4").register_name("warmup", 1, net.now()) == RegisterError::none);
  REQUIRE(net.node("n4").register_name("leader", 400, net.now()) == RegisterError::none);
  REQUIRE(net.node("n1").register_name("leader", 100, net.now()) == RegisterError::none);
  REQUIRE(net.run_until([&] {
    return net.node("n0").lookup("leader") && net.node("n5").lookup("leader");
  }, 2s));
  CHECK(net.node("n0").lookup("leader")->node.name == "n1");  // each side has its own holder
  CHECK(net.node("n5").lookup("leader")->node.name == "n4");

  net.heal();
  // Winner: smallest (stamp, node name, incarnation) -> n1 (stamp 1 < n4's stamp 2).
  REQUIRE(net.run_until([&] { return net.converged() && everyone_resolves(net, "leader", "n1", 100); },
                        4 * Config{}.sync_interval + 5s));
  net.run_for(5s);
  CHECK(everyone_resolves(net, "leader", "n1", 100));
  CHECK(everyone_resolves(net, "warmup", "n4", 1));  // no conflict: kept through the heal

  // Exactly the loser's node was told, once, with the winner.
  int lost = 0;
  for (const auto& e : net.registry_events) {
    if (e.event.kind != RegistryEventKind::lost) continue;
    ++lost;
    CHECK(e.observer == "n4");
    CHECK(e.event.lost_pid_id == 400);
    CHECK(e.event.holder.node.name == "n1");
    CHECK(e.event.holder.name == "leader");
  }
  CHECK(lost == 1);
}

TEST_CASE("registry: equal stamps are broken by node name", "[membership][registry]") {
  SimNetwork net(24);
  start_cluster(net, 4);
  net.partition({{"n0", "n2"}, {"n1", "n3"}});
  REQUIRE(net.run_until([&] { return net.node("n0").live_count() == 2 && net.node("n3").live_count() == 2; }, 10s));
  // Both first registrations anywhere: both stamps are 1.
  REQUIRE(net.node("n2").register_name("x", 2, net.now()) == RegisterError::none);
  REQUIRE(net.node("n3").register_name("x", 3, net.now()) == RegisterError::none);
  net.heal();
  REQUIRE(net.run_until([&] { return net.converged() && everyone_resolves(net, "x", "n2", 2); },
                        4 * Config{}.sync_interval + 5s));
  net.run_for(3s);
  CHECK(everyone_resolves(net, "x", "n2", 2));
}
