// Core services micro-benchmarks with their targets (issue #5) and a named peer where one exists:
//   counter increment, uncontended           < 20 ns     peer: prometheus-cpp Counter::Increment
//   rate limiter check                       < 100 ns
//   event store, SQLite, batches of 1000     >= 200,000 events/s
//   event store, in memory, batches of 1000  >= 1,000,000 events/s
// Prints one line per measurement: `BENCH <name> <value> <unit> [target <t>] [peer <value> ratio <r>]`.
// Usage: fnd_services_bench [scale]   (scale multiplies the iteration counts; default 1)
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>

#include "fnd/services/events.hpp"
#include "fnd/services/protect.hpp"
#include "fnd/services/telemetry.hpp"

using Clock = std::chrono::steady_clock;

namespace {
double scale = 1;

template <class F>
double ns_per_op(size_t n, F&& f) {
  f(n / 10 + 1);  // warm-up
  auto t0 = Clock::now();
  f(n);
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / static_cast<double>(n);
}

// Median of 5 runs.
template <class F>
double median5(F&& f) {
  std::vector<double> v;
  for (int i = 0; i < 5; ++i) v.push_back(f());
  std::sort(v.begin(), v.end());
  return v[2];
}

size_t iters(double base) { return static_cast<size_t>(base * scale); }

void counter() {
  fnd::telemetry::Registry r;
  auto& c = r.counter("bench_total");
  double ours = median5([&] { return ns_per_op(iters(2e7), [&](size_t n) { for (size_t i = 0; i < n; ++i) c.inc(); }); });
  prometheus::Registry pr;
  auto& fam = prometheus::BuildCounter().Name("bench_total").Help("h").Register(pr);
  auto& pc = fam.Add({});
  double peer = median5([&] { return ns_per_op(iters(2e7), [&](size_t n) { for (size_t i = 0; i < n; ++i) pc.Increment(); }); });
  std::printf("BENCH counter_inc %.2f ns/op target <20 peer %.2f ratio %.2f\n", ours, peer, ours / peer);

  // Two threads on one counter: per-thread shards vs one atomic double.
  auto contended = [&](auto&& inc) {
    return median5([&] {
      size_t n = iters(5e6);
      auto t0 = Clock::now();
      std::thread a([&] { for (size_t i = 0; i < n; ++i) inc(); });
      std::thread b([&] { for (size_t i = 0; i < n; ++i) inc(); });
      a.join();
      b.join();
      return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / static_cast<double>(2 * n);
    });
  };
  double ours2 = contended([&] { c.inc(); });
  double peer2 = contended([&] { pc.Increment(); });
  std::printf("BENCH counter_inc_2threads %.2f ns/op peer %.2f ratio %.2f\n", ours2, peer2, ours2 / peer2);

  auto& h = r.histogram("bench_seconds");
  double hist = median5([&] { return ns_per_op(iters(1e7), [&](size_t n) { for (size_t i = 0; i < n; ++i) h.observe(static_cast<double>(i & 1023) * 1e-5); }); });
  std::printf("BENCH histogram_observe %.2f ns/op\n", hist);
}

void limiter() {
  fnd::protect::RateLimiter fw("bench", {.kind = fnd::protect::LimiterKind::fixed_window, .limit = 1u << 30, .window = std::chrono::seconds(3600)});
  double one = median5([&] { return ns_per_op(iters(5e6), [&](size_t n) { for (size_t i = 0; i < n; ++i) (void)fw.check("user-42", "search"); }); });
  std::printf("BENCH rate_limiter_check_fixed_window %.2f ns/op target <100\n", one);
  fnd::protect::RateLimiter tb("bench", {.kind = fnd::protect::LimiterKind::token_bucket, .limit = 1u << 30, .window = std::chrono::seconds(3600)});
  double bucket = median5([&] { return ns_per_op(iters(5e6), [&](size_t n) { for (size_t i = 0; i < n; ++i) (void)tb.check("user-42", "search"); }); });
  std::printf("BENCH rate_limiter_check_token_bucket %.2f ns/op target <100\n", bucket);
  std::vector<std::string> users;
  for (int i = 0; i < 1000; ++i) users.push_back("user-" + std::to_string(i));
  double many = median5([&] { return ns_per_op(iters(5e6), [&](size_t n) { for (size_t i = 0; i < n; ++i) (void)fw.check(users[i % 1000], "search"); }); });
  std::printf("BENCH rate_limiter_check_1000_keys %.2f ns/op target <100\n", many);
}

// Events as an application makes them: correlation ids grow over time (a flow of ~10 events each).
std::vector<fnd::events::Event> batch(size_t n, uint64_t first) {
  std::vector<fnd::events::Event> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i].type = i % 3 ? "order.updated" : "order.placed";
    v[i].correlation_id = (first + i) / 10 + 1;
    v[i].data = R"({"order":)" + std::to_string(i) + R"(,"total":19.99})";
  }
  return v;
}

double events_per_s(fnd::events::EventStore& s, size_t total, size_t per_batch) {
  std::vector<std::vector<fnd::events::Event>> batches;  // built before the clock starts
  for (size_t done = 0; done < total; done += per_batch) batches.push_back(batch(per_batch, done));
  auto t0 = Clock::now();
  for (auto& b : batches) {
    if (!s.store_batch(std::move(b))) {
      std::fprintf(stderr, "store_batch failed\n");
      std::exit(1);
    }
  }
  return static_cast<double>(total) / std::chrono::duration<double>(Clock::now() - t0).count();
}

// The peer: the same rows through a bare prepared-statement loop on the same schema and pragmas
// (what the store costs on top of SQLite itself).
double raw_sqlite_per_s(const std::string& path, size_t total) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
               "CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT NOT NULL, wall_ns INTEGER NOT NULL,"
               " mono_ns INTEGER NOT NULL, node TEXT NOT NULL, process TEXT NOT NULL, correlation_id INTEGER NOT NULL,"
               " parent_id INTEGER NOT NULL, data BLOB NOT NULL);"
               "CREATE INDEX events_wall ON events(wall_ns); CREATE INDEX events_type ON events(type, wall_ns);"
               "CREATE INDEX events_corr ON events(correlation_id, wall_ns) WHERE correlation_id != 0;",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?)", -1, &s, nullptr);
  std::string data = R"({"order":12345,"total":19.99})";
  auto t0 = Clock::now();
  int64_t id = 1;
  for (size_t done = 0; done < total; done += 1000) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    int64_t wall = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (int i = 0; i < 1000; ++i, ++id) {
      sqlite3_reset(s);
      sqlite3_bind_int64(s, 1, id);
      sqlite3_bind_text(s, 2, i % 3 ? "order.updated" : "order.placed", -1, SQLITE_STATIC);
      sqlite3_bind_int64(s, 3, wall);
      sqlite3_bind_int64(s, 4, wall);
      sqlite3_bind_text(s, 5, "fnd", 3, SQLITE_STATIC);
      sqlite3_bind_text(s, 6, "", 0, SQLITE_STATIC);
      sqlite3_bind_int64(s, 7, id / 10 + 1);
      sqlite3_bind_int64(s, 8, 0);
      sqlite3_bind_blob(s, 9, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
      sqlite3_step(s);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double r = static_cast<double>(total) / std::chrono::duration<double>(Clock::now() - t0).count();
  sqlite3_finalize(s);
  sqlite3_close(db);
  return r;
}

void events() {
  size_t total = iters(400000);
  auto dir = std::filesystem::temp_directory_path();
  std::string path = (dir / ("fnd-bench-events-" + std::to_string(::getpid()) + ".db")).string();
  double sqlite;
  {
    auto s = fnd::events::EventStore::open(path).value();
    sqlite = events_per_s(*s, total, 1000);
  }
  for (auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  double raw = raw_sqlite_per_s(path, total);
  for (auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::printf("BENCH event_store_sqlite_batched %.0f events/s target >=200000 peer %.0f ratio %.2f\n", sqlite, raw,
              sqlite / raw);
  double sqlite_mem;
  {
    auto s = fnd::events::EventStore::open(":memory:").value();
    sqlite_mem = events_per_s(*s, total, 1000);
  }
  std::printf("BENCH event_store_sqlite_memory_batched %.0f events/s\n", sqlite_mem);
  double mem;
  {
    auto s = fnd::events::EventStore::in_memory();
    mem = events_per_s(*s, iters(2e6), 1000);
  }
  std::printf("BENCH event_store_memory_batched %.0f events/s target >=1000000\n", mem);
  double single;
  {
    auto s = fnd::events::EventStore::in_memory();
    single = events_per_s(*s, iters(500000), 1);
  }
  std::printf("BENCH event_store_memory_single %.0f events/s\n", single);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) scale = std::atof(argv[1]);
  if (scale <= 0) scale = 1;
  counter();
  limiter();
  events();
}
