#include "fnd/dist/security/curve_sockets.hpp"

#include <zmq.h>

#include <cerrno>

#include "fnd/dist/security/error.hpp"

namespace fnd::dist::security {

namespace {

// ZMQ_ZAP_ENFORCE_DOMAIN is under ZMQ_BUILD_DRAFT_API in zmq.h, but libzmq 4.3 implements it
// unconditionally (checked: set and read back on Debian 12's 4.3.4).
#ifdef ZMQ_ZAP_ENFORCE_DOMAIN
constexpr int kZapEnforceDomain = ZMQ_ZAP_ENFORCE_DOMAIN;
#else
constexpr int kZapEnforceDomain = 93;
#endif

void set(void* socket, int option, const void* value, std::size_t size, const char* name) {
  if (zmq_setsockopt(socket, option, value, size) != 0)
    throw SecurityError(std::string("cannot set ") + name + ": " + zmq_strerror(errno));
}

void setInt(void* socket, int option, int value, const char* name) { set(socket, option, &value, sizeof value, name); }

}  // namespace

void configureCurveServer(void* socket, const KeyPair& serverKeys, const std::string& zapDomain) {
  if (!zmq_has("curve")) throw SecurityError("this libzmq was built without CURVE security");
  if (zapDomain.empty()) throw SecurityError("the ZAP domain must not be empty (libzmq skips ZAP without one)");
  setInt(socket, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER");
  set(socket, ZMQ_CURVE_SECRETKEY, serverKeys.secretKey.bytes().data(), kKeyBytes, "ZMQ_CURVE_SECRETKEY");
  set(socket, ZMQ_ZAP_DOMAIN, zapDomain.data(), zapDomain.size(), "ZMQ_ZAP_DOMAIN");
  setInt(socket, kZapEnforceDomain, 1, "ZMQ_ZAP_ENFORCE_DOMAIN");
  int enforced = 0;
  std::size_t size = sizeof enforced;
  // Fail closed here too: never run a CURVE server that would admit everyone without a handler.
  if (zmq_getsockopt(socket, kZapEnforceDomain, &enforced, &size) != 0 || enforced != 1)
    throw SecurityError("this libzmq does not support ZMQ_ZAP_ENFORCE_DOMAIN; refusing to run an open CURVE server");
}

void configureCurveClient(void* socket, const PublicKey& serverKey, const KeyPair& clientKeys) {
  if (!zmq_has("curve")) throw SecurityError("this libzmq was built without CURVE security");
  set(socket, ZMQ_CURVE_SERVERKEY, serverKey.bytes.data(), kKeyBytes, "ZMQ_CURVE_SERVERKEY");
  set(socket, ZMQ_CURVE_PUBLICKEY, clientKeys.publicKey.bytes.data(), kKeyBytes, "ZMQ_CURVE_PUBLICKEY");
  set(socket, ZMQ_CURVE_SECRETKEY, clientKeys.secretKey.bytes().data(), kKeyBytes, "ZMQ_CURVE_SECRETKEY");
}

}  // namespace fnd::dist::security
