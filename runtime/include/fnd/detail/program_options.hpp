// Internal: the command line of a generated program, shared by both back ends' programs (the C++
// back end's fnd::lang::run_program in stdlib/cpp/src/program.cpp and the LLVM back end's
// fnd_program_main in runtime/src/c_program.cpp), so that options, config file, help text and exit
// statuses cannot drift apart.
//
//   prog [--threads N] [--config FILE] [--log-level error|warning|info|debug|trace] [--help]
//
// --config FILE reads `key = value` lines (`#` comments): threads, log_level, throughput, name,
// stop_grace_ms. Command-line options override the file.
#pragma once

#include <string>

#include "fnd/node.hpp"

namespace fnd::detail {

struct ProgramOptions {
  NodeOptions node;   // log_level defaults to info (`log info` shows; crash reports are errors)
  bool help = false;  // --help / -h given
  std::string error;  // non-empty: a usage error (exit status 2)
};

ProgramOptions parse_program_options(int argc, char** argv);

// The --help text: usage line, description (when not empty), options, exit statuses.
std::string program_usage(const std::string& name, const std::string& description);

// What a command-line error prints on stderr (exit status 2), the same for the runtime's options,
// the services' and a cluster's: `NAME: ERROR` and the command that lists every option (the
// --help text has sections from all three, so it is not repeated here).
std::string usage_error(const std::string& name, const char* argv0, const std::string& error);

}  // namespace fnd::detail
