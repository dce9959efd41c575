#include "fnd/dist/security/admission.hpp"

#include <cstring>

namespace fnd::dist::security {

namespace {

const std::string kClusterUserId = "cluster";

ZapDecision refuse(ZapVerdict v, std::string text) { return {v, "400", std::move(text), ""}; }

}  // namespace

const std::string* AdmissionPolicy::admits(const PublicKey& clientKey) const {
  for (const AllowedKey& a : allowed)
    if (a.key == clientKey) return &a.name;
  if (admitClusterKey && clientKey == clusterKey) return &kClusterUserId;
  return nullptr;
}

ZapDecision decideZapRequest(const AdmissionPolicy& policy, const std::vector<std::string>& frames) {
  // RFC 27: at least version, request id, domain, address, identity, mechanism.
  if (frames.size() < 6 || frames[0] != "1.0") return {ZapVerdict::Malformed, "500", "malformed ZAP request", ""};
  const std::string& domain = frames[2];
  const std::string& mechanism = frames[5];
  if (mechanism != "CURVE") return refuse(ZapVerdict::WrongMechanism, "mechanism " + mechanism + " is not allowed");
  if (domain != policy.domain) return refuse(ZapVerdict::WrongDomain, "unknown ZAP domain");
  if (frames.size() != 7 || frames[6].size() != kKeyBytes)
    return {ZapVerdict::Malformed, "500", "malformed CURVE credentials", ""};
  PublicKey client;
  std::memcpy(client.bytes.data(), frames[6].data(), kKeyBytes);
  const std::string* name = policy.admits(client);
  if (!name) return refuse(ZapVerdict::UnknownKey, "client key is not a member of this cluster");
  return {ZapVerdict::Admitted, "200", "OK", name->empty() ? client.z85() : *name};
}

const char* verdictName(ZapVerdict v) {
  switch (v) {
    case ZapVerdict::Admitted: return "admitted";
    case ZapVerdict::UnknownKey: return "unknown key";
    case ZapVerdict::WrongMechanism: return "wrong mechanism";
    case ZapVerdict::WrongDomain: return "wrong domain";
    case ZapVerdict::Malformed: return "malformed request";
  }
  return "?";
}

}  // namespace fnd::dist::security
