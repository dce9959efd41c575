#include "fnd/dist/membership/broadcast_queue.hpp"

#include <algorithm>

namespace fnd::dist::membership {

std::string BroadcastQueue::key_of(const wire::Update& u) {
  if (auto* m = std::get_if<wire::MemberUpdate>(&u)) return "m:" + m->member.id.name;
  const auto& c = std::get<wire::ClaimUpdate>(u);
  return "c:" + c.name + '\0' + c.owner_name + '\0' + std::to_string(c.owner_incarnation) + '\0' +
         std::to_string(c.stamp);
}

void BroadcastQueue::push(wire::Update u) {
  std::string key = key_of(u);
  for (auto& it : items_) {
    if (it.key == key) {
      it.update = std::move(u);
      it.transmits = 0;
      it.order = next_order_++;
      return;
    }
  }
  items_.push_back(Item{std::move(key), std::move(u), 0, next_order_++});
}

void BroadcastQueue::fill(wire::Encoder& e, std::size_t limit, std::uint32_t max_transmits) {
  std::sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) {
    return a.transmits != b.transmits ? a.transmits < b.transmits : a.order > b.order;
  });
  for (auto& it : items_) {
    if (e.append_update(it.update, limit)) ++it.transmits;
  }
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const Item& it) { return it.transmits >= max_transmits; }),
               items_.end());
}

}  // namespace fnd::dist::membership
