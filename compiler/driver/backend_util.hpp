// Shared by build/run/emit: finding a back end and writing its files.
#pragma once

#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "driver/commands.hpp"

namespace fnd::driver {

// The back end named `target`, or nullptr after printing why there is none.
backend::Backend* findBackend(const std::string& target);
// Writes generated files under `dir`; false (after printing why) on an I/O error.
bool writeOutputs(const std::string& dir, const std::vector<backend::OutputFile>& files);
// The back-end options every command shares: output directory, stdlib and -I directories.
backend::Options backendOptions(const CommonOptions& opts, std::string outputDir);
// build/run: generates sources into bo.outputDir, writes them, and builds bo.outputBinary.
// False after the problem was reported (diagnostics are flushed by the caller's fe.finish()).
bool generateAndBuild(Frontend& fe, backend::Backend& be, const backend::Options& bo);

// build/run accept C++ sources beside the .fnd files (extern actors' implementations): returns the
// options with only the .fnd files and puts the others (.cpp .cc .cxx .c) into `extra`.
inline CommonOptions splitSources(const CommonOptions& opts, std::vector<std::string>& extra) {
  CommonOptions fnd = opts;
  fnd.files.clear();
  for (const auto& f : opts.files) {
    auto dot = f.find_last_of('.');
    std::string ext = dot == std::string::npos ? "" : f.substr(dot);
    if (ext == ".cpp" || ext == ".cc" || ext == ".cxx" || ext == ".c") extra.push_back(f);
    else fnd.files.push_back(f);
  }
  return fnd;
}

}  // namespace fnd::driver
