// fndc check FILE...: parse and check, report diagnostics, generate nothing. C++ sources among the
// files (extern actors' implementations, as for build/run) are accepted and ignored.
#include "driver/backend_util.hpp"
#include "driver/commands.hpp"

namespace fnd::driver {

int runCheck(const CommonOptions& allOpts) {
  std::vector<std::string> cppSources;
  const CommonOptions opts = splitSources(allOpts, cppSources);
  if (opts.files.empty()) return kOk;  // nothing written in .fnd: nothing to check
  Frontend fe(opts);
  bool ok = fe.run();
  fe.finish();
  return ok ? kOk : kUserError;
}

}  // namespace fnd::driver
