// fndc build FILE... -o BIN: generate sources into BIN.fnd-build/ and let the back end build them.
#include <filesystem>

#include "driver/backend_util.hpp"
#include "driver/commands.hpp"

namespace fnd::driver {

int runBuild(const CommonOptions& opts, const std::string& output, const std::string& target) {
  Frontend fe(opts);
  bool ok = fe.run();
  if (!ok) {
    fe.finish();
    return kUserError;
  }
  backend::Backend* be = findBackend(target);
  if (!be) {
    fe.finish();
    return kUserError;
  }
  backend::Options bo;
  bo.outputBinary = output;
  bo.outputDir = output + ".fnd-build";
  bo.stdlibDir = opts.stdlibDir.empty() ? sema::defaultStdlibDir() : opts.stdlibDir;
  bo.includeDirs = opts.includeDirs;
  std::vector<backend::OutputFile> files;
  ok = be->generate(fe.program(), bo, fe.diags(), files) && !fe.diags().hadErrors();
  if (ok) ok = writeOutputs(bo.outputDir, files);
  if (ok) ok = be->build(fe.program(), bo, fe.diags()) && !fe.diags().hadErrors();
  fe.finish();
  return ok ? kOk : kUserError;
}

}  // namespace fnd::driver
