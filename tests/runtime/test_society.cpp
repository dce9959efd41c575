// fnd::Society (fnd/society.hpp), the society state both back ends share, and the subscriptions of
// members on other nodes that the cluster layer keeps (fnd/society_remote.hpp): member names and
// order, role lists, neighbours, subscriptions per incarnation in member order, remote subscribers
// merged in member order and forgotten by pid, the listener of local subscribes, the pending slot.
#include <thread>

#include "helpers.hpp"

#include "fnd/society.hpp"
#include "fnd/society_remote.hpp"

namespace {

std::vector<std::string> names(const std::vector<fnd::Ref>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) out.emplace_back(r.name());
  return out;
}

// A process that waits until it is told to stop.
fnd::Pid idle(fnd::Node& node) {
  return node.spawn_fiber([](fnd::Process& p) { (void)p.receive(); });
}

void wait_dead(const fnd::Pid& p) {
  for (int i = 0; i < 2000 && p.alive(); ++i) std::this_thread::sleep_for(1ms);  // safety limit, not timing
  REQUIRE_FALSE(p.alive());
}

}  // namespace

TEST_CASE("society: members in role order, role lists, neighbours") {
  fnd::Society s("App.swarm", fnd::SocietyTopology::ring);
  s.add_role("workers", 3);
  s.add_role("lead", 1);
  CHECK(names(s.members()) == std::vector<std::string>{"App.swarm.workers.0", "App.swarm.workers.1",
                                                        "App.swarm.workers.2", "App.swarm.lead.0"});
  CHECK(names(s.role_members("lead")) == std::vector<std::string>{"App.swarm.lead.0"});
  CHECK(s.role_members("nobody").empty());
  REQUIRE(s.find_role("workers"));
  CHECK(s.find_role("workers")->first == 0);
  CHECK(s.find_role("lead")->first == 3);
  CHECK(names(s.neighbors(3)) == std::vector<std::string>{"App.swarm.workers.2", "App.swarm.workers.0"});
  CHECK(s.neighbors(4).empty());
}

TEST_CASE("society: subscribers in member order, per incarnation; remote ones merged and forgotten") {
  fnd::Node node{{.threads = 2}};
  fnd::Society s("S", fnd::SocietyTopology::pub_sub);
  s.add_role("m", 4);
  fnd::Pid p0 = idle(node), p2 = idle(node), p2b = idle(node), far = idle(node), far2 = idle(node);

  s.subscribe(2, p2, "t");
  s.subscribe(0, p0, "t");
  CHECK(s.subscribers("t") == std::vector<fnd::Pid>{p0, p2});
  CHECK(s.subscribers("other").empty());
  s.subscribe(2, p2b, "t");  // a new incarnation of member 2 replaces the old one
  CHECK(s.subscribers("t") == std::vector<fnd::Pid>{p0, p2b});

  // Members 1 and 3 on other nodes (pids of local processes stand in for remote ones here).
  fnd::society_remote::add({"S", "t", 3, far2});
  fnd::society_remote::add({"S", "t", 1, far});
  fnd::society_remote::add({"S", "t", 1, far});  // told twice (a sync and the announcement): kept once
  fnd::society_remote::add({"Other", "t", 1, far2});
  CHECK(s.subscribers("t") == std::vector<fnd::Pid>{p0, far, p2b, far2});
  CHECK(fnd::society_remote::all().size() == 3);
  fnd::society_remote::remove_pid(far2);  // it exited, or its node went down
  CHECK(s.subscribers("t") == std::vector<fnd::Pid>{p0, far, p2b});
  CHECK(fnd::society_remote::all().size() == 1);
  fnd::society_remote::remove_pid(far);
  CHECK(fnd::society_remote::all().empty());

  // A local subscriber that exited is not published to.
  node.exit(p0, fnd::ExitReason::kill());
  wait_dead(p0);
  CHECK(s.subscribers("t") == std::vector<fnd::Pid>{p2b});
  for (const auto& p : {p2, p2b, far, far2}) node.exit(p, fnd::ExitReason::kill());
}

TEST_CASE("society: local subscribes reach the listener while it is set") {
  fnd::Node node{{.threads = 2}};
  fnd::Society s("L", fnd::SocietyTopology::mesh);
  s.add_role("m", 2);
  fnd::Pid p = idle(node);
  std::vector<fnd::society_remote::Subscription> heard;
  fnd::society_remote::set_listener([&](const fnd::society_remote::Subscription& x) { heard.push_back(x); });
  s.subscribe(1, p, "news");
  fnd::society_remote::set_listener({});
  s.subscribe(0, p, "news");
  REQUIRE(heard.size() == 1);
  CHECK(heard[0].society == "L");
  CHECK(heard[0].topic == "news");
  CHECK(heard[0].index == 1);
  CHECK(heard[0].pid == p);
  node.exit(p, fnd::ExitReason::kill());
}

TEST_CASE("society: the pending membership is taken once, on the thread that set it") {
  auto s = std::make_shared<fnd::Society>("P", fnd::SocietyTopology::mesh);
  fnd::set_pending_society_membership({s, 5});
  std::thread([] { CHECK_FALSE(fnd::take_pending_society_membership().society); }).join();
  fnd::SocietyMembership m = fnd::take_pending_society_membership();
  CHECK(m.society == s);
  CHECK(m.index == 5);
  CHECK_FALSE(fnd::take_pending_society_membership().society);
}
