// fnd::Pid: a process identifier. A value (copyable, comparable, hashable) that stays valid after the
// process dies: sends to a dead pid are silently dropped, as in Erlang. It carries a node part so that
// distribution can be added without an API change. Prints as <node.id>, e.g. <0.42> (node 0 = local).
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "fnd/detail/control_block.hpp"

namespace fnd {

class Pid {
 public:
  Pid() noexcept = default;
  Pid(const Pid& o) noexcept : cb_(o.cb_) { detail::retain(cb_); }
  Pid(Pid&& o) noexcept : cb_(o.cb_) { o.cb_ = nullptr; }
  Pid& operator=(const Pid& o) noexcept {
    detail::retain(o.cb_);
    detail::release(cb_);
    cb_ = o.cb_;
    return *this;
  }
  Pid& operator=(Pid&& o) noexcept {
    if (this != &o) {
      detail::release(cb_);
      cb_ = o.cb_;
      o.cb_ = nullptr;
    }
    return *this;
  }
  ~Pid() { detail::release(cb_); }

  // The null pid: refers to no process. Sending to it is a no-op.
  bool is_null() const noexcept { return cb_ == nullptr; }
  explicit operator bool() const noexcept { return cb_ != nullptr; }

  uint64_t id() const noexcept { return cb_ ? cb_->id : 0; }
  uint32_t node() const noexcept { return cb_ ? cb_->node : 0; }
  // Best effort: true while the process has not terminated (it may die right after).
  bool alive() const noexcept { return cb_ && cb_->proc.load(std::memory_order_acquire) != nullptr; }
  // "<0.42>", "<0.0>" for the null pid.
  std::string to_string() const;

  friend bool operator==(const Pid& a, const Pid& b) noexcept { return a.cb_ == b.cb_; }
  friend bool operator!=(const Pid& a, const Pid& b) noexcept { return a.cb_ != b.cb_; }
  friend bool operator<(const Pid& a, const Pid& b) noexcept {
    return a.node() != b.node() ? a.node() < b.node() : a.id() < b.id();
  }

  // Internal: adopt (no retain) / borrow the control block.
  static Pid adopt(detail::ControlBlock* cb) noexcept {
    Pid p;
    p.cb_ = cb;
    return p;
  }
  static Pid share(detail::ControlBlock* cb) noexcept {
    detail::retain(cb);
    return adopt(cb);
  }
  detail::ControlBlock* control_block() const noexcept { return cb_; }
  detail::ControlBlock* detach() noexcept {
    auto* c = cb_;
    cb_ = nullptr;
    return c;
  }

 private:
  detail::ControlBlock* cb_ = nullptr;
};

std::ostream& operator<<(std::ostream& os, const Pid& p);

struct PidHash {
  size_t operator()(const Pid& p) const noexcept { return std::hash<const void*>()(p.control_block()); }
};

}  // namespace fnd

template <>
struct std::hash<fnd::Pid> : fnd::PidHash {};
