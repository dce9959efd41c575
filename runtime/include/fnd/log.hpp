// The runtime's logger: leveled lines to stderr (never stdout). Crash and supervisor reports go here.
// Line format: "[fnd <level>] <text>"; multi-line reports indent continuation lines (docs/runtime.md).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace fnd::log {

enum class Level : int { error = 0, warning = 1, info = 2, debug = 3, trace = 4 };
const char* to_string(Level l) noexcept;

void set_level(Level l) noexcept;
Level level() noexcept;
bool enabled(Level l) noexcept;

// Writes one entry if `l` is enabled. Thread-safe; entries are never interleaved.
void write(Level l, std::string_view text);
inline void error(std::string_view t) { write(Level::error, t); }
inline void warning(std::string_view t) { write(Level::warning, t); }
inline void info(std::string_view t) { write(Level::info, t); }
inline void debug(std::string_view t) { write(Level::debug, t); }
inline void trace(std::string_view t) { write(Level::trace, t); }

// Replaces the stderr sink (tests capture reports with it); an empty function restores stderr.
using Sink = std::function<void(Level, std::string_view)>;
void set_sink(Sink sink);

}  // namespace fnd::log
