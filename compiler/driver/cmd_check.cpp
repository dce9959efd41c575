// fndc check FILE...: parse and check, report diagnostics, generate nothing.
#include "driver/commands.hpp"

namespace fnd::driver {

int runCheck(const CommonOptions& opts) {
  Frontend fe(opts);
  bool ok = fe.run();
  fe.finish();
  return ok ? kOk : kUserError;
}

}  // namespace fnd::driver
