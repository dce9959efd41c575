#include "fnd/dist/security/cluster_security.hpp"

#include "fnd/dist/security/allow_list.hpp"
#include "fnd/dist/security/curve_sockets.hpp"
#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/key_file.hpp"

namespace fnd::dist::security {

ClusterSecurity ClusterSecurity::load(const SecuritySettings& s) {
  if (s.clusterKeyFile.empty()) throw SecurityError("no cluster key file given (create one with 'fndc keygen')");
  KeyPair cluster = loadKeyPairFile(s.clusterKeyFile);
  std::optional<KeyPair> node;
  if (!s.nodeKeyFile.empty()) node = loadKeyPairFile(s.nodeKeyFile);
  AdmissionPolicy policy;
  policy.domain = s.zapDomain;
  policy.clusterKey = cluster.publicKey;
  policy.admitClusterKey = s.admitClusterKey;
  if (!s.allowListFile.empty()) policy.allowed = loadAllowListFile(s.allowListFile);
  if (node && !policy.admits(node->publicKey))
    throw SecurityError("the node key " + s.nodeKeyFile + " is not in the allow-list" +
                        (s.allowListFile.empty() ? std::string(" (none given)") : " " + s.allowListFile) +
                        ": other nodes would refuse this one");
  return ClusterSecurity(std::move(cluster), std::move(node), std::move(policy));
}

ClusterSecurity::ClusterSecurity(KeyPair clusterKeys, std::optional<KeyPair> nodeKeys, AdmissionPolicy policy)
    : clusterKeys_(std::move(clusterKeys)), nodeKeys_(std::move(nodeKeys)), policy_(std::move(policy)) {
  if (policy_.domain.empty()) throw SecurityError("the ZAP domain must not be empty");
  if (!policy_.admitClusterKey && policy_.allowed.empty())
    throw SecurityError("no node could join: the cluster key is not admitted and the allow-list is empty");
  if (!policy_.admits(clientKeys().publicKey))
    throw SecurityError("this node's client key is not admitted by its own policy: other nodes would refuse it");
}

void ClusterSecurity::configureServer(void* socket) const {
  configureCurveServer(socket, clusterKeys_, policy_.domain);
}

void ClusterSecurity::configureClient(void* socket) const {
  configureCurveClient(socket, clusterKeys_.publicKey, clientKeys());
}

}  // namespace fnd::dist::security
