// Asking node processes from the test thread: a fiber on the test's node does the messaging (only a
// process can receive), the test thread waits for its result.
#pragma once

#include <chrono>
#include <future>
#include <string>

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

}  // namespace fnd::dist::test
