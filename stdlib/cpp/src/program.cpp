// The generated program's command line and lifecycle (see program.hpp). The command line itself is
// the runtime's (fnd/detail/program_options.hpp), shared with the LLVM back end's programs.
#include "fnd/lang/program.hpp"

#include <cstdio>

#include <fnd/detail/program_options.hpp>
#include <fnd/detail/program_signals.hpp>
#include <fnd/log.hpp>

namespace fnd::lang {

CommandLine parse_command_line(int argc, char** argv) {
  fnd::detail::ProgramOptions po = fnd::detail::parse_program_options(argc, argv);
  return CommandLine{std::move(po.node), po.help, std::move(po.error)};
}

std::string usage(const ProgramInfo& info) { return fnd::detail::program_usage(info.name, info.description); }

int run_program(int argc, char** argv, const ProgramInfo& info,
                const std::function<fnd::Result<fnd::Pid>(fnd::Node&)>& start_root, const NodeHooks& hooks) {
  CommandLine cl = parse_command_line(argc, argv);
  if (cl.help) {
    std::fputs(usage(info).c_str(), stdout);
    return 0;
  }
  if (!cl.error.empty()) {
    std::fputs(fnd::detail::usage_error(info.name, argv[0], cl.error).c_str(), stderr);
    return 2;
  }
  fnd::log::set_level(cl.node.log_level);
  // Before the Node: its threads (and the DistNode's) inherit SIGTERM/SIGINT blocked.
  fnd::detail::ProgramSignals signals;
  int status = 0;
  {
    fnd::Node node(cl.node);
    signals.attach([&node](int code) { node.shutdown(code); });
    if (hooks.attach) {
      if (int s = hooks.attach(node); s != 0) {
        signals.detach();
        node.stop();
        return s;
      }
    }
    fnd::Result<fnd::Pid> root = start_root(node);
    if (!root) {
      // shutdown(code) or a signal while the tree was starting: the program ends with that code.
      const std::optional<int> asked = node.shutdown_code();
      if (!asked) fnd::log::error("could not start " + info.description + ": " + root.error().to_string());
      node.stop();
      status = asked ? *asked : 1;
    } else {
      node.set_root(*root);
      status = node.wait();
      if (hooks.before_stop) hooks.before_stop(node);
      node.stop();
    }
    signals.detach();
    if (hooks.detach) hooks.detach(node);
  }
  std::fflush(stdout);
  return status;
}

}  // namespace fnd::lang
