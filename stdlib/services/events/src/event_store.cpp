// The back-end-independent part of the event store: filling events from the current context, id
// assignment, validation, retention.
#include <unordered_set>

#include "fnd/node.hpp"
#include "fnd/services/correlation.hpp"
#include "fnd/services/errors.hpp"
#include "fnd/services/events.hpp"

namespace fnd::events {

int64_t to_ns(WallTime t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
WallTime from_ns(int64_t ns) noexcept {
  return WallTime(std::chrono::duration_cast<WallTime::duration>(std::chrono::nanoseconds(ns)));
}

EventStore::~EventStore() = default;

namespace {
// What the current context contributes to an event (computed once per store/batch).
struct Ambient {
  std::string node, process;
  uint64_t corr;
  WallTime wall;
  int64_t mono;
};
Ambient ambient(const StoreOptions& o) {
  Ambient a;
  detail::NodeImpl* n = detail::current_node();
  a.node = n ? detail::node_of(n).options().name : o.node;
  a.process = services::current_process_string();
  a.corr = services::current_correlation();
  a.wall = std::chrono::system_clock::now();
  a.mono = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return a;
}
}  // namespace

Result<uint64_t> EventStore::store(Event e) {
  std::vector<Event> one;
  one.push_back(std::move(e));
  auto r = store_batch(std::move(one));
  if (!r) return r.error();
  return r->front();
}

Result<std::vector<uint64_t>> EventStore::store_batch(std::vector<Event> events) {
  Ambient a = ambient(opts_);
  for (size_t i = 0; i < events.size(); ++i) {
    Event& e = events[i];
    if (e.type.empty())
      return errors::make(errors::code::validation_failed, "event " + std::to_string(i) + " of the batch has no type")
          .with("index", std::to_string(i));
    if (e.wall == WallTime{}) e.wall = a.wall;
    if (e.mono_ns == 0) e.mono_ns = a.mono;
    if (e.node.empty()) e.node = a.node;
    if (e.process.empty()) e.process = a.process;
    if (e.correlation_id == 0) e.correlation_id = a.corr;
  }
  std::lock_guard<std::mutex> g(mu_);
  uint64_t saved_next = next_id_;
  std::unordered_set<uint64_t> given;
  for (auto& e : events) {
    if (e.id == 0) {
      e.id = next_id_++;
    } else {
      if (e.id >= next_id_) next_id_ = e.id + 1;
      if (!given.insert(e.id).second) {
        next_id_ = saved_next;
        return errors::make(errors::code::validation_failed, "event id " + std::to_string(e.id) + " appears twice in the batch");
      }
    }
  }
  if (auto r = insert(events); !r) {
    next_id_ = saved_next;
    return r.error();
  }
  stored_ += events.size();
  since_age_check_ += events.size();
  bool age = opts_.retention.max_age.count() > 0 && since_age_check_ >= 1024;
  if (age) since_age_check_ = 0;
  if (opts_.retention.max_events || age) (void)retention_locked(age);
  std::vector<uint64_t> ids;
  ids.reserve(events.size());
  for (auto& e : events) ids.push_back(e.id);
  return ids;
}

Result<std::vector<Event>> EventStore::get_by_correlation(uint64_t correlation_id) {
  Query q;
  q.correlation_id = correlation_id;
  q.order = Order::time;
  return query(q);
}

Result<uint64_t> EventStore::prune_before(WallTime t) {
  std::lock_guard<std::mutex> g(mu_);
  auto r = delete_before(to_ns(t));
  if (r) pruned_ += *r;
  return r;
}

Result<uint64_t> EventStore::apply_retention() {
  std::lock_guard<std::mutex> g(mu_);
  return retention_locked(true);
}

Result<uint64_t> EventStore::retention_locked(bool age) {
  uint64_t removed = 0;
  if (age && opts_.retention.max_age.count() > 0) {
    auto r = delete_before(to_ns(std::chrono::system_clock::now() - opts_.retention.max_age));
    if (!r) return r;
    removed += *r;
  }
  if (size_t cap = opts_.retention.max_events) {
    uint64_t n = count_locked();
    if (n > cap) {
      auto r = delete_oldest(n - cap);
      if (!r) return r;
      removed += *r;
    }
  }
  pruned_ += removed;
  return removed;
}

Result<uint64_t> emit(EventStore& store, std::string type, std::string data, uint64_t parent_id) {
  Event e;
  e.type = std::move(type);
  e.data = std::move(data);
  e.parent_id = parent_id;
  return store.store(std::move(e));
}

}  // namespace fnd::events
