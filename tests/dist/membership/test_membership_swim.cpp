// SWIM membership and failure detection in the simulated network (simulated time only).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>

#include "sim_network.hpp"

using namespace fnd::dist::membership;
using namespace fnd::dist::membership::sim;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("n" + std::to_string(i));
  return out;
}

// n0 is the seed of n1..; every third node also lists n1 (seeds may be down or late).
void start_cluster(SimNetwork& net, int n) {
  auto ns = names(n);
  net.add(ns[0], {});
  for (int i = 1; i < n; ++i) net.add(ns[i], i % 3 == 0 ? std::vector<std::string>{"n1", "n0"} : std::vector<std::string>{"n0"});
}

std::size_t count(const SimNetwork& net, EventKind k, const std::string& about, std::uint64_t incarnation = 0) {
  return std::count_if(net.events.begin(), net.events.end(), [&](const ObservedEvent& e) {
    return e.event.kind == k && e.event.node.name == about && (!incarnation || e.event.node.incarnation == incarnation);
  });
}

std::optional<Time> first(const SimNetwork& net, EventKind k, const std::string& about, Time after = Time::min()) {
  for (const auto& e : net.events)
    if (e.at >= after && e.event.kind == k && e.event.node.name == about) return e.at;
  return std::nullopt;
}

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

TEST_CASE("config: defaults are valid, bad values are named, bound formula", "[membership]") {
  Config c;
  CHECK_FALSE(c.validate());
  // The defaults meet the 3 s target in the worst case up to 10 nodes.
  CHECK(c.worst_case_detection(10) < 3s);
  CHECK(c.worst_case_detection(3) == 3 * c.probe_interval + c.suspicion_timeout(3));
  CHECK(c.suspicion_timeout(5) == 4 * c.probe_interval);
  CHECK(c.suspicion_timeout(100) == 8 * c.probe_interval);  // log10 scaling
  CHECK(c.retransmit_limit(5) == 4);
  CHECK(c.retransmit_limit(50) == 8);

  Config bad = c;
  bad.probe_timeout = bad.probe_interval;
  REQUIRE(bad.validate());
  CHECK(bad.validate()->find("probe_timeout") != std::string::npos);
  CHECK_THROWS_AS(Membership(NodeId{"a", "x", 1}, bad, 1), std::invalid_argument);
  CHECK_THROWS_AS(Membership(NodeId{"", "x", 1}, c, 1), std::invalid_argument);
  bad = c;
  bad.max_datagram_bytes = 100;
  CHECK(bad.validate());
  bad = c;
  bad.awareness_max = 0;
  REQUIRE(bad.validate());
  CHECK(bad.validate()->find("awareness_max") != std::string::npos);
}

TEST_CASE("joins through seeds converge to the full membership", "[membership]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    SimNetwork net(seed);
    start_cluster(net, 8);
    REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
    INFO("seed " << seed << " converged at " << ms(net.now()) << " ms");
    CHECK(net.now() < 3s);
    net.run_for(10s);
    CHECK(net.converged());
    for (const auto& e : net.events) CHECK(e.event.kind == EventKind::up);  // no suspicion on a clean net
    // Each node saw each other node come up exactly once.
    for (const auto& n : names(8)) CHECK(count(net, EventKind::up, n) == 7);
  }
}

TEST_CASE("a killed node is declared down within the bound derived from the config", "[membership]") {
  Duration worst_first{}, worst_all{};
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SimNetwork net(seed);
    const int n = 8;
    start_cluster(net, n);
    REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
    net.run_for(std::chrono::milliseconds(1000 + 37 * seed));  // kill at varying phases
    const std::string victim = "n" + std::to_string(seed % n);
    Time killed = net.now();
    net.kill(victim);
    const Duration bound = net.node(victim == "n0" ? "n1" : "n0").config().worst_case_detection(n);
    REQUIRE(net.run_until([&] { return count(net, EventKind::down, victim) == n - 1; }, 10s));
    Duration first_down = *first(net, EventKind::down, victim, killed) - killed;
    Duration all_down = net.now() - killed;
    INFO("seed " << seed << " first down after " << ms(first_down) << " ms, all after " << ms(all_down)
                 << " ms, bound " << ms(bound) << " ms");
    CHECK(first_down <= bound);
    // Every live node holds its own suspicion timer from the first suspect gossip it hears, so all
    // have declared it down at most one suspicion timeout (plus delivery) after the first.
    CHECK(all_down <= bound + net.node("n" + std::to_string((seed + 1) % n)).config().suspicion_timeout(n));
    CHECK(count(net, EventKind::down, victim) == n - 1);
    for (const auto& e : net.events) {
      if (e.event.kind == EventKind::down) CHECK(e.event.node.name == victim);
    }
    worst_first = std::max(worst_first, first_down);
    worst_all = std::max(worst_all, all_down);
  }
  std::printf("membership: 8 nodes, 20 seeds: killed node first declared down after at most %.0f ms, "
              "by all after at most %.0f ms (bound %.0f ms)\n",
              ms(worst_first), ms(worst_all), ms(Config{}.worst_case_detection(8)));
}

TEST_CASE("moderate loss: indirect probes and refutation prevent false downs", "[membership]") {
  std::uint64_t suspicions = 0, refutations = 0;
  for (std::uint64_t seed : {11u, 12u}) {
    SimNetwork net(seed);
    start_cluster(net, 8);
    REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
    net.drop_rate = 0.10;
    net.max_delay = 20ms;
    net.run_for(60s);
    for (const auto& e : net.events) {
      INFO(e.observer << " saw " << to_string(e.event.kind) << " of " << e.event.node.name << " at "
                      << ms(e.at) << " ms");
      CHECK(e.event.kind != EventKind::down);
    }
    for (const auto& n : names(8)) {
      suspicions += net.node(n).stats().suspicions_raised;
      refutations += net.node(n).stats().refutations;
    }
    net.drop_rate = 0;
    net.run_for(3s);
    CHECK(net.converged());
  }
  // The test exercises the mechanism: without suspicions it would prove nothing.
  CHECK(suspicions > 0);
  CHECK(refutations > 0);
  std::printf("membership: 10%% loss, 8 nodes, 2 x 60 s: %llu suspicions, %llu refutations, 0 false downs\n",
              static_cast<unsigned long long>(suspicions), static_cast<unsigned long long>(refutations));
}

TEST_CASE("a node restarted with a new incarnation is a new node", "[membership]") {
  SECTION("restart after the old incarnation was declared down") {
    SimNetwork net(5);
    start_cluster(net, 5);
    REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
    net.kill("n3");
    REQUIRE(net.run_until([&] { return count(net, EventKind::down, "n3", 1) == 4; }, 10s));
    net.add("n3", {"n0"}, 2);
    REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
    CHECK(count(net, EventKind::up, "n3", 2) == 4);
    for (const auto& n : {"n0", "n1", "n2", "n4"}) CHECK(net.node(n).member("n3")->id.incarnation == 2);
  }
  SECTION("restart before the failure was detected: old incarnation down, new one up") {
    SimNetwork net(6);
    start_cluster(net, 5);
    REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
    net.kill("n3");
    net.add("n3", {"n0"}, 2);  // same name and address, at once
    REQUIRE(net.run_until([&] { return count(net, EventKind::up, "n3", 2) == 4; }, 10s));
    CHECK(count(net, EventKind::down, "n3", 1) == 4);  // every old view ended with a down
    net.run_for(5s);
    CHECK(net.converged());
    CHECK(count(net, EventKind::down, "n3", 2) == 0);
    // Probes addressed to the old incarnation reached the new process and were not answered.
    std::uint64_t misdirected = net.node("n3").stats().misdirected_pings;
    INFO("misdirected pings at the new n3: " << misdirected);
    CHECK(misdirected > 0u);
  }
}

TEST_CASE("graceful leave is reported as left, not down", "[membership]") {
  SimNetwork net(7);
  start_cluster(net, 5);
  REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
  Time t = net.now();
  net.leave("n2");
  REQUIRE(net.run_until([&] { return count(net, EventKind::left, "n2") == 4; }, 5s));
  CHECK(net.now() - t < Config{}.probe_interval);  // told directly, not found by probing
  net.run_for(5s);
  CHECK(count(net, EventKind::down, "n2") == 0);
  CHECK(count(net, EventKind::suspect, "n2") == 0);
  CHECK(net.converged());
}

TEST_CASE("partition: each side declares the other down; healing brings everyone back up", "[membership]") {
  SimNetwork net(8);
  start_cluster(net, 6);
  REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
  net.partition({{"n0", "n1", "n2"}, {"n3", "n4", "n5"}});
  REQUIRE(net.run_until([&] { return count(net, EventKind::down, "n0") == 3 && count(net, EventKind::down, "n5") == 3; }, 10s));
  net.run_for(5s);
  CHECK(net.node("n0").live_count() == 3);
  CHECK(net.node("n4").live_count() == 3);
  net.heal();
  // Anti-entropy with members held down finds the other side within a few sync intervals.
  REQUIRE(net.run_until([&] { return net.converged(); }, 4 * Config{}.sync_interval + 5s));
  CHECK(count(net, EventKind::up, "n5") == 5 + 3);  // first join, then back after the heal
}

TEST_CASE("a deterministic run: same seed, same events", "[membership]") {
  auto run = [](std::uint64_t seed) {
    SimNetwork net(seed);
    net.drop_rate = 0.05;
    start_cluster(net, 6);
    net.run_for(3s);
    net.kill("n4");
    net.run_for(5s);
    std::vector<std::string> log;
    for (const auto& e : net.events)
      log.push_back(std::to_string(e.at.count()) + e.observer + to_string(e.event.kind) + e.event.node.name);
    return log;
  };
  CHECK(run(42) == run(42));
  CHECK(run(42) != run(43));
}

TEST_CASE("full-state requests from one address are answered at most once per window", "[membership]") {
  Membership node(NodeId{"me", "tcp://me:1", 1}, Config{}, 3);
  node.start({}, Time{});
  node.take_outgoing();
  wire::Message req;
  req.type = wire::MessageType::sync;
  req.sender = NodeId{"other", "tcp://other:1", 1};
  req.sync_flags = wire::kSyncWantReply;
  req.updates.push_back(wire::MemberUpdate{Member{req.sender, MemberStatus::alive, 0}});
  wire::Bytes bytes = wire::encode(req);
  std::size_t replies = 0;
  for (int i = 0; i < 10; ++i) {
    node.on_datagram(bytes, Time{std::chrono::milliseconds(10 * i)});  // 10 requests within 100 ms
    for (auto& out : node.take_outgoing()) replies += out.to_address == "tcp://other:1";
  }
  CHECK(replies == 1);
  CHECK(node.stats().sync_replies_suppressed == 9);
  node.on_datagram(bytes, Time{std::chrono::milliseconds(400)});  // after join_retry_interval / 2
  for (auto& out : node.take_outgoing()) replies += out.to_address == "tcp://other:1";
  CHECK(replies == 2);
  // The requester itself was learned from its full state.
  CHECK(node.member("other").has_value());
}

TEST_CASE("a seed that starts late is found; a node left alone re-contacts its seeds", "[membership]") {
  SimNetwork net(31);
  net.add("n1", {"n0"});  // n0 is not running yet: datagrams to it are lost
  net.add("n2", {"n0", "n1"});
  REQUIRE(net.run_until([&] { return net.node("n1").member("n2").has_value(); }, 5s));  // via the live seed
  net.run_for(3s);
  CHECK_FALSE(net.node("n1").member("n0"));
  net.add("n0", {});  // the seed appears, knowing nobody
  REQUIRE(net.run_until([&] { return net.converged(); }, 5s));

  // The whole rest of the cluster dies; the survivor keeps knocking on its seeds.
  net.kill("n0");
  net.kill("n2");
  REQUIRE(net.run_until([&] { return net.node("n1").live_count() == 1; }, 5s));
  net.add("n0", {}, 2);  // a restart of the seed with no seeds of its own
  REQUIRE(net.run_until([&] { return net.converged(); }, 2 * Config{}.sync_interval + 1s));
  CHECK(net.node("n0").member("n1")->status == MemberStatus::alive);
}

TEST_CASE("indirect probes: a broken path between two nodes raises no suspicion", "[membership]") {
  SimNetwork net(32);
  start_cluster(net, 5);
  REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
  net.cut("n0", "n1");  // n0's datagrams to n1 are lost (one direction)
  net.cut("n2", "n3");  // and n2's to n3; without indirect probes both pairs would suspect
  net.run_for(30s);
  std::uint64_t indirect = 0;
  for (const auto& n : names(5)) indirect += net.node(n).stats().indirect_probes;
  CHECK(indirect > 0);
  for (const auto& e : net.events) CHECK(e.event.kind == EventKind::up);
  CHECK(net.converged());
}

TEST_CASE("a slow node (input delayed by half the suspicion timeout) is suspected but never declared down", "[membership]") {
  // Returns the suspicions the slow node raised against others.
  auto run = [](Config config) {
    SimNetwork net(33, config);
    start_cluster(net, 6);
    REQUIRE(net.run_until([&] { return net.converged(); }, 10s));
    const std::size_t from = net.events.size();
    net.slow("n3", config.suspicion_timeout(6) / 2);  // 400 ms: every probe of it fails
    net.run_for(30s);
    std::size_t suspects = 0;
    for (std::size_t i = from; i < net.events.size(); ++i) {
      CHECK(net.events[i].event.kind != EventKind::down);
      suspects += net.events[i].event.kind == EventKind::suspect;
    }
    CHECK(suspects > 0);  // it is slower than a protocol period: suspicions must happen, and be refuted
    CHECK(net.converged());
    return net.node("n3").stats().suspicions_raised;
  };
  Config no_health;
  no_health.awareness_max = 1;
  const auto without = run(no_health);
  const auto with = run(Config{});
  INFO("suspicions raised by the slow node: " << without << " without local health, " << with << " with");
  // Lifeguard's local health: the slow node notices (no nacks, refutations) and probes less eagerly.
  CHECK(with * 2 < without);
}

TEST_CASE("a helper of an indirect probe nacks when the target stays silent", "[membership]") {
  Membership helper(NodeId{"h", "tcp://h:1", 1}, Config{}, 4);
  helper.start({}, Time{});
  helper.take_outgoing();
  wire::Message req;
  req.type = wire::MessageType::ping_req;
  req.sender = NodeId{"r", "tcp://r:1", 1};
  req.seq = 41;
  req.target = NodeId{"t", "tcp://t:1", 7};
  helper.on_datagram(wire::encode(req), Time{});
  auto out = helper.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].to_address == "tcp://t:1");  // the relayed ping, for incarnation 7
  wire::Message ping;
  REQUIRE(wire::decode(out[0].bytes, ping) == wire::DecodeError::ok);
  CHECK(ping.type == wire::MessageType::ping);
  CHECK(ping.target.incarnation == 7);

  const Time nack_at{Config{}.probe_timeout * 4 / 5};
  CHECK(helper.next_deadline() == nack_at);
  helper.tick(nack_at - 1ms);
  CHECK(helper.take_outgoing().empty());
  helper.tick(nack_at);
  out = helper.take_outgoing();
  REQUIRE(out.size() == 1);
  wire::Message nack;
  REQUIRE(wire::decode(out[0].bytes, nack) == wire::DecodeError::ok);
  CHECK(out[0].to_address == "tcp://r:1");
  CHECK(nack.type == wire::MessageType::nack);
  CHECK(nack.seq == 41);
  helper.tick(nack_at + 10ms);  // only once
  CHECK(helper.take_outgoing().empty());
}
