// Shared by build/run/emit: finding a back end and writing its files.
#pragma once

#include <string>
#include <vector>

#include "backends/backend.hpp"

namespace fnd::driver {

// The back end named `target`, or nullptr after printing why there is none.
backend::Backend* findBackend(const std::string& target);
// Writes generated files under `dir`; false (after printing why) on an I/O error.
bool writeOutputs(const std::string& dir, const std::vector<backend::OutputFile>& files);

}  // namespace fnd::driver
