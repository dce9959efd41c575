// fndc lsp: the language server (tools/lsp) on standard input/output. -I and --stdlib apply to
// every document; the editor may add include directories in initializationOptions.includeDirs.
#include <iostream>

#include "driver/commands.hpp"
#include "tools/lsp/server.hpp"

namespace fnd::driver {

int runLsp(const CommonOptions& opts) {
  std::ios::sync_with_stdio(false);
  return tools::lsp::serve(std::cin, std::cout, opts.includeDirs, opts.stdlibDir);
}

}  // namespace fnd::driver
