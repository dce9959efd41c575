// Polls a condition until it holds or a hang guard runs out: the tests wait for events that another
// process or thread makes happen, never for a fixed time.
#pragma once

#include <chrono>
#include <thread>

namespace fnd::dist::test {

template <class F>
bool eventually(F f, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

}  // namespace fnd::dist::test
