// fndc graph, part 2: renders a Topology as Graphviz DOT (and SVG by running Graphviz's `dot`).
#pragma once

#include <string>

#include "tools/graph/topology.hpp"

namespace fnd::tools::graph {

std::string renderDot(const Topology& t);

// Runs `dot -Tsvg` on `dotText`, writing to `outputPath` (or standard output when empty).
// Returns "" on success, else why it failed (e.g. Graphviz is not installed).
std::string renderSvg(const std::string& dotText, const std::string& outputPath);

}  // namespace fnd::tools::graph
