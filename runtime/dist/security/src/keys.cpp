#include "fnd/dist/security/keys.hpp"

#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <string.h>  // explicit_bzero (glibc)
#include <vector>

#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/z85.hpp"

namespace fnd::dist::security {

namespace {

std::array<std::uint8_t, kKeyBytes> decodeZ85Key(const char* text) {
  std::vector<std::uint8_t> bytes;
  if (z85Decode(std::string_view(text, kKeyZ85Chars), bytes) || bytes.size() != kKeyBytes)
    throw SecurityError("libzmq returned a malformed Z85 key");
  std::array<std::uint8_t, kKeyBytes> out{};
  std::memcpy(out.data(), bytes.data(), kKeyBytes);
  explicit_bzero(bytes.data(), bytes.size());
  return out;
}

}  // namespace

std::string PublicKey::z85() const { return z85Encode(bytes.data(), bytes.size()); }

std::string SecretKey::z85() const { return z85Encode(bytes_.data(), bytes_.size()); }

SecretKey::~SecretKey() { explicit_bzero(bytes_.data(), bytes_.size()); }

KeyPair generateKeyPair() {
  if (!zmq_has("curve")) throw SecurityError("this libzmq was built without CURVE security");
  char pub[kKeyZ85Chars + 1];
  char sec[kKeyZ85Chars + 1];
  if (zmq_curve_keypair(pub, sec) != 0)
    throw SecurityError(std::string("zmq_curve_keypair failed: ") + zmq_strerror(errno));
  KeyPair pair;
  pair.publicKey.bytes = decodeZ85Key(pub);
  pair.secretKey = SecretKey(decodeZ85Key(sec));
  explicit_bzero(sec, sizeof sec);
  return pair;
}

PublicKey derivePublicKey(const SecretKey& secret) {
  std::string secZ85 = secret.z85();
  char pub[kKeyZ85Chars + 1];
  int rc = zmq_curve_public(pub, secZ85.c_str());
  explicit_bzero(secZ85.data(), secZ85.size());
  if (rc != 0) throw SecurityError(std::string("zmq_curve_public failed: ") + zmq_strerror(errno));
  PublicKey key;
  key.bytes = decodeZ85Key(pub);
  return key;
}

}  // namespace fnd::dist::security
