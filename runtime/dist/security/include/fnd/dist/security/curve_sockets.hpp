// Socket options for CurveZMQ, set before bind/connect. Sockets are raw libzmq handles
// (zmq::socket_t::handle() with cppzmq). Errors throw SecurityError.
#pragma once

#include <string>

#include "fnd/dist/security/keys.hpp"

namespace fnd::dist::security {

// The listening side (the node's ROUTER): CURVE server with the cluster's secret key, every
// handshake checked by the ZAP handler of the socket's context under zapDomain, and
// ZMQ_ZAP_ENFORCE_DOMAIN so that no handler means no admission.
void configureCurveServer(void* socket, const KeyPair& serverKeys, const std::string& zapDomain);

// The connecting side (a DEALER to a peer): CURVE client that expects the server's public key and
// presents its own key pair.
void configureCurveClient(void* socket, const PublicKey& serverKey, const KeyPair& clientKeys);

}  // namespace fnd::dist::security
