// Config (issue #5): hierarchical typed settings addressed by paths ({"ai","planning","sampling_rate"}
// or "ai.planning.sampling_rate"). Each setting is declared (type, default, range / allowed values,
// updatable or not); values come in layers, later ones winning:
//   default < file (JSON or TOML) < environment (FND_AI__PLANNING__SAMPLING_RATE) < arguments
//   (--set ai.planning.sampling_rate=0.2) < runtime update()
// Subscribers (process pids) get a ConfigChanged message for every update, reset and reloaded change;
// dead subscribers are dropped (monitors). Hot reload: watch_file() re-reads the file when it changes
// (inotify, with a polling fallback) and applies the changes to updatable settings that validate; the
// rest are rejected with a logged error and change nothing. A file that does not parse changes nothing.
//
//   fnd::config::Config cfg(node);
//   cfg.declare({.path = "ai.planning.sampling_rate", .type = fnd::config::Type::number,
//                .default_value = 0.1, .min = 0.0, .max = 1.0, .updatable = true});
//   cfg.load_file("app.toml");                     // all or nothing
//   double rate = cfg.get_as<double>("ai.planning.sampling_rate").value();
//   cfg.update("ai.planning.sampling_rate", 0.2);  // config_update_forbidden if not updatable
//   cfg.subscribe(self());                          // ConfigChanged messages
//   cfg.watch_file("app.toml");
//
// Errors: config_path_not_found (names the path), config_update_forbidden, invalid_config_value
// (type, allowed values, custom validator), range_error, config_parse_error, config_file_error.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fnd/error.hpp"
#include "fnd/node.hpp"

namespace fnd::config {

using Value = nlohmann::json;

enum class Type : uint8_t { boolean, integer, number, string, list, any };
const char* to_string(Type t) noexcept;

class Path {
 public:
  Path() = default;
  Path(std::initializer_list<std::string> parts) : parts_(parts) {}
  Path(std::vector<std::string> parts) : parts_(std::move(parts)) {}
  Path(std::string_view dotted);  // "a.b.c"
  Path(const char* dotted) : Path(std::string_view(dotted)) {}
  Path(const std::string& dotted) : Path(std::string_view(dotted)) {}
  const std::vector<std::string>& parts() const noexcept { return parts_; }
  std::string str() const;  // "a.b.c"
  friend bool operator==(const Path&, const Path&) = default;

 private:
  std::vector<std::string> parts_;
};

struct Setting {
  Path path;
  Type type = Type::any;
  Value default_value;                 // must satisfy the constraints
  std::optional<double> min, max;      // numbers: inclusive range
  std::vector<Value> one_of;           // allowed values (empty: any)
  bool updatable = false;              // may change at run time (update(), hot reload)
  std::string description;
  std::function<Result<void>(const Value&)> validate;  // extra check (its error is reported)
};

enum class ChangeKind : uint8_t { update, reset, reload };
const char* to_string(ChangeKind k) noexcept;

// Sent to subscribers.
struct ConfigChanged {
  Path path;
  Value old_value, new_value;
  ChangeKind kind = ChangeKind::update;
};

struct ReloadReport {
  std::vector<std::string> applied;  // paths whose value changed
  std::vector<Error> rejected;       // one error per refused change (or the parse error)
  uint64_t generation = 0;           // reloads so far
};

class Config {
 public:
  explicit Config(Node& node);
  ~Config();
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  // Errors: badarg (bad path), already_present (declared twice), invalid_config_value / range_error
  // (the default breaks the constraints).
  Result<void> declare(Setting s);
  Result<void> declare(std::vector<Setting> settings);

  // File layer from JSON (.json) or TOML (.toml, else JSON). All or nothing: every problem is listed
  // in the error's message (one per line) and nothing changes.
  Result<void> load_file(const std::string& path);
  Result<void> load_string(std::string_view text, std::string_view format = "json", std::string_view origin = "<string>");
  // Environment layer: for each declared path, <prefix><PARTS UPPER, joined by "__">.
  Result<void> load_env(std::string_view prefix = "FND_");
  // Argument layer: "--set path=value" or "--set=path=value" (other arguments are ignored).
  Result<void> load_args(int argc, const char* const* argv);
  Result<void> load_args(const std::vector<std::string>& assignments);  // "path=value" each

  // The effective value; a path above settings gives an object of its subtree.
  Result<Value> get(const Path& path) const;
  template <class T>
  Result<T> get_as(const Path& path) const {
    auto v = get(path);
    if (!v) return v.error();
    try {
      return v->template get<T>();
    } catch (const std::exception& e) {
      return type_error(path, e.what());
    }
  }
  Value get_or(const Path& path, Value fallback) const;

  // Runtime layer. Errors: config_path_not_found, config_update_forbidden, invalid_config_value,
  // range_error.
  Result<void> update(const Path& path, Value v);
  // Drops the runtime value of `path` (back to args/env/file/default); notifies subscribers.
  Result<void> reset(const Path& path);
  // Drops every runtime value.
  void reset();

  void subscribe(const Pid& pid);
  void unsubscribe(const Pid& pid);
  size_t subscribers() const;

  // Hot reload of `path` (loaded with load_file first, or loaded now). Checks for changes with
  // inotify, and by modification time every `poll` (a fallback for file systems without inotify).
  Result<void> watch_file(const std::string& path, std::chrono::milliseconds poll = std::chrono::milliseconds(250));
  void stop_watching();
  // Re-reads the watched (or last loaded) file now, as the watcher does on a change.
  ReloadReport reload_now();
  ReloadReport last_reload() const;

  std::vector<Setting> settings() const;
  Value snapshot() const;  // the whole effective tree

  struct Impl;

 private:
  static Error type_error(const Path& p, const std::string& what);
  std::unique_ptr<Impl> impl_;
};

// Parses a textual value (environment, arguments) as `type`: numbers, true/false/1/0/yes/no, strings
// verbatim, lists as JSON arrays.
Result<Value> parse_as(Type type, std::string_view text);

}  // namespace fnd::config
