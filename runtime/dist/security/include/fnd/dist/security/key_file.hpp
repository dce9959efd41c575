// Key files (docs/distribution.md, "Key files"): a small text format, one `name = value` per line,
// `#` comments on their own lines (not after a value: `#` is a Z85 character).
//
//   # Foundation CurveZMQ key pair ...
//   public-key = <40 Z85 characters>
//   secret-key = <40 Z85 characters>
//
// A key pair file (NAME.key_secret) holds both and must not be accessible by group or others; a
// public key file (NAME.key) holds only public-key. Every error names the file and, when it is about
// a line, the line and column (KeyFileError).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fnd/dist/security/keys.hpp"

namespace fnd::dist::security {

struct KeyFileContents {
  std::optional<PublicKey> publicKey;
  std::optional<SecretKey> secretKey;
  int publicKeyLine = 0;
  int secretKeyLine = 0;
};

// Parses the text of a key file; file is used in error messages only.
KeyFileContents parseKeyFile(std::string_view text, const std::string& file);

// Needs public-key and secret-key, the secret matching the public key, and no group/other access.
KeyPair loadKeyPairFile(const std::string& path);

// Needs public-key. A key pair file is accepted too (its secret key is checked, then dropped),
// but it must then pass the same permission check.
PublicKey loadPublicKeyFile(const std::string& path);

// The texts `fndc keygen` writes.
std::string formatKeyPairFile(const KeyPair& pair);
std::string formatPublicKeyFile(const PublicKey& key);

}  // namespace fnd::dist::security
