// Errors: code table, severity, retry policies, retry helper, wrapping with breadcrumbs, formatting.
#include <catch2/catch.hpp>

#include <thread>

#include "fnd/node.hpp"
#include "fnd/services/errors.hpp"

using namespace std::chrono_literals;
namespace er = fnd::errors;

TEST_CASE("the code table has every category with severity and retry") {
  const er::ErrorDef* d = er::find(er::code::config_update_forbidden);
  REQUIRE(d);
  CHECK(d->category == er::Category::config);
  REQUIRE(er::find(er::code::network_error));
  CHECK(er::find(er::code::network_error)->category == er::Category::external);
  CHECK(er::find(er::code::network_error)->retry.kind == fnd::RetryKind::exponential_backoff);
  CHECK(er::find(er::code::validation_failed)->category == er::Category::data);
  CHECK(er::find(er::code::internal_error)->severity == fnd::Severity::critical);
  CHECK(er::find("no_such_code_xyz") == nullptr);
  bool cats[4] = {};
  for (auto& x : er::table()) cats[static_cast<int>(x.category)] = true;
  CHECK((cats[0] && cats[1] && cats[2] && cats[3]));
}

TEST_CASE("user codes can be defined once") {
  REQUIRE(er::define({"quota_exceeded_t", er::Category::external, "billing", fnd::Severity::warning,
                      er::RetryPolicy::fixed(2, 5ms), "quota"}).ok());
  auto again = er::define({"quota_exceeded_t"});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == fnd::errc::already_present);
  fnd::Error e = er::make("quota_exceeded_t", "over");
  CHECK(e.category == "external/billing");
  CHECK(e.severity == fnd::Severity::warning);
  CHECK(er::policy_for(e).kind == fnd::RetryKind::fixed);
  CHECK(er::make("unknown_code_t", "x").category == "user");
}

TEST_CASE("retry policies: immediate, fixed, exponential capped") {
  auto im = er::RetryPolicy::immediate(2);
  CHECK(im.delay_for(1) == 0ms);
  CHECK(im.delay_for(2) == 0ms);
  CHECK_FALSE(im.delay_for(3));
  CHECK(er::RetryPolicy::fixed(3, 50ms).delay_for(3) == 50ms);
  auto ex = er::RetryPolicy::exponential(10, 10ms, 100ms);
  CHECK(ex.delay_for(1) == 10ms);
  CHECK(ex.delay_for(2) == 20ms);
  CHECK(ex.delay_for(4) == 80ms);
  CHECK(ex.delay_for(5) == 100ms);  // capped
  CHECK(ex.delay_for(10) == 100ms);
  CHECK_FALSE(ex.delay_for(11));
  CHECK_FALSE(er::RetryPolicy::none().delay_for(1));
  CHECK(ex.to_string() == "exponential 10ms..100ms x10");
}

TEST_CASE("retry: retries until success with the policy's delays") {
  int calls = 0;
  std::vector<std::chrono::milliseconds> slept;
  auto r = er::retry(
      [&]() -> fnd::Result<int> {
        if (++calls < 4) return er::make(er::code::network_error, "down");
        return 42;
      },
      {.policy = er::RetryPolicy::exponential(5, 10ms, 25ms), .sleep = [&](auto d) { slept.push_back(d); }});
  REQUIRE(r.ok());
  CHECK(*r == 42);
  CHECK(calls == 4);
  CHECK(slept == std::vector<std::chrono::milliseconds>{10ms, 20ms, 25ms});
}

TEST_CASE("retry: gives up after max attempts and reports them; non-retryable errors are not retried") {
  int calls = 0;
  auto r = er::retry([&]() -> fnd::Result<void> { ++calls; return er::make(er::code::timeout, "slow"); },
                     {.policy = er::RetryPolicy::immediate(2)});
  REQUIRE_FALSE(r.ok());
  CHECK(calls == 3);
  CHECK(r.error().context.at("attempts") == "3");

  calls = 0;  // no explicit policy: the table says validation_failed is not retryable
  auto v = er::retry([&]() -> fnd::Result<int> { ++calls; return er::make(er::code::validation_failed, "bad"); });
  CHECK_FALSE(v.ok());
  CHECK(calls == 1);

  calls = 0;  // retry_if filters
  auto f = er::retry([&]() -> fnd::Result<int> { ++calls; return er::make(er::code::not_found, "x"); },
                     {.policy = er::RetryPolicy::immediate(5),
                      .retry_if = [](const fnd::Error& e) { return e.code != er::code::not_found; }});
  CHECK(calls == 1);
}

TEST_CASE("retry inside a fiber suspends instead of blocking its worker") {
  fnd::Node node({.threads = 1});
  std::atomic<int> other{0}, finished{0};
  node.spawn_fiber([&](fnd::Process& p) {
    for (int i = 0; i < 5; ++i) {
      other.fetch_add(1);
      (void)p.receive_for<int>(1ms);
    }
    finished.fetch_add(1);
  });
  std::atomic<int> calls{0};
  std::atomic<bool> ok{false};
  node.spawn_fiber([&](fnd::Process&) {
    auto r = er::retry([&]() -> fnd::Result<int> {
      if (calls.fetch_add(1) < 2) return er::make(er::code::timeout, "t");
      return 1;
    }, {.policy = er::RetryPolicy::fixed(3, 5ms)});
    ok = r.ok();
    finished.fetch_add(1);
  });
  for (int i = 0; i < 20000 && finished.load() < 2; ++i) std::this_thread::sleep_for(1ms);  // waits; no timing check
  CHECK(finished.load() == 2);
  CHECK(ok.load());
  CHECK(other.load() == 5);  // the single worker kept running the ticker while the retrier slept
  CHECK(calls.load() == 3);
}

TEST_CASE("wrap adds context and breadcrumbs; format is human readable") {
  fnd::Error e = er::make(er::code::network_error, "connect refused").with("host", "db1");
  e = er::wrap(std::move(e), "opening session", {{"user", "42"}, {"host", "ignored"}});
  e = er::wrap(std::move(e), "loading profile");
  CHECK(e.code == er::code::network_error);
  CHECK(e.message == "loading profile: opening session: connect refused");
  CHECK(e.context.at("host") == "db1");  // the inner error's value wins
  CHECK(e.context.at("user") == "42");
  CHECK(er::breadcrumbs(e) == std::vector<std::string>{"opening session", "loading profile"});
  std::string f = er::format(e);
  CHECK(f ==
        "error [external/network] network_error: loading profile: opening session: connect refused\n"
        "  context: host=db1, user=42\n"
        "  breadcrumbs: opening session > loading profile\n"
        "  retry: exponential 100ms..10000ms x5");
}
