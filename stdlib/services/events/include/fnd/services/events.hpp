// Event store (issue #5): events with id, type, wall and monotonic timestamps, node, process,
// correlation id, parent id and data. Two back ends with one contract:
//   EventStore::open(path)   SQLite (WAL, prepared statements; a batch is one transaction), the
//                            default: survives restarts. ":memory:" gives a private SQLite database.
//   EventStore::in_memory()  a C++ vector, for tests and throw-away runs.
// Storing fills what the caller left empty: id (sequential), timestamps (now), node and process (the
// current process's), and the correlation id (fnd::services::current_correlation(): the id of the
// message being handled), so events from one flow find each other without passing ids around.
//
//   auto store = fnd::events::EventStore::open("events.db").value();
//   store->store({.type = "order.placed", .data = R"({"order":17})"});
//   auto recent = store->query({.types = {"order.placed"}, .order = fnd::events::Order::time,
//                               .descending = true, .limit = 10});
//   store->prune_before(std::chrono::system_clock::now() - 24h);  // returns how many went
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fnd/error.hpp"

namespace fnd::events {

using WallTime = std::chrono::system_clock::time_point;

struct Event {
  uint64_t id = 0;              // assigned by the store (a given id is kept if unused: imports)
  std::string type;             // required, e.g. "order.placed"
  WallTime wall{};              // wall-clock time; now if left at the epoch
  int64_t mono_ns = 0;          // steady-clock time in ns (meaningful within one run); now if 0
  std::string node;             // node name; the current process's node if empty
  std::string process;          // "<0.12>"; the current process if empty
  uint64_t correlation_id = 0;  // current_correlation() if 0
  uint64_t parent_id = 0;       // the event this one follows from (0 = none)
  std::string data;             // payload (JSON by convention; any bytes)

  friend bool operator==(const Event&, const Event&) = default;
};

enum class Order : uint8_t { id, time };  // time: by wall time, then id

struct Query {
  std::vector<std::string> types;            // any of these (empty: all)
  std::optional<WallTime> from, to;          // inclusive at both ends
  std::optional<uint64_t> correlation_id;
  Order order = Order::id;
  bool descending = false;
  size_t offset = 0;
  size_t limit = 0;                          // 0 = no limit
};

struct Retention {
  size_t max_events = 0;                     // keep at most this many (oldest ids go first); 0 = no cap
  std::chrono::seconds max_age{0};           // drop events older than this; 0 = keep
};

struct StoreOptions {
  Retention retention;
  std::string node;                          // node name for events stored from outside processes
};

struct StoreStats {
  uint64_t count = 0;
  uint64_t stored = 0, pruned = 0;           // since this store was opened
  std::optional<WallTime> oldest, newest;
  std::map<std::string, uint64_t> by_type;
  std::string backend;                       // "sqlite:<path>" or "memory"
};

class EventStore {
 public:
  // SQLite at `path` (created if missing; ":memory:" for a private in-memory database).
  static Result<std::unique_ptr<EventStore>> open(const std::string& path, StoreOptions opts = {});
  static std::unique_ptr<EventStore> in_memory(StoreOptions opts = {});
  virtual ~EventStore();

  // Returns the id. Errors: validation_failed (no type, id taken), storage_error.
  Result<uint64_t> store(Event e);
  // All or nothing: every event is stored or none is. Returns the ids in order.
  Result<std::vector<uint64_t>> store_batch(std::vector<Event> events);
  // not_found if there is no such event.
  virtual Result<Event> get(uint64_t id) = 0;
  virtual Result<std::vector<Event>> query(const Query& q) = 0;
  // Every event of a correlation id, oldest first.
  Result<std::vector<Event>> get_by_correlation(uint64_t correlation_id);
  // Deletes events with wall time before `t`; returns how many.
  Result<uint64_t> prune_before(WallTime t);
  // Applies the retention limits now (they are also applied as events are stored); returns how many went.
  Result<uint64_t> apply_retention();
  virtual Result<StoreStats> stats() = 0;

 protected:
  explicit EventStore(StoreOptions opts) : opts_(std::move(opts)) {}
  // Back ends: insert all or nothing (ids are set), delete by time / beyond a count.
  virtual Result<void> insert(std::vector<Event>& events) = 0;
  virtual Result<uint64_t> delete_before(int64_t wall_ns) = 0;
  virtual Result<uint64_t> delete_oldest(uint64_t n) = 0;
  virtual uint64_t count_locked() = 0;
  Result<uint64_t> retention_locked(bool age);

  StoreOptions opts_;
  std::mutex mu_;            // one writer/reader at a time (SQLite connection, vector)
  uint64_t next_id_ = 1;
  uint64_t stored_ = 0, pruned_ = 0, since_age_check_ = 0;
};

// Stores an event of `type` with `data` from the current context (process, node, correlation id).
Result<uint64_t> emit(EventStore& store, std::string type, std::string data = {}, uint64_t parent_id = 0);

int64_t to_ns(WallTime t) noexcept;
WallTime from_ns(int64_t ns) noexcept;

}  // namespace fnd::events
