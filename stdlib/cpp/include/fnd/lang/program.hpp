// The command line and lifecycle of a generated program (its `main` is one call to run_program).
//
//   prog [--threads N] [--config FILE] [--log-level error|warning|info|debug|trace] [--help]
//
// --config FILE reads `key = value` lines (`#` comments): threads, log_level, throughput, name,
// stop_grace_ms. Command-line options override the file. Exit status: the code given to
// shutdown(code); else 0 when the root (supervisor or actor) exits normally and 1 when it exits
// otherwise (e.g. a supervisor that gave up on restarts); 2 for command-line errors.
#pragma once

#include <functional>
#include <string>

#include <fnd/node.hpp>

namespace fnd::lang {

struct ProgramInfo {
  std::string name;         // the program's name in --help
  std::string description;  // one line: what `main` starts
};

struct CommandLine {
  fnd::NodeOptions node;
  bool help = false;
  std::string error;  // non-empty: a usage error
};

// Parses the options above (the config file first, then the flags).
CommandLine parse_command_line(int argc, char** argv);
std::string usage(const ProgramInfo& info);

// Parses the command line, starts a node, starts the root with `start_root`, and runs the node
// until shutdown(code) or the root exits. Returns the process exit status.
int run_program(int argc, char** argv, const ProgramInfo& info,
                const std::function<fnd::Result<fnd::Pid>(fnd::Node&)>& start_root);

}  // namespace fnd::lang
