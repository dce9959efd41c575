// Updates waiting to be piggybacked (SWIM's dissemination component). Each update is sent a bounded
// number of times, least-sent first; a newer update about the same member or claim replaces the
// queued one, so the queue holds at most one entry per member and per claim.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fnd/dist/membership/wire.hpp"

namespace fnd::dist::membership {

class BroadcastQueue {
 public:
  void push(wire::Update u);
  // Appends as many queued updates as fit under `limit` bytes, least-transmitted (then newest)
  // first; each appended one counts a transmission and is dropped after `max_transmits`.
  void fill(wire::Encoder& e, std::size_t limit, std::uint32_t max_transmits);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }

 private:
  static std::string key_of(const wire::Update& u);
  struct Item {
    std::string key;
    wire::Update update;
    std::uint32_t transmits = 0;
    std::uint64_t order = 0;
  };
  std::vector<Item> items_;
  std::uint64_t next_order_ = 0;
};

}  // namespace fnd::dist::membership
