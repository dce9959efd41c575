// See fnd/detail/program_options.hpp.
#include "fnd/detail/program_options.hpp"

#include <charconv>
#include <fstream>
#include <string_view>
#include <utility>
#include <vector>

namespace fnd::detail {

namespace {

bool parse_uint(std::string_view s, unsigned long long& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

bool parse_level(std::string_view s, log::Level& out) {
  if (s == "error") out = log::Level::error;
  else if (s == "warning" || s == "warn") out = log::Level::warning;
  else if (s == "info") out = log::Level::info;
  else if (s == "debug") out = log::Level::debug;
  else if (s == "trace") out = log::Level::trace;
  else return false;
  return true;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// Applies one `key = value` setting; returns an error message or "".
std::string apply(NodeOptions& o, std::string_view key, std::string_view value) {
  unsigned long long n = 0;
  if (key == "threads") {
    if (!parse_uint(value, n) || n > 1024) return "threads: expected a number from 0 to 1024, got '" + std::string(value) + "'";
    o.threads = static_cast<unsigned>(n);
  } else if (key == "log_level" || key == "log-level") {
    if (!parse_level(value, o.log_level))
      return "log level: expected error, warning, info, debug or trace, got '" + std::string(value) + "'";
  } else if (key == "throughput") {
    if (!parse_uint(value, n) || n == 0 || n > 1'000'000) return "throughput: expected a positive number, got '" + std::string(value) + "'";
    o.throughput = static_cast<std::uint32_t>(n);
  } else if (key == "name") {
    o.name = std::string(value);
  } else if (key == "stop_grace_ms") {
    // Bounded so that the C ABI's 32-bit field holds it.
    if (!parse_uint(value, n) || n > 0xffffffffull) return "stop_grace_ms: expected a number, got '" + std::string(value) + "'";
    o.stop_grace = std::chrono::milliseconds(n);
  } else {
    return "unknown setting '" + std::string(key) + "'";
  }
  return {};
}

std::string read_config(NodeOptions& o, const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot read config file " + path;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    const std::string t = trim(line);
    if (t.empty()) continue;
    const auto eq = t.find('=');
    if (eq == std::string::npos) return path + ":" + std::to_string(lineno) + ": expected key = value";
    std::string err = apply(o, trim(std::string_view(t).substr(0, eq)), trim(std::string_view(t).substr(eq + 1)));
    if (!err.empty()) return path + ":" + std::to_string(lineno) + ": " + err;
  }
  return {};
}

}  // namespace

ProgramOptions parse_program_options(int argc, char** argv) {
  ProgramOptions po;
  po.node.log_level = log::Level::info;
  std::string config;
  std::vector<std::pair<std::string, std::string>> flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--help" || a == "-h") {
      po.help = true;
      continue;
    }
    std::string key, value;
    if (a.starts_with("--") && a.find('=') != std::string_view::npos) {
      key = std::string(a.substr(2, a.find('=') - 2));
      value = std::string(a.substr(a.find('=') + 1));
    } else if (a == "--threads" || a == "--config" || a == "--log-level") {
      if (i + 1 >= argc) {
        po.error = std::string(a) + " needs a value";
        return po;
      }
      key = std::string(a.substr(2));
      value = argv[++i];
    } else {
      po.error = (a.starts_with("-") ? "unknown option '" : "unexpected argument '") + std::string(a) + "'";
      return po;
    }
    if (key == "config") config = value;
    else if (key == "threads" || key == "log-level") flags.emplace_back(key, value);
    else {
      po.error = "unknown option '--" + key + "'";
      return po;
    }
  }
  if (!config.empty()) {
    po.error = read_config(po.node, config);
    if (!po.error.empty()) return po;
  }
  for (const auto& [k, v] : flags) {
    po.error = apply(po.node, k, v);
    if (!po.error.empty()) return po;
  }
  return po;
}

std::string usage_error(const std::string& name, const char* argv0, const std::string& error) {
  return name + ": " + error + "\nrun '" + (argv0 && *argv0 ? argv0 : name.c_str()) + " --help' to see the options\n";
}

std::string program_usage(const std::string& name, const std::string& description) {
  std::string s = "usage: " + name + " [--threads N] [--config FILE] [--log-level LEVEL] [--help]\n";
  if (!description.empty()) s += "\n" + description + "\n";
  s +=
      "\noptions:\n"
      "  --threads N        scheduler threads (0 = one per hardware thread; default 0)\n"
      "  --config FILE      read settings from FILE: `key = value` lines with the keys threads,\n"
      "                     log_level, throughput, name, stop_grace_ms (flags override the file)\n"
      "  --log-level LEVEL  error, warning, info (default), debug or trace; logs and crash reports\n"
      "                     go to stderr, program output (print) to stdout\n"
      "  --help             show this help\n"
      "\nexit status: the code given to shutdown(code); 0 when the root exits normally; 1 when it\n"
      "exits abnormally (e.g. a supervisor gave up restarting); 2 for command-line errors\n"
      "\nSIGTERM stops the program cleanly (as shutdown) with exit status 0, SIGINT (Ctrl-C) with 130;\n"
      "a second SIGTERM or SIGINT while it stops ends it at once\n";
  return s;
}

}  // namespace fnd::detail
