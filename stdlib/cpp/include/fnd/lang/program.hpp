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

// Parses the options above (the config file first, then the flags): fnd/detail/program_options.hpp,
// the same parser as the LLVM back end's programs.
CommandLine parse_command_line(int argc, char** argv);
std::string usage(const ProgramInfo& info);

// What a caller adds around the node's life (a cluster program attaches its DistNode here).
struct NodeHooks {
  // After the node is made, before the root starts. A non-zero return stops the node and ends the
  // program with that status (e.g. 1: the node cannot listen).
  std::function<int(fnd::Node&)> attach;
  // Once shutdown was asked for (or the root ended), before the node stops its processes.
  std::function<void(fnd::Node&)> before_stop;
  // After the node has run (or failed to start its root), while it still exists.
  std::function<void(fnd::Node&)> detach;
};

// Parses the command line, starts a node, starts the root with `start_root`, and runs the node
// until shutdown(code) or the root exits. Returns the process exit status.
int run_program(int argc, char** argv, const ProgramInfo& info,
                const std::function<fnd::Result<fnd::Pid>(fnd::Node&)>& start_root, const NodeHooks& hooks = {});

}  // namespace fnd::lang
