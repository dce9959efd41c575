// Config: declared settings, layers, validation, update/reset with subscribers, hot reload of a real
// file edited while the node runs.
#include <limits>
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

#include "fnd/node.hpp"
#include "fnd/services/config.hpp"

using namespace std::chrono_literals;
namespace cf = fnd::config;

namespace {
// Collects the ConfigChanged messages a subscriber fiber receives.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<cf::ConfigChanged> got;
  bool wait_for(size_t n, std::chrono::seconds limit = 20s) {  // waits for work, not a timing check
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, limit, [&] { return got.size() >= n; });
  }
  std::vector<cf::ConfigChanged> snapshot() {
    std::lock_guard<std::mutex> g(mu);
    return got;
  }
};

fnd::Pid subscriber(fnd::Node& node, std::shared_ptr<Inbox> in) {
  return node.spawn_fiber([in](fnd::Process& p) {
    for (;;) {
      auto m = p.receive<cf::ConfigChanged>();
      std::lock_guard<std::mutex> g(in->mu);
      in->got.push_back(std::move(m));
      in->cv.notify_all();
    }
  });
}

void declare_all(cf::Config& c) {
  REQUIRE(c.declare({
                        {.path = {"ai", "planning", "sampling_rate"}, .type = cf::Type::number, .default_value = 0.1,
                         .min = 0.0, .max = 1.0, .updatable = true},
                        {.path = "ai.planning.depth", .type = cf::Type::integer, .default_value = 3, .min = 1, .max = 10, .updatable = true},
                        {.path = "server.port", .type = cf::Type::integer, .default_value = 8080},
                        {.path = "server.mode", .type = cf::Type::string, .default_value = "fast",
                         .one_of = {"fast", "safe"}, .updatable = true},
                        {.path = "log.verbose", .type = cf::Type::boolean, .default_value = false, .updatable = true},
                    })
              .ok());
}

std::string temp_file(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("fnd-cfg-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}
void write_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream(tmp) << text;
  }
  std::filesystem::rename(tmp, path);  // as editors do: a new file renamed over the old one
}
}  // namespace

TEST_CASE("get: defaults, typed access, missing paths name the path, subtrees") {
  fnd::Node node({.threads = 1});
  cf::Config c(node);
  declare_all(c);
  CHECK(c.get({"ai", "planning", "sampling_rate"}).value() == 0.1);
  CHECK(c.get_as<int>("server.port").value() == 8080);
  auto missing = c.get("ai.planning.nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "config_path_not_found");
  CHECK(missing.error().message.find("ai.planning.nope") != std::string::npos);
  CHECK(c.get_or("no.such", 5).get<int>() == 5);
  auto tree = c.get("ai.planning").value();
  CHECK(tree["depth"] == 3);
  CHECK(tree["sampling_rate"] == 0.1);
  CHECK(c.get_as<std::string>("server.port").error().code == "invalid_config_value");
  CHECK(c.snapshot()["server"]["mode"] == "fast");
}

TEST_CASE("declare validates paths, duplicates and defaults") {
  fnd::Node node({.threads = 1});
  cf::Config c(node);
  CHECK(c.declare({.path = "a.b", .type = cf::Type::integer, .default_value = 1}).ok());
  CHECK(c.declare({.path = "a.b", .type = cf::Type::integer, .default_value = 1}).error().code == "already_present");
  CHECK(c.declare({.path = "a.b.c", .default_value = 1}).error().code == "badarg");  // under a setting
  CHECK(c.declare({.path = "a.x y", .default_value = 1}).error().code == "badarg");
  CHECK(c.declare({.path = "r", .type = cf::Type::number, .default_value = 5, .max = 1.0}).error().code == "range_error");
}

TEST_CASE("an updatable path updates and notifies subscribers; a non-updatable one is refused") {
  fnd::Node node({.threads = 2});
  cf::Config c(node);
  declare_all(c);
  auto in = std::make_shared<Inbox>();
  auto sub = subscriber(node, in);
  c.subscribe(sub);
  REQUIRE(c.update("ai.planning.sampling_rate", 0.5).ok());
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.5);
  REQUIRE(in->wait_for(1));
  auto m = in->snapshot().at(0);
  CHECK(m.path.str() == "ai.planning.sampling_rate");
  CHECK(m.old_value == 0.1);
  CHECK(m.new_value == 0.5);
  CHECK(m.kind == cf::ChangeKind::update);

  auto forbidden = c.update("server.port", 9000);
  REQUIRE_FALSE(forbidden.ok());
  CHECK(forbidden.error().code == "config_update_forbidden");
  CHECK(c.get_as<int>("server.port").value() == 8080);
  CHECK(c.update("ai.planning.sampling_rate", 1.5).error().code == "range_error");
  // NaN fails no comparison with the bounds, and JSON would show it (and inf) as null
  auto nan = c.update("ai.planning.sampling_rate", std::numeric_limits<double>::quiet_NaN());
  REQUIRE_FALSE(nan.ok());
  CHECK(nan.error().code == "range_error");
  CHECK(nan.error().message.find("nan is outside the range") != std::string::npos);
  auto inf = c.update("ai.planning.sampling_rate", std::numeric_limits<double>::infinity());
  REQUIRE_FALSE(inf.ok());
  CHECK(inf.error().message.find("inf is outside the range") != std::string::npos);
  CHECK(c.update("ai.planning.sampling_rate", "high").error().code == "invalid_config_value");
  CHECK(c.update("server.mode", "slow").error().code == "invalid_config_value");
  CHECK(c.update("no.where", 1).error().code == "config_path_not_found");
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.5);  // refused updates change nothing

  REQUIRE(c.update("ai.planning.depth", 7).ok());
  REQUIRE(c.reset("ai.planning.depth").ok());
  REQUIRE(in->wait_for(3));
  auto r = in->snapshot().at(2);
  CHECK(r.kind == cf::ChangeKind::reset);
  CHECK(r.old_value == 7);
  CHECK(r.new_value == 3);
  c.reset();  // every runtime value
  REQUIRE(in->wait_for(4));
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.1);
  CHECK(in->snapshot().size() == 4);  // only sampling_rate had a runtime value left
}

TEST_CASE("dead subscribers are dropped") {
  fnd::Node node({.threads = 2});
  cf::Config c(node);
  declare_all(c);
  auto a = node.spawn_fiber([](fnd::Process& p) { (void)p.receive<int>(); });
  auto in = std::make_shared<Inbox>();
  auto b = subscriber(node, in);
  c.subscribe(a);
  c.subscribe(b);
  CHECK(c.subscribers() == 2);
  node.send(a, 1);  // a ends
  node.watch(a).get();  // normal, or noproc if it ended before the watch
  for (int i = 0; i < 5000 && c.subscribers() != 1; ++i) std::this_thread::sleep_for(1ms);
  CHECK(c.subscribers() == 1);
  REQUIRE(c.update("log.verbose", true).ok());
  CHECK(in->wait_for(1));
  c.unsubscribe(b);
  CHECK(c.subscribers() == 0);
}

TEST_CASE("layers: file < env < args < update; loading is all or nothing") {
  fnd::Node node({.threads = 1});
  cf::Config c(node);
  declare_all(c);
  std::string path = temp_file("layers.json");
  write_file(path, R"({"ai": {"planning": {"depth": 4, "sampling_rate": 0.2}}, "server": {"port": 81}})");
  REQUIRE(c.load_file(path).ok());
  CHECK(c.get_as<int>("ai.planning.depth").value() == 4);
  CHECK(c.get_as<int>("server.port").value() == 81);

  ::setenv("FNDT_AI__PLANNING__DEPTH", "5", 1);
  REQUIRE(c.load_env("FNDT_").ok());
  CHECK(c.get_as<int>("ai.planning.depth").value() == 5);
  ::setenv("FNDT_SERVER__PORT", "eighty", 1);
  auto bad_env = c.load_env("FNDT_");
  CHECK(bad_env.error().code == "invalid_config_value");
  CHECK(bad_env.error().message.find("FNDT_SERVER__PORT") != std::string::npos);
  ::unsetenv("FNDT_SERVER__PORT");

  const char* argv[] = {"prog", "--set", "ai.planning.depth=6", "--other", "--set=log.verbose=true"};
  REQUIRE(c.load_args(5, argv).ok());
  CHECK(c.get_as<int>("ai.planning.depth").value() == 6);
  CHECK(c.get_as<bool>("log.verbose").value() == true);
  REQUIRE(c.update("ai.planning.depth", 9).ok());
  CHECK(c.get_as<int>("ai.planning.depth").value() == 9);
  REQUIRE(c.reset("ai.planning.depth").ok());
  CHECK(c.get_as<int>("ai.planning.depth").value() == 6);

  // A file with two problems: both reported, nothing applied.
  write_file(path, R"({"ai": {"planning": {"depth": 40, "sampling_rate": 0.3}}, "extra": 1})");
  auto bad = c.load_file(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("2 problems") != std::string::npos);
  CHECK(bad.error().message.find("extra") != std::string::npos);
  CHECK(bad.error().message.find("ai.planning.depth") != std::string::npos);
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.2);
  write_file(path, "{ not json");
  CHECK(c.load_file(path).error().code == "config_parse_error");
  CHECK(c.load_file(path + ".missing").error().code == "config_file_error");
  ::unsetenv("FNDT_AI__PLANNING__DEPTH");
}

TEST_CASE("TOML files") {
  fnd::Node node({.threads = 1});
  cf::Config c(node);
  declare_all(c);
  std::string path = temp_file("app.toml");
  write_file(path, "[ai.planning]\nsampling_rate = 0.25\ndepth = 2\n\n[server]\nmode = \"safe\"\n");
  REQUIRE(c.load_file(path).ok());
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.25);
  CHECK(c.get_as<int>("ai.planning.depth").value() == 2);
  CHECK(c.get_as<std::string>("server.mode").value() == "safe");
  write_file(path, "[ai.planning\nsampling_rate = 0.25\n");
  auto bad = c.load_file(path);
  CHECK(bad.error().code == "config_parse_error");
  CHECK(bad.error().message.find("app.toml") != std::string::npos);
}

TEST_CASE("hot reload: a real file edited while the node runs; one bad value, the good ones apply") {
  fnd::Node node({.threads = 2});
  cf::Config c(node);
  declare_all(c);
  std::string path = temp_file("hot.json");
  write_file(path, R"({"ai": {"planning": {"sampling_rate": 0.2, "depth": 3}}, "server": {"port": 81, "mode": "fast"}})");
  REQUIRE(c.load_file(path).ok());  // (notifies too: loaded before subscribing)
  auto in = std::make_shared<Inbox>();
  c.subscribe(subscriber(node, in));
  std::vector<std::string> logged;
  std::mutex log_mu;
  fnd::log::set_sink([&](fnd::log::Level l, std::string_view t) {
    if (l != fnd::log::Level::error) return;
    std::lock_guard<std::mutex> g(log_mu);
    logged.emplace_back(t);
  });
  REQUIRE(c.watch_file(path, 50ms).ok());
  // Good: sampling_rate, mode. Bad: depth out of range. Not updatable: server.port.
  write_file(path, R"({"ai": {"planning": {"sampling_rate": 0.7, "depth": 99}}, "server": {"port": 82, "mode": "safe"}})");
  REQUIRE(in->wait_for(2));
  fnd::log::set_sink({});
  c.stop_watching();
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.7);
  CHECK(c.get("server.mode").value() == "safe");
  CHECK(c.get_as<int>("ai.planning.depth").value() == 3);  // the bad value kept the old one
  CHECK(c.get_as<int>("server.port").value() == 81);       // not updatable: kept
  auto rep = c.last_reload();
  CHECK(rep.applied == std::vector<std::string>{"ai.planning.sampling_rate", "server.mode"});
  REQUIRE(rep.rejected.size() == 2);
  std::set<std::string> codes{rep.rejected[0].code, rep.rejected[1].code};
  CHECK(codes == std::set<std::string>{"range_error", "config_update_forbidden"});
  std::lock_guard<std::mutex> g(log_mu);
  bool range_logged = false, port_logged = false;
  for (auto& l : logged) {
    range_logged |= l.find("range_error") != std::string::npos;
    port_logged |= l.find("server.port") != std::string::npos;
  }
  CHECK(range_logged);
  CHECK(port_logged);
  for (auto& m : in->snapshot()) CHECK(m.kind == cf::ChangeKind::reload);
}

TEST_CASE("hot reload: an edited line wins over the arguments given at start, until it is removed") {
  fnd::Node node({.threads = 1});
  cf::Config c(node);
  declare_all(c);
  std::string path = temp_file("over_args.json");
  write_file(path, R"({"ai": {"planning": {"sampling_rate": 0.2}}})");
  REQUIRE(c.load_file(path).ok());
  REQUIRE(c.load_args(std::vector<std::string>{"ai.planning.sampling_rate=0.5"}).ok());
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.5);  // --set wins over the file at start
  write_file(path, R"({"ai": {"planning": {"sampling_rate": 0.3}}})");
  auto rep = c.reload_now();
  CHECK(rep.applied == std::vector<std::string>{"ai.planning.sampling_rate"});
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.3);  // the edit is newer
  write_file(path, "{}");
  rep = c.reload_now();
  CHECK(rep.applied == std::vector<std::string>{"ai.planning.sampling_rate"});
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.5);  // the line removed: --set again
}

TEST_CASE("hot reload: a watched file that is removed is logged, and its settings keep their values") {
  fnd::Node node({.threads = 1});
  cf::Config c(node);
  declare_all(c);
  std::string path = temp_file("removed.json");
  write_file(path, R"({"ai": {"planning": {"sampling_rate": 0.3}}})");
  REQUIRE(c.load_file(path).ok());
  std::vector<std::string> logged;
  std::mutex log_mu;
  std::condition_variable log_cv;
  fnd::log::set_sink([&](fnd::log::Level l, std::string_view t) {
    if (l != fnd::log::Level::error) return;
    std::lock_guard<std::mutex> g(log_mu);
    logged.emplace_back(t);
    log_cv.notify_all();
  });
  REQUIRE(c.watch_file(path, 50ms).ok());
  std::filesystem::remove(path);
  {
    std::unique_lock<std::mutex> g(log_mu);
    log_cv.wait_for(g, 10s, [&] { return !logged.empty(); });
  }
  c.stop_watching();
  fnd::log::set_sink({});
  std::lock_guard<std::mutex> g(log_mu);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0].find("removed.json") != std::string::npos);
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.3);
}

TEST_CASE("values from the environment and --set are numbers as the language writes them") {
  fnd::Node node({.threads = 1});
  cf::Config c(node);
  declare_all(c);
  REQUIRE(c.load_args(std::vector<std::string>{"ai.planning.depth=0x5"}).ok());  // hex, as int literals
  CHECK(c.get_as<int>("ai.planning.depth").value() == 5);
  for (const char* bad : {"ai.planning.depth= 5", "ai.planning.depth=5 ", "ai.planning.depth=5.0",
                          "ai.planning.sampling_rate=nan", "ai.planning.sampling_rate=inf",
                          "ai.planning.sampling_rate=0x1p-2", "ai.planning.sampling_rate= 0.5"}) {
    auto r = c.load_args(std::vector<std::string>{bad});
    CHECK_FALSE(r.ok());
  }
  REQUIRE(c.load_args(std::vector<std::string>{"ai.planning.sampling_rate=2.5e-1"}).ok());
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.25);
}

TEST_CASE("hot reload: a file that does not parse changes nothing") {
  fnd::Node node({.threads = 1});
  cf::Config c(node);
  declare_all(c);
  std::string path = temp_file("broken.json");
  write_file(path, R"({"ai": {"planning": {"sampling_rate": 0.3}}})");
  REQUIRE(c.load_file(path).ok());
  write_file(path, R"({"ai": {"planning": {"sampling_rate": 0.9)");
  fnd::log::set_sink([](fnd::log::Level, std::string_view) {});
  auto rep = c.reload_now();
  fnd::log::set_sink({});
  CHECK(rep.applied.empty());
  REQUIRE(rep.rejected.size() == 1);
  CHECK(rep.rejected[0].code == "config_parse_error");
  CHECK(c.get("ai.planning.sampling_rate").value() == 0.3);
}
