// A node's security settings in one place: the cluster key pair (every node holds it; it is the
// CURVE server identity of every node and, by default, the client identity too), an optional key
// pair of this node (its client identity instead), and the allow-list of node keys. Checked on
// load so that a node that could never be admitted by its own policy fails at start.
#pragma once

#include <optional>
#include <string>

#include "fnd/dist/security/admission.hpp"
#include "fnd/dist/security/keys.hpp"

namespace fnd::dist::security {

struct SecuritySettings {
  std::string clusterKeyFile;   // required: NAME.key_secret, the same file on every node
  std::string nodeKeyFile;      // optional: this node's own NAME.key_secret
  std::string allowListFile;    // optional: public keys of nodes admitted with their own key
  bool admitClusterKey = true;  // false: only allow-listed node keys are admitted
  std::string zapDomain = kDefaultZapDomain;
};

class ClusterSecurity {
 public:
  // Throws KeyFileError (file problems) or SecurityError (inconsistent settings).
  static ClusterSecurity load(const SecuritySettings& settings);
  ClusterSecurity(KeyPair clusterKeys, std::optional<KeyPair> nodeKeys, AdmissionPolicy policy);

  void configureServer(void* socket) const;
  void configureClient(void* socket) const;

  const AdmissionPolicy& policy() const { return policy_; }
  const KeyPair& clusterKeys() const { return clusterKeys_; }
  const KeyPair& clientKeys() const { return nodeKeys_ ? *nodeKeys_ : clusterKeys_; }

 private:
  KeyPair clusterKeys_;
  std::optional<KeyPair> nodeKeys_;
  AdmissionPolicy policy_;
};

}  // namespace fnd::dist::security
