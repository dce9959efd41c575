// What `fndc keygen NAME` does: a fresh CurveZMQ key pair written to NAME.key_secret (public and
// secret key, mode 0600) and NAME.key (public key only, mode 0644), in the key file format of
// key_file.hpp. Without force, an existing file is never touched.
#pragma once

#include <string>

#include "fnd/dist/security/keys.hpp"

namespace fnd::dist::security {

inline constexpr const char* kSecretKeySuffix = ".key_secret";
inline constexpr const char* kPublicKeySuffix = ".key";

struct KeygenResult {
  std::string secretFile;
  std::string publicFile;
  PublicKey publicKey;
};

// Throws SecurityError naming the file when one exists (without force) or cannot be written.
KeygenResult writeNewKeyPairFiles(const std::string& name, bool force);

}  // namespace fnd::dist::security
