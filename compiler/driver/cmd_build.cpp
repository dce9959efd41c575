// fndc build FILE... [EXTRA.cpp...] -o BIN: generate sources into BIN.fnd-build/ and let the back
// end build them (with the extra C++ sources, e.g. extern actors' implementations).
#include <filesystem>
#include <iostream>

#include "driver/backend_util.hpp"
#include "driver/commands.hpp"

namespace fnd::driver {

int runBuild(const CommonOptions& allOpts, const std::string& output, const std::string& target) {
  std::vector<std::string> extra;
  const CommonOptions opts = splitSources(allOpts, extra);
  if (opts.files.empty()) {
    std::cerr << "fndc: error: no .fnd input files\n";
    return kUsageError;
  }
  Frontend fe(opts);
  bool ok = fe.run();
  if (!ok) {
    fe.finish();
    return kUserError;
  }
  backend::Backend* be = findBackend(target);
  if (!be) {  // a --target naming no back end is a usage error
    fe.finish();
    return kUsageError;
  }
  backend::Options bo = backendOptions(opts, output + ".fnd-build");
  bo.outputBinary = output;
  bo.extraSources = extra;
  ok = generateAndBuild(fe, *be, bo);
  fe.finish();
  return ok ? kOk : kUserError;
}

}  // namespace fnd::driver
