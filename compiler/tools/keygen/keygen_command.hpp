// fndc keygen NAME [--force]: writes a new CurveZMQ key pair to NAME.key_secret (mode 0600) and
// NAME.key (public key only), and prints the public key. docs/distribution.md, "Security".
#pragma once

#include <iosfwd>
#include <string>

namespace fnd::tools::keygen {

// Returns the exit status: 0 written, 1 refused or failed (message on err).
int runKeygen(const std::string& name, bool force, std::ostream& out, std::ostream& err);

}  // namespace fnd::tools::keygen
