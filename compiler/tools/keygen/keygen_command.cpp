#include "tools/keygen/keygen_command.hpp"

#include <ostream>
#include <string>

#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/keygen.hpp"

namespace fnd::tools::keygen {

int runKeygen(const std::string& name, bool force, std::ostream& out, std::ostream& err) {
  namespace sec = fnd::dist::security;
  try {
    sec::KeygenResult r = sec::writeNewKeyPairFiles(name, force);
    out << "wrote " << r.secretFile << " (key pair, mode 0600: keep it secret)\n"
        << "wrote " << r.publicFile << " (public key)\n"
        << "public-key = " << r.publicKey.z85() << "\n";
    return 0;
  } catch (const sec::SecurityError& e) {
    // File errors already read `FILE: error: ...`; others get the driver's prefix.
    std::string message = e.what();
    err << (message.find(": error: ") != std::string::npos ? message : "fndc: error: " + message) << "\n";
    return 1;
  }
}

}  // namespace fnd::tools::keygen
