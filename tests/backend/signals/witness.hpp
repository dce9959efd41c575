// The C++ side of `extern actor Witness` (main.fnd): prints its start and its stop (with the exit
// reason), which the language has no handler for. After a Stall message its stop hangs for 30 s,
// as a program stuck while stopping.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include <fnd/lang/value.hpp>

#include "signals.fnd.hpp"

namespace signals {

class Witness : public fnd::Actor {
 public:
  explicit Witness(std::string name) : name_(std::move(name)) {}

  void on_start() override { fnd::lang::print(name_ + " started"); }

  void on_message(fnd::Message& m) override {
    if (m.is<Stall>()) {
      stall_ = true;
      fnd::lang::print(name_ + " will stall");
    }
  }

  void on_stop(const fnd::ExitReason& reason) override {
    fnd::lang::print(name_ + " stopped: " + reason.to_string());
    if (stall_) std::this_thread::sleep_for(std::chrono::seconds(30));
  }

 private:
  std::string name_;
  bool stall_ = false;
};

}  // namespace signals
