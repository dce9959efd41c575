#include "fnd/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace fnd::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mu;
Sink& sink() {
  static Sink s;
  return s;
}
}  // namespace

const char* to_string(Level l) noexcept {
  switch (l) {
    case Level::error: return "error";
    case Level::warning: return "warning";
    case Level::info: return "info";
    case Level::debug: return "debug";
    case Level::trace: return "trace";
  }
  return "?";
}

void set_level(Level l) noexcept { g_level.store(static_cast<int>(l), std::memory_order_relaxed); }
Level level() noexcept { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }
bool enabled(Level l) noexcept { return static_cast<int>(l) <= g_level.load(std::memory_order_relaxed); }

void write(Level l, std::string_view text) {
  if (!enabled(l)) return;
  std::lock_guard<std::mutex> g(g_mu);
  if (sink()) {
    sink()(l, text);
    return;
  }
  std::string line = "[fnd ";
  line += to_string(l);
  line += "] ";
  line += text;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void set_sink(Sink s) {
  std::lock_guard<std::mutex> g(g_mu);
  sink() = std::move(s);
}

}  // namespace fnd::log
