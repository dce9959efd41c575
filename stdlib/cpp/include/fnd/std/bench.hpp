// The C++ part of std.bench (stdlib/std/bench.fnd): the Stopwatch extern actor.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "std.bench.fnd.hpp"

namespace std_::bench {

class Stopwatch : public fnd::Actor {
 public:
  explicit Stopwatch(std::string name) : name_(std::move(name)), start_(std::chrono::steady_clock::now()) {}

  void on_message(fnd::Message& m) override {
    if (auto* d = m.try_get<BenchDone>()) {
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      fnd::lang::print("RESULT " + name_ + " " + std::to_string(d->result));
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6f", seconds);
      fnd::lang::print("TIME " + name_ + " " + buf);
      node().shutdown(0);
    }
  }

 private:
  std::string name_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace std_::bench
