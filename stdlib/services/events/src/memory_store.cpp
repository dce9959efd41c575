// The in-memory back end: events in a vector ordered by id (ids only grow, except imported ones,
// which are inserted in place).
#include <algorithm>

#include "fnd/services/errors.hpp"
#include "fnd/services/events.hpp"

namespace fnd::events {
namespace {

class MemoryStore final : public EventStore {
 public:
  explicit MemoryStore(StoreOptions o) : EventStore(std::move(o)) {}

  Result<Event> get(uint64_t id) override {
    std::lock_guard<std::mutex> g(mu_);
    auto it = find(id);
    if (it == ev_.end()) return not_found(id);
    return *it;
  }

  Result<std::vector<Event>> query(const Query& q) override {
    std::vector<const Event*> hits;
    std::lock_guard<std::mutex> g(mu_);
    int64_t from = q.from ? to_ns(*q.from) : INT64_MIN, to = q.to ? to_ns(*q.to) : INT64_MAX;
    for (const Event& e : ev_) {
      if (!q.types.empty() && std::find(q.types.begin(), q.types.end(), e.type) == q.types.end()) continue;
      int64_t w = to_ns(e.wall);
      if (w < from || w > to) continue;
      if (q.correlation_id && e.correlation_id != *q.correlation_id) continue;
      hits.push_back(&e);
    }
    if (q.order == Order::time)
      std::stable_sort(hits.begin(), hits.end(), [](const Event* a, const Event* b) {
        return a->wall != b->wall ? a->wall < b->wall : a->id < b->id;
      });
    if (q.descending) std::reverse(hits.begin(), hits.end());
    std::vector<Event> out;
    size_t end = q.limit ? std::min(hits.size(), q.offset + q.limit) : hits.size();
    for (size_t i = q.offset; i < end; ++i) out.push_back(*hits[i]);
    return out;
  }

  Result<StoreStats> stats() override {
    std::lock_guard<std::mutex> g(mu_);
    StoreStats s;
    s.backend = "memory";
    s.count = ev_.size();
    s.stored = stored_;
    s.pruned = pruned_;
    for (const Event& e : ev_) {
      ++s.by_type[e.type];
      if (!s.oldest || e.wall < *s.oldest) s.oldest = e.wall;
      if (!s.newest || e.wall > *s.newest) s.newest = e.wall;
    }
    return s;
  }

 protected:
  Result<void> insert(std::vector<Event>& events) override {
    // Validate first (all or nothing): an imported id must be free.
    for (const Event& e : events)
      if (!ev_.empty() && e.id <= ev_.back().id && find(e.id) != ev_.end())
        return errors::make(errors::code::validation_failed, "event id " + std::to_string(e.id) + " is taken");
    // Moving leaves each Event's id in place: store_batch reads the ids afterwards.
    for (Event& e : events) {
      if (ev_.empty() || e.id > ev_.back().id) {
        ev_.push_back(std::move(e));
      } else {
        auto at = std::lower_bound(ev_.begin(), ev_.end(), e.id, [](const Event& x, uint64_t id) { return x.id < id; });
        ev_.insert(at, std::move(e));
      }
    }
    return {};
  }
  Result<uint64_t> delete_before(int64_t wall_ns) override {
    return static_cast<uint64_t>(std::erase_if(ev_, [&](const Event& e) { return to_ns(e.wall) < wall_ns; }));
  }
  Result<uint64_t> delete_oldest(uint64_t n) override {
    n = std::min<uint64_t>(n, ev_.size());
    ev_.erase(ev_.begin(), ev_.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }
  uint64_t count_locked() override { return ev_.size(); }

 private:
  std::vector<Event>::iterator find(uint64_t id) {
    auto it = std::lower_bound(ev_.begin(), ev_.end(), id, [](const Event& x, uint64_t v) { return x.id < v; });
    return it != ev_.end() && it->id == id ? it : ev_.end();
  }
  static Error not_found(uint64_t id) {
    return errors::make(errors::code::not_found, "no event " + std::to_string(id)).with("id", std::to_string(id));
  }
  std::vector<Event> ev_;
};

}  // namespace

std::unique_ptr<EventStore> EventStore::in_memory(StoreOptions opts) { return std::make_unique<MemoryStore>(std::move(opts)); }

}  // namespace fnd::events
