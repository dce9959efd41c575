// fndc emit --target=cpp -o DIR FILE...: write the generated sources.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "driver/backend_util.hpp"
#include "driver/commands.hpp"

namespace fnd::driver {

backend::Backend* findBackend(const std::string& target) {
  auto& reg = backend::Registry::instance();
  if (auto* b = reg.find(target)) return b;
  std::cerr << "fndc: error: no back end '" << target << "' in this fndc";
  if (reg.all().empty()) {
    std::cerr << " (it was built without any back end; build/run/emit are unavailable)\n";
  } else {
    std::cerr << "; available:";
    for (auto& b : reg.all()) std::cerr << ' ' << b->name();
    std::cerr << '\n';
  }
  return nullptr;
}

bool writeOutputs(const std::string& dir, const std::vector<backend::OutputFile>& files) {
  namespace fs = std::filesystem;
  for (const auto& f : files) {
    fs::path p = fs::path(dir) / f.path;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream out(p, std::ios::binary);
    out << f.contents;
    if (!out) {
      std::cerr << "fndc: error: cannot write '" << p.string() << "'\n";
      return false;
    }
  }
  return true;
}

backend::Options backendOptions(const CommonOptions& opts, std::string outputDir) {
  backend::Options bo;
  bo.outputDir = std::move(outputDir);
  bo.stdlibDir = opts.stdlibDir.empty() ? sema::defaultStdlibDir() : opts.stdlibDir;
  bo.includeDirs = opts.includeDirs;
  bo.optLevel = opts.optLevel;
  if (opts.optLevel == 0) bo.optimize = false;
  bo.emitKind = opts.emitKind;
  return bo;
}

bool generateAndBuild(Frontend& fe, backend::Backend& be, const backend::Options& bo) {
  std::vector<backend::OutputFile> files;
  return be.generate(fe.program(), bo, fe.diags(), files) && !fe.diags().hadErrors() &&
         writeOutputs(bo.outputDir, files) && be.build(fe.program(), bo, fe.diags()) &&
         !fe.diags().hadErrors();
}

int runEmit(const CommonOptions& allOpts, const std::string& outputDir, const std::string& target) {
  std::vector<std::string> cppSources;  // extern actors' C++: not generated, nothing to emit
  const CommonOptions opts = splitSources(allOpts, cppSources);
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
  const backend::Options bo = backendOptions(opts, outputDir);
  std::vector<backend::OutputFile> files;
  ok = be->generate(fe.program(), bo, fe.diags(), files) && !fe.diags().hadErrors();
  fe.finish();
  if (!ok) return kUserError;
  return writeOutputs(outputDir, files) ? kOk : kUserError;
}

}  // namespace fnd::driver
