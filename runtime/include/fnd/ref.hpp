// fnd::Ref: where a message goes. Either a Pid, or a registered name resolved at every send, so that a
// supervised child's name always reaches its current incarnation. Names are interned (a Ref copies one
// pointer). Generated code uses Ref for supervised children: Ref::name("sup.child").
#pragma once

#include <string>
#include <string_view>

#include "fnd/pid.hpp"

namespace fnd {

class Ref {
 public:
  Ref() = default;
  Ref(Pid pid) : pid_(std::move(pid)) {}  // NOLINT: implicit by design, send() takes Pid or Ref
  // The interned name (the same string_view storage for equal names, alive for the program's life).
  static Ref name(std::string_view n);

  bool is_name() const noexcept { return name_ != nullptr; }
  bool is_pid() const noexcept { return name_ == nullptr; }
  const Pid& pid() const noexcept { return pid_; }
  std::string_view name() const noexcept { return name_ ? std::string_view(*name_) : std::string_view(); }
  std::string to_string() const { return name_ ? *name_ : pid_.to_string(); }

  friend bool operator==(const Ref& a, const Ref& b) noexcept { return a.name_ == b.name_ && a.pid_ == b.pid_; }

 private:
  Pid pid_;
  const std::string* name_ = nullptr;
};

}  // namespace fnd
