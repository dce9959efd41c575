// The SQLite back end: one connection in WAL mode (synchronous=NORMAL: durable across process
// crashes, a power cut may lose the last transactions), prepared statements, a batch in one
// transaction. Indexes: wall time, (type, wall time), (correlation id, wall time) for non-zero ids.
#include <sqlite3.h>

#include <string>

#include "fnd/services/errors.hpp"
#include "fnd/services/events.hpp"

namespace fnd::events {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  id             INTEGER PRIMARY KEY,
  type           TEXT    NOT NULL,
  wall_ns        INTEGER NOT NULL,
  mono_ns        INTEGER NOT NULL,
  node           TEXT    NOT NULL,
  process        TEXT    NOT NULL,
  correlation_id INTEGER NOT NULL,
  parent_id      INTEGER NOT NULL,
  data           BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS events_wall ON events(wall_ns);
CREATE INDEX IF NOT EXISTS events_type ON events(type, wall_ns);
CREATE INDEX IF NOT EXISTS events_corr ON events(correlation_id, wall_ns) WHERE correlation_id != 0;
)sql";

constexpr const char* kColumns = "id, type, wall_ns, mono_ns, node, process, correlation_id, parent_id, data";

class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt*& ref() { return s_; }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class SqliteStore final : public EventStore {
 public:
  SqliteStore(std::string path, StoreOptions o) : EventStore(std::move(o)), path_(std::move(path)) {}
  // close_v2: the connection closes once the statements (members, finalized after this) are gone.
  ~SqliteStore() override {
    if (db_) sqlite3_close_v2(db_);
  }

  Result<void> open() {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) return fail_db("opening " + path_);
    sqlite3_busy_timeout(db_, 5000);
    if (auto r = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"); !r) return r;
    if (auto r = exec(kSchema); !r) return r;
    if (auto r = prepare("INSERT INTO events (" + std::string(kColumns) + ") VALUES (?,?,?,?,?,?,?,?,?)", insert_); !r) return r;
    if (auto r = prepare("SELECT " + std::string(kColumns) + " FROM events WHERE id = ?", get_); !r) return r;
    Stmt max;
    if (auto r = prepare("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM events", max); !r) return r;
    if (sqlite3_step(max.get()) != SQLITE_ROW) return fail_db("reading the last id");
    next_id_ = static_cast<uint64_t>(sqlite3_column_int64(max.get(), 0)) + 1;
    count_ = static_cast<uint64_t>(sqlite3_column_int64(max.get(), 1));
    return {};
  }

  Result<Event> get(uint64_t id) override {
    std::lock_guard<std::mutex> g(mu_);
    sqlite3_stmt* s = get_.get();
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, static_cast<int64_t>(id));
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      Event e = row(s);
      sqlite3_reset(s);
      return e;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return fail_db("reading event " + std::to_string(id));
    return errors::make(errors::code::not_found, "no event " + std::to_string(id)).with("id", std::to_string(id));
  }

  Result<std::vector<Event>> query(const Query& q) override {
    std::string sql = "SELECT " + std::string(kColumns) + " FROM events WHERE 1";
    if (!q.types.empty()) {
      sql += " AND type IN (";
      for (size_t i = 0; i < q.types.size(); ++i) sql += i ? ",?" : "?";
      sql += ")";
    }
    if (q.from) sql += " AND wall_ns >= ?";
    if (q.to) sql += " AND wall_ns <= ?";
    if (q.correlation_id) sql += " AND correlation_id = ?";
    const char* dir = q.descending ? " DESC" : " ASC";
    sql += q.order == Order::time ? std::string(" ORDER BY wall_ns") + dir + ", id" + dir : std::string(" ORDER BY id") + dir;
    sql += " LIMIT ? OFFSET ?";
    std::lock_guard<std::mutex> g(mu_);
    Stmt st;
    if (auto r = prepare(sql, st); !r) return r.error();
    sqlite3_stmt* s = st.get();
    int i = 1;
    for (auto& t : q.types) sqlite3_bind_text(s, i++, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
    if (q.from) sqlite3_bind_int64(s, i++, to_ns(*q.from));
    if (q.to) sqlite3_bind_int64(s, i++, to_ns(*q.to));
    if (q.correlation_id) sqlite3_bind_int64(s, i++, static_cast<int64_t>(*q.correlation_id));
    sqlite3_bind_int64(s, i++, q.limit ? static_cast<int64_t>(q.limit) : -1);
    sqlite3_bind_int64(s, i++, static_cast<int64_t>(q.offset));
    std::vector<Event> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(row(s));
    if (rc != SQLITE_DONE) return fail_db("querying events");
    return out;
  }

  Result<StoreStats> stats() override {
    std::lock_guard<std::mutex> g(mu_);
    StoreStats st;
    st.backend = "sqlite:" + path_;
    st.stored = stored_;
    st.pruned = pruned_;
    Stmt s;
    if (auto r = prepare("SELECT COUNT(*), MIN(wall_ns), MAX(wall_ns) FROM events", s); !r) return r.error();
    if (sqlite3_step(s.get()) != SQLITE_ROW) return fail_db("reading stats");
    st.count = static_cast<uint64_t>(sqlite3_column_int64(s.get(), 0));
    if (st.count) {
      st.oldest = from_ns(sqlite3_column_int64(s.get(), 1));
      st.newest = from_ns(sqlite3_column_int64(s.get(), 2));
    }
    Stmt t;
    if (auto r = prepare("SELECT type, COUNT(*) FROM events GROUP BY type", t); !r) return r.error();
    while (sqlite3_step(t.get()) == SQLITE_ROW)
      st.by_type[reinterpret_cast<const char*>(sqlite3_column_text(t.get(), 0))] =
          static_cast<uint64_t>(sqlite3_column_int64(t.get(), 1));
    return st;
  }

 protected:
  Result<void> insert(std::vector<Event>& events) override {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
    sqlite3_stmt* s = insert_.get();
    for (const Event& e : events) {
      sqlite3_reset(s);
      sqlite3_bind_int64(s, 1, static_cast<int64_t>(e.id));
      sqlite3_bind_text(s, 2, e.type.data(), static_cast<int>(e.type.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 3, to_ns(e.wall));
      sqlite3_bind_int64(s, 4, e.mono_ns);
      sqlite3_bind_text(s, 5, e.node.data(), static_cast<int>(e.node.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 6, e.process.data(), static_cast<int>(e.process.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 7, static_cast<int64_t>(e.correlation_id));
      sqlite3_bind_int64(s, 8, static_cast<int64_t>(e.parent_id));
      sqlite3_bind_blob(s, 9, e.data.data(), static_cast<int>(e.data.size()), SQLITE_STATIC);
      int rc = sqlite3_step(s);
      if (rc != SQLITE_DONE) {
        Error err = rc == SQLITE_CONSTRAINT
                        ? errors::make(errors::code::validation_failed, "event id " + std::to_string(e.id) + " is taken")
                        : fail_db("storing events");
        sqlite3_reset(s);
        (void)exec("ROLLBACK");
        return err;
      }
    }
    sqlite3_reset(s);
    if (auto r = exec("COMMIT"); !r) {
      (void)exec("ROLLBACK");
      return r;
    }
    count_ += events.size();
    return {};
  }

  Result<uint64_t> delete_before(int64_t wall_ns) override {
    Stmt s;
    if (auto r = prepare("DELETE FROM events WHERE wall_ns < ?", s); !r) return r.error();
    sqlite3_bind_int64(s.get(), 1, wall_ns);
    return changes(s, "pruning events");
  }
  Result<uint64_t> delete_oldest(uint64_t n) override {
    Stmt s;
    if (auto r = prepare("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?)", s); !r)
      return r.error();
    sqlite3_bind_int64(s.get(), 1, static_cast<int64_t>(n));
    return changes(s, "applying the retention limit");
  }
  uint64_t count_locked() override { return count_; }

 private:
  Result<uint64_t> changes(Stmt& s, const std::string& what) {
    if (sqlite3_step(s.get()) != SQLITE_DONE) return fail_db(what);
    auto n = static_cast<uint64_t>(sqlite3_changes(db_));
    count_ -= std::min(count_, n);
    return n;
  }
  static Event row(sqlite3_stmt* s) {
    auto text = [&](int c) {
      const char* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
      return std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(s, c)));
    };
    Event e;
    e.id = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
    e.type = text(1);
    e.wall = from_ns(sqlite3_column_int64(s, 2));
    e.mono_ns = sqlite3_column_int64(s, 3);
    e.node = text(4);
    e.process = text(5);
    e.correlation_id = static_cast<uint64_t>(sqlite3_column_int64(s, 6));
    e.parent_id = static_cast<uint64_t>(sqlite3_column_int64(s, 7));
    const void* b = sqlite3_column_blob(s, 8);
    e.data.assign(static_cast<const char*>(b ? b : ""), static_cast<size_t>(sqlite3_column_bytes(s, 8)));
    return e;
  }
  Result<void> exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "unknown";
      sqlite3_free(msg);
      return errors::make(errors::code::storage_error, "sqlite " + path_ + ": " + m);
    }
    return {};
  }
  Result<void> prepare(const std::string& sql, Stmt& st) {
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st.ref(), nullptr) != SQLITE_OK)
      return fail_db("preparing a statement");
    return {};
  }
  Error fail_db(const std::string& what) {
    std::string m = db_ ? sqlite3_errmsg(db_) : "out of memory";
    return errors::make(errors::code::storage_error, "sqlite " + path_ + ": " + what + ": " + m).with("path", path_);
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  Stmt insert_, get_;
  uint64_t count_ = 0;
};

}  // namespace

Result<std::unique_ptr<EventStore>> EventStore::open(const std::string& path, StoreOptions opts) {
  auto s = std::make_unique<SqliteStore>(path, std::move(opts));
  if (auto r = s->open(); !r) return r.error();
  return std::unique_ptr<EventStore>(std::move(s));
}

}  // namespace fnd::events
