// Who may join: the decision the ZAP handler takes for each incoming handshake (ZeroMQ RFC 27).
// Fails closed: only a CURVE handshake, in our ZAP domain, with an admitted client public key, is
// admitted; every other request (NULL, PLAIN, GSSAPI, another domain, a malformed request) is not.
#pragma once

#include <string>
#include <vector>

#include "fnd/dist/security/allow_list.hpp"
#include "fnd/dist/security/keys.hpp"

namespace fnd::dist::security {

inline constexpr const char* kDefaultZapDomain = "fnd.cluster";

struct AdmissionPolicy {
  std::string domain = kDefaultZapDomain;
  PublicKey clusterKey;
  bool admitClusterKey = true;        // the shared cluster key pair is a valid client identity
  std::vector<AllowedKey> allowed;    // per-node public keys (allow-list file)

  // The User-Id this client key gets, or nullptr if it is not admitted.
  const std::string* admits(const PublicKey& clientKey) const;
};

enum class ZapVerdict { Admitted, UnknownKey, WrongMechanism, WrongDomain, Malformed };

struct ZapDecision {
  ZapVerdict verdict;
  std::string statusCode;  // "200" admitted, "400" refused, "500" malformed request
  std::string statusText;
  std::string userId;      // admitted: "cluster" or the allow-list name (or the key's Z85)
};

// frames: a ZAP request as received: version, request id, domain, address, routing id, mechanism,
// credentials...
ZapDecision decideZapRequest(const AdmissionPolicy& policy, const std::vector<std::string>& frames);

const char* verdictName(ZapVerdict v);

}  // namespace fnd::dist::security
