// Asking node processes from the test thread: a fiber on the test's node does the messaging (only a
// process can receive), the test thread waits for its result. And this node's membership view.
#pragma once

#include <algorithm>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "fnd/dist/dist.hpp"
#include "fnd/fnd.hpp"

namespace fnd::dist::test {

// Runs fn(process) in a fiber on node and returns its result.
template <class R, class F>
R in_fiber(Node& node, F fn) {
  std::promise<R> done;
  auto f = done.get_future();
  node.spawn_fiber([&](Process& p) { done.set_value(fn(p)); });
  return f.get();
}

// Sends text to the process registered as `name` on node `to` and returns the string it answers
// ("no reply" if none comes within the limit, a hang guard).
inline std::string ask(Node& node, DistNode& dist, const std::string& to, const std::string& name,
                       const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  return in_fiber<std::string>(node, [&](Process& p) {
    (void)dist.send(to, name, text);
    auto s = p.receive_for<std::string>(limit);
    return s ? *s : std::string("no reply");
  });
}

// The names of the members SWIM holds alive at `dist`, sorted and comma-separated ("b,c"): the form
// dist_test_node's "view" process answers in, so views of several nodes compare as strings.
inline std::string alive_members(const DistNode& dist) {
  std::vector<std::string> v;
  for (auto& m : dist.members())
    if (m.status == membership::MemberStatus::alive) v.push_back(m.id.name);
  std::sort(v.begin(), v.end());
  std::string s;
  for (auto& n : v) s += (s.empty() ? "" : ",") + n;
  return s;
}

}  // namespace fnd::dist::test
