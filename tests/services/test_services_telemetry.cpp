// Telemetry: metric types with labels, percentiles, spans, Prometheus text, runtime metrics, and
// /metrics scraped over HTTP on loopback.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <future>
#include <thread>

#include "fnd/actor.hpp"
#include "fnd/node.hpp"
#include "fnd/services/telemetry.hpp"
#include "fnd/supervisor.hpp"

using namespace std::chrono_literals;
namespace tm_ = fnd::telemetry;

namespace {
bool has_line(const std::string& text, const std::string& prefix) {
  size_t p = 0;
  while ((p = text.find(prefix, p)) != std::string::npos) {
    if (p == 0 || text[p - 1] == '\n') return true;
    ++p;
  }
  return false;
}
double sample(const std::string& text, const std::string& series) {  // value of "series value"
  size_t p = 0;
  while ((p = text.find(series + " ", p)) != std::string::npos) {
    if (p == 0 || text[p - 1] == '\n') return std::stod(text.substr(p + series.size() + 1));
    ++p;
  }
  return NAN;
}
std::string http_get(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size()));
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}
struct Sink : fnd::Actor {
  void on_message(fnd::Message&) override {}
};
struct Crasher : fnd::Actor {
  void on_message(fnd::Message&) override { crash("deliberate"); }
};
}  // namespace

TEST_CASE("counters and gauges with labels") {
  tm_::Registry r;
  auto& get = r.counter("http_requests_total", {{"method", "get"}}, "requests");
  auto& post = r.counter("http_requests_total", {{"method", "post"}});
  get.inc();
  get.inc(4);
  post.inc();
  CHECK(get.value() == 5);
  CHECK(&r.counter("http_requests_total", {{"method", "get"}}) == &get);  // the same metric
  auto& g = r.gauge("queue_depth");
  g.set(3);
  g.inc();
  g.add(-2.5);
  CHECK(g.value() == 1.5);
  CHECK_THROWS_AS(r.gauge("http_requests_total"), std::invalid_argument);  // a counter already
  CHECK_THROWS_AS(r.counter("bad name"), std::invalid_argument);
  std::string t = r.text();
  CHECK(has_line(t, "# TYPE http_requests_total counter"));
  CHECK(sample(t, "http_requests_total{method=\"get\"}") == 5);
  CHECK(sample(t, "http_requests_total{method=\"post\"}") == 1);
  CHECK(sample(t, "queue_depth") == 1.5);
}

TEST_CASE("counters sum over threads") {
  tm_::Registry r;
  auto& c = r.counter("c");
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      for (int j = 0; j < 10000; ++j) c.inc();
    });
  for (auto& t : ts) t.join();
  CHECK(c.value() == 40000);
}

TEST_CASE("histograms: fixed and exponential buckets, p50/p90/p99, exposition") {
  tm_::Histogram h(tm_::Buckets::linear(10, 10, 10));  // 10, 20, ..., 100
  for (int v = 1; v <= 100; ++v) h.observe(v);
  CHECK(h.count() == 100);
  CHECK(h.sum() == 5050);
  CHECK(h.p50() == Approx(50));
  CHECK(h.p90() == Approx(90));
  CHECK(h.p99() == Approx(99));
  h.observe(1000);  // beyond the last bound: the largest value observed
  CHECK(h.percentile(1.0) == 1000);
  CHECK(std::isnan(tm_::Histogram(tm_::Buckets::fixed({1})).p50()));

  auto e = tm_::Buckets::exponential(1, 2, 4);
  CHECK(e.bounds == std::vector<double>{1, 2, 4, 8});
  tm_::Registry r;
  auto& lat = r.histogram("latency_seconds", {{"op", "read"}}, tm_::Buckets::fixed({0.1, 0.5, 1}));
  lat.observe(0.05);
  lat.observe(0.3);
  lat.observe(0.3);
  lat.observe(7);
  std::string t = r.text();
  CHECK(has_line(t, "# TYPE latency_seconds histogram"));
  CHECK(sample(t, "latency_seconds_bucket{op=\"read\",le=\"0.1\"}") == 1);
  CHECK(sample(t, "latency_seconds_bucket{op=\"read\",le=\"0.5\"}") == 3);
  CHECK(sample(t, "latency_seconds_bucket{op=\"read\",le=\"+Inf\"}") == 4);
  CHECK(sample(t, "latency_seconds_count{op=\"read\"}") == 4);
  CHECK(sample(t, "latency_seconds_sum{op=\"read\"}") == Approx(7.65));
  CHECK(sample(t, "latency_seconds_percentile{op=\"read\",quantile=\"0.5\"}") == Approx(0.3));
}

TEST_CASE("measure records duration and outcome, rethrows exceptions, emits the event") {
  tm_::Registry r;
  int events = 0, exceptions = 0;
  auto h = tm_::attach("db_query", [&](std::string_view, const tm_::Measurements& m) {
    ++events;
    for (auto& [k, v] : m)
      if (k == "exception") exceptions += static_cast<int>(v);
  });
  int v = tm_::measure(r, "db_query", {{"table", "users"}}, [] { return 3; });
  CHECK(v == 3);
  auto failed = tm_::measure(r, "db_query", {{"table", "users"}}, []() -> fnd::Result<int> { return fnd::Error("x", "y"); });
  CHECK_FALSE(failed.ok());
  CHECK_THROWS_AS(tm_::measure(r, "db_query", {{"table", "users"}}, []() -> int { throw std::runtime_error("e"); }),
                  std::runtime_error);
  tm_::detach(h);
  CHECK(events == 3);
  CHECK(exceptions == 1);
  for (auto* o : {"ok", "error", "exception"}) {
    CHECK(r.counter("db_query_total", {{"table", "users"}, {"outcome", o}}).value() == 1);
    CHECK(r.histogram("db_query_duration_seconds", {{"table", "users"}, {"outcome", o}}).count() == 1);
  }
}

TEST_CASE("runtime metrics: processes, mailbox depths, messages, restarts, utilisation") {
  fnd::Node node({.threads = 2});
  tm_::Registry r;
  tm_::RuntimeMetrics rm(r, node);
  fnd::SupervisorSpec spec{.name = "tm_sup", .intensity = 100, .children = {fnd::worker<Crasher>("c")}};
  auto sup = fnd::start_supervisor(node, spec);
  REQUIRE(sup.ok());
  fnd::log::set_sink([](fnd::log::Level, std::string_view) {});  // crash reports
  fnd::Pid crashed;
  for (int i = 0; i < 3; ++i) {
    // The restart is counted before the new child is registered under the name: a send to the name in
    // between would be dropped. So each round waits for the next incarnation and sends to it.
    fnd::Pid c;
    for (int k = 0; k < 5000; ++k) {
      c = node.whereis("tm_sup.c");
      if (c && c != crashed) break;
      std::this_thread::sleep_for(1ms);  // waits for the child (not a timing assertion)
    }
    REQUIRE(c);
    crashed = c;
    node.send(c, 1);
    for (int k = 0; k < 5000 && r.counter("fnd_supervisor_restarts_total").value() < static_cast<uint64_t>(i + 1); ++k)
      std::this_thread::sleep_for(1ms);  // waits for the restart (not a timing assertion)
  }
  fnd::log::set_sink({});
  auto sink = node.spawn<Sink>();
  for (int i = 0; i < 1000; ++i) node.send(sink, i);
  for (int k = 0; k < 5000 && node.mailbox_depth(sink) != 0; ++k) std::this_thread::sleep_for(1ms);
  std::string t = r.text();
  CHECK(sample(t, "fnd_processes") == node.process_count());
  CHECK(sample(t, "fnd_workers") == 2);
  CHECK(sample(t, "fnd_supervisor_restarts_total") == 3);
  CHECK(sample(t, "fnd_process_crashes_total") == 3);
  CHECK(sample(t, "fnd_messages_handled_total") >= 1000);
  CHECK(has_line(t, "fnd_messages_per_second "));
  CHECK(has_line(t, "fnd_mailbox_depth_total "));
  CHECK(has_line(t, "fnd_mailbox_depth_max "));
  double u = sample(t, "fnd_scheduler_utilisation{worker=\"0\"}");
  CHECK((u >= 0 && u <= 1));
  CHECK(sample(t, "fnd_telemetry_events_total{event=\"fnd.supervisor.restart\"}") == 3);
}

TEST_CASE("runtime metrics: messages bounded mailboxes dropped are counted") {
  fnd::Node node({.threads = 1});
  tm_::Registry r;
  tm_::RuntimeMetrics rm(r, node);
  fnd::SpawnOptions o;
  o.mailbox = {2, fnd::OverflowPolicy::drop_newest};
  std::promise<void> go;
  std::shared_future<void> gate = go.get_future().share();
  // Blocks its worker until all sends are done, so exactly 2 fit and 8 are dropped.
  auto f = node.spawn_fiber([gate](fnd::Process& p) {
    gate.wait();
    while (p.receive_for<int>(fnd::Duration(0))) {
    }
  }, o);
  for (int i = 0; i < 10; ++i) node.send(f, i);
  CHECK(sample(r.text(), "fnd_mailbox_dropped_total") == 8);
  go.set_value();
  CHECK(sample(r.text(), "fnd_mailbox_dropped_total") == 8);  // a counter: the same at the next collection
  CHECK(sample(r.text(), "fnd_mailbox_rejected_total") == 0);
}

TEST_CASE("runtime metrics: mailbox depth of a process that is not running") {
  fnd::Node node({.threads = 1});
  tm_::Registry r;
  tm_::RuntimeMetrics rm(r, node);
  // A fiber that never receives: its mailbox only grows.
  auto f = node.spawn_fiber([](fnd::Process& p) { (void)p.receive<double>(); });
  for (int i = 0; i < 25; ++i) node.send(f, i);
  for (int k = 0; k < 5000 && node.mailbox_depth(f) < 25; ++k) std::this_thread::sleep_for(1ms);
  std::string t = r.text();
  CHECK(sample(t, "fnd_mailbox_depth_max") >= 25);
  CHECK(sample(t, "fnd_mailbox_depth_total") >= 25);
  node.send(f, 1.0);
}

TEST_CASE("/metrics scraped over HTTP shows the runtime's metrics") {
  fnd::Node node({.threads = 2});
  tm_::Registry reg;
  auto t = tm_::start(node, {.registry = &reg, .metrics_address = "127.0.0.1:0"});
  REQUIRE(t.ok());
  uint16_t port = (*t)->metrics_port();
  REQUIRE(port != 0);
  reg.counter("app_jobs_total", {{"kind", "import"}}).inc(2);
  auto sink = node.spawn<Sink>();
  node.send(sink, 1);
  std::string resp = http_get(port, "/metrics");
  REQUIRE(resp.rfind("HTTP/1.1 200", 0) == 0);
  std::string body = resp.substr(resp.find("\r\n\r\n") + 4);
  CHECK(has_line(body, "# TYPE fnd_processes gauge"));
  CHECK(sample(body, "fnd_processes") >= 1);
  CHECK(has_line(body, "fnd_messages_per_second "));
  CHECK(has_line(body, "fnd_scheduler_utilisation{worker=\"1\"} "));
  CHECK(has_line(body, "fnd_supervisor_restarts_total "));
  CHECK(sample(body, "app_jobs_total{kind=\"import\"}") == 2);
  CHECK(http_get(port, "/nope").rfind("HTTP/1.1 404", 0) == 0);
}

TEST_CASE("the metrics endpoint reports an address it cannot use") {
  tm_::Registry reg;
  auto a = tm_::MetricsServer::start(reg, "127.0.0.1:0");
  REQUIRE(a.ok());
  auto b = tm_::MetricsServer::start(reg, "127.0.0.1:" + std::to_string((*a)->port()));
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().code == "initialization_failed");
}
