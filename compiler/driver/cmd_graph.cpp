// fndc graph FILE... [--format dot|svg] [-o OUT]: the program's supervision trees, societies and
// main as Graphviz DOT, or SVG rendered by Graphviz's `dot` (tools/graph).
#include <fstream>
#include <iostream>

#include "driver/commands.hpp"
#include "tools/graph/dot_writer.hpp"

namespace fnd::driver {

int runGraph(const CommonOptions& opts, const std::string& format, const std::string& output) {
  Frontend fe(opts);
  bool ok = fe.run();
  fe.finish();
  if (!ok) return kUserError;
  tools::graph::Topology t = tools::graph::buildTopology(fe.program(), fe.diags().sources());
  std::string dot = tools::graph::renderDot(t);
  if (format == "svg") {
    std::string err = tools::graph::renderSvg(dot, output);
    if (!err.empty()) {
      std::cerr << "fndc: error: " << err << "\n";
      return kUserError;
    }
    return kOk;
  }
  if (output.empty()) {
    std::cout << dot;
    return kOk;
  }
  std::ofstream out(output, std::ios::binary);
  out << dot;
  if (!out) {
    std::cerr << "fndc: error: cannot write '" << output << "'\n";
    return kUserError;
  }
  return kOk;
}

}  // namespace fnd::driver
