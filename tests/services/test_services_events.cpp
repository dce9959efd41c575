// Event store: the same contract for the SQLite and the in-memory back end; SQLite survives a restart;
// correlation ids flow from the message being handled.
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>
#include <unistd.h>

#include "fnd/actor.hpp"
#include "fnd/node.hpp"
#include "fnd/services/correlation.hpp"
#include "fnd/services/events.hpp"

using namespace std::chrono_literals;
namespace ev = fnd::events;

namespace {
std::unique_ptr<ev::EventStore> make_store(const std::string& kind, ev::StoreOptions o = {}) {
  if (kind == "memory") return ev::EventStore::in_memory(o);
  auto s = ev::EventStore::open(":memory:", o);
  REQUIRE(s.ok());
  return std::move(s).value();
}
ev::WallTime at(int sec) { return ev::WallTime{} + std::chrono::hours(24 * 365 * 50) + std::chrono::seconds(sec); }

std::string temp_path(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("fnd-svc-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove(p);
  std::filesystem::remove(p.string() + "-wal");
  std::filesystem::remove(p.string() + "-shm");
  return p.string();
}
}  // namespace

TEST_CASE("event store contract") {
  auto kind = GENERATE(std::string("sqlite"), std::string("memory"));
  SECTION(kind) {
    auto s = make_store(kind);

    SECTION("store fills ids, timestamps and context; get returns the event") {
      auto id = s->store({.type = "user.created", .data = R"({"id":1})"});
      REQUIRE(id.ok());
      CHECK(*id == 1);
      auto e = s->get(*id);
      REQUIRE(e.ok());
      CHECK(e->type == "user.created");
      CHECK(e->data == R"({"id":1})");
      CHECK(e->wall != ev::WallTime{});
      CHECK(e->mono_ns != 0);
      CHECK(s->get(99).error().code == "not_found");
      CHECK(s->store({.type = ""}).error().code == "validation_failed");
    }

    SECTION("query with limit 3 offset 2 ordered by id over ids 1..10 returns 3,4,5") {
      for (int i = 1; i <= 10; ++i) REQUIRE(s->store({.type = "t", .wall = at(100 - i)}).ok());
      auto r = s->query({.order = ev::Order::id, .offset = 2, .limit = 3});
      REQUIRE(r.ok());
      REQUIRE(r->size() == 3);
      CHECK((*r)[0].id == 3);
      CHECK((*r)[1].id == 4);
      CHECK((*r)[2].id == 5);
      auto t = s->query({.order = ev::Order::time, .limit = 2});  // times run backwards to ids
      CHECK(t->at(0).id == 10);
      CHECK(t->at(1).id == 9);
      auto d = s->query({.order = ev::Order::id, .descending = true, .limit = 1});
      CHECK(d->at(0).id == 10);
    }

    SECTION("a time-range query includes both ends; types filter") {
      for (int i = 0; i < 10; ++i) REQUIRE(s->store({.type = i % 2 ? "odd" : "even", .wall = at(i)}).ok());
      auto r = s->query({.from = at(2), .to = at(5)});
      REQUIRE(r->size() == 4);
      CHECK(r->front().wall == at(2));
      CHECK(r->back().wall == at(5));
      auto odd = s->query({.types = {"odd"}, .from = at(2), .to = at(5)});
      REQUIRE(odd->size() == 2);
      CHECK(odd->at(0).wall == at(3));
      CHECK(s->query({.types = {"odd", "even"}})->size() == 10);
    }

    SECTION("store_batch is all or nothing") {
      auto ok = s->store_batch({{.type = "a"}, {.type = "b"}});
      REQUIRE(ok.ok());
      CHECK(*ok == std::vector<uint64_t>{1, 2});
      auto bad = s->store_batch({{.type = "c"}, {.type = ""}, {.type = "d"}});
      CHECK_FALSE(bad.ok());
      auto dup = s->store_batch({{.type = "c"}, {.id = 1, .type = "taken"}});
      CHECK(dup.error().code == "validation_failed");
      CHECK(s->stats()->count == 2);
      CHECK(s->store({.type = "e"}).value() == 3);  // ids of failed batches are not used up
    }

    SECTION("get_by_correlation is time-ordered; prune_before returns the count removed") {
      REQUIRE(s->store({.type = "x", .wall = at(5), .correlation_id = 77}).ok());
      REQUIRE(s->store({.type = "y", .wall = at(1), .correlation_id = 77}).ok());
      REQUIRE(s->store({.type = "z", .wall = at(3), .correlation_id = 78}).ok());
      auto c = s->get_by_correlation(77);
      REQUIRE(c->size() == 2);
      CHECK(c->at(0).type == "y");
      CHECK(c->at(1).type == "x");
      auto n = s->prune_before(at(4));
      REQUIRE(n.ok());
      CHECK(*n == 2);
      CHECK(s->stats()->count == 1);
      CHECK(s->prune_before(at(4)).value() == 0);
    }

    SECTION("retention: max events keeps the newest") {
      auto r = make_store(kind, {.retention = {.max_events = 5}});
      for (int i = 0; i < 12; ++i) REQUIRE(r->store({.type = "t"}).ok());
      auto st = r->stats();
      CHECK(st->count == 5);
      CHECK(st->pruned == 7);
      CHECK(r->query({})->front().id == 8);
    }

    SECTION("retention: max age via apply_retention") {
      auto r = make_store(kind, {.retention = {.max_age = 3600s}});
      REQUIRE(r->store({.type = "old", .wall = std::chrono::system_clock::now() - 2h}).ok());
      REQUIRE(r->store({.type = "new"}).ok());
      CHECK(r->apply_retention().value() == 1);
      CHECK(r->stats()->by_type == std::map<std::string, uint64_t>{{"new", 1}});
    }
  }
}

TEST_CASE("the SQLite event store survives a restart") {
  std::string path = temp_path("restart.db");
  std::vector<ev::Event> before;
  {
    auto s = ev::EventStore::open(path).value();
    REQUIRE(s->store_batch({{.type = "a", .correlation_id = 5, .data = "one"}, {.type = "b", .parent_id = 1}}).ok());
    before = s->query({}).value();
  }
  {
    auto s = ev::EventStore::open(path).value();  // as a restarted node would
    auto after = s->query({});
    REQUIRE(after.ok());
    CHECK(*after == before);
    CHECK(s->store({.type = "c"}).value() == 3);  // ids continue
    CHECK(s->stats()->backend == "sqlite:" + path);
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
}

TEST_CASE("opening an unusable path is a storage_error naming it") {
  auto s = ev::EventStore::open("/nonexistent-dir-fnd/x/events.db");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == "storage_error");
  CHECK(s.error().message.find("/nonexistent-dir-fnd/x/events.db") != std::string::npos);
}

namespace {
struct Forward {
  int n;
};
// Emits an event for each int it handles and forwards to `next` (keeping the correlation id).
struct Stage : fnd::Actor {
  ev::EventStore* store;
  fnd::Pid next;
  std::string name;
  Stage(ev::EventStore* s, fnd::Pid n, std::string nm) : store(s), next(std::move(n)), name(std::move(nm)) {}
  void on_message(fnd::Message& m) override {
    if (auto* f = m.try_get<Forward>()) {
      (void)ev::emit(*store, name, std::to_string(f->n));
      if (next) fnd::services::send_correlated(next, Forward{f->n + 1});
    } else if (m.is<std::string>()) {  // a call
      (void)ev::emit(*store, name + ".call");
      reply(std::string("ok"));
    }
  }
};

// The same with a plain send: the request context carries the id.
struct PlainStage : fnd::Actor {
  ev::EventStore* store;
  fnd::Pid next;
  std::string name;
  PlainStage(ev::EventStore* s, fnd::Pid n, std::string nm) : store(s), next(std::move(n)), name(std::move(nm)) {}
  void on_message(fnd::Message& m) override {
    if (auto* f = m.try_get<Forward>()) {
      (void)ev::emit(*store, name, std::to_string(f->n));
      if (next) send(next, Forward{f->n + 1});
    }
  }
};

std::vector<ev::Event> wait_for_events(ev::EventStore& s, size_t n) {
  for (int i = 0; i < 5000; ++i) {  // waits for work to finish; not a timing assertion
    auto r = s.query({});
    if (r->size() >= n) return *r;
    std::this_thread::sleep_for(1ms);
  }
  return s.query({}).value();
}
}  // namespace

TEST_CASE("an event emitted while handling a message carries that message's correlation id") {
  auto store = ev::EventStore::in_memory();
  fnd::Node node({.threads = 2, .name = "evnode"});
  fnd::Pid second = node.spawn<Stage>(store.get(), fnd::Pid(), std::string("second"));
  fnd::Pid first = node.spawn<Stage>(store.get(), second, std::string("first"));
  uint64_t corr = fnd::services::new_correlation_id();
  REQUIRE(corr != 0);
  {
    fnd::services::CorrelationScope scope(corr);  // outside processes: the thread's scope
    fnd::services::send_correlated(first, Forward{1});
  }
  auto evs = wait_for_events(*store, 2);
  REQUIRE(evs.size() == 2);
  for (auto& e : evs) {
    CHECK(e.correlation_id == corr);  // the second stage got it through send_correlated's default
    CHECK(e.node == "evnode");
    CHECK(e.process.front() == '<');
  }
  CHECK(evs[0].process == first.to_string());
  CHECK(evs[1].process == second.to_string());

  // A call's request id is the correlation id of the handler's events; a fiber's events carry the id
  // of the message it received last.
  std::atomic<uint64_t> fiber_corr{0};
  node.spawn_fiber([&](fnd::Process& p) {
    auto r = p.call<std::string>(first, std::string("q"), 5s);
    CHECK(r.ok());
    uint64_t c = fnd::services::new_correlation_id();
    fiber_corr = c;
    fnd::services::send_correlated(p.self(), Forward{0}, c);
    (void)p.receive<Forward>();
    (void)ev::emit(*store, "fiber");
  });
  auto all = wait_for_events(*store, 4);
  REQUIRE(all.size() == 4);
  CHECK(all[2].type == "first.call");
  CHECK(all[2].correlation_id != 0);
  CHECK(all[2].correlation_id != corr);
  CHECK(all[3].type == "fiber");
  CHECK(all[3].correlation_id == fiber_corr.load());
  CHECK(fnd::services::current_correlation() == 0);  // the scope ended
}

TEST_CASE("a plain send from a correlated handler keeps the correlation id") {
  auto store = ev::EventStore::in_memory();
  fnd::Node node({.threads = 2, .name = "evnode"});
  fnd::Pid third = node.spawn<PlainStage>(store.get(), fnd::Pid(), std::string("third"));
  fnd::Pid second = node.spawn<PlainStage>(store.get(), third, std::string("second"));
  fnd::Pid first = node.spawn<PlainStage>(store.get(), second, std::string("first"));
  uint64_t corr = fnd::services::new_correlation_id();
  {
    fnd::services::CorrelationScope scope(corr);
    fnd::services::send_correlated(first, Forward{1});
  }
  auto evs = wait_for_events(*store, 3);
  REQUIRE(evs.size() == 3);
  for (auto& e : evs) CHECK(e.correlation_id == corr);
  // Without a correlated start, nothing is correlated.
  node.send(first, Forward{1});
  auto more = wait_for_events(*store, 6);
  REQUIRE(more.size() == 6);
  for (size_t i = 3; i < 6; ++i) CHECK(more[i].correlation_id == 0);
}
