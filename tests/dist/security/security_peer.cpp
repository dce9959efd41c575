// A node-like peer process for test_security_multiproc: loads its keys from key files (as a node
// would), connects a DEALER to ENDPOINT, sends "ping" and waits for "pong".
//   security_peer ENDPOINT CLUSTER_PUBLIC_KEY_FILE CLIENT_KEY_PAIR_FILE
//   security_peer ENDPOINT none                  (no keys: the NULL mechanism)
// Exit status: 0 got pong, 3 refused by the server's ZAP handler, 5 other handshake failure,
// 4 no outcome (hang guard), 2 usage or key file error (message on stderr).
#include <zmq.h>

#include <cstdio>
#include <string>

#include "curve_fixture.hpp"
#include "fnd/dist/security/curve_sockets.hpp"
#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/key_file.hpp"

using namespace fnd::dist::security;
using namespace fnd::dist::security::test;

namespace {

int run(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: security_peer ENDPOINT (none | SERVER_KEY_FILE CLIENT_KEY_FILE)\n");
    return 2;
  }
  void* ctx = zmq_ctx_new();
  int status = 4;
  {
    Client client(ctx);
    if (argc == 4) configureCurveClient(client.socket(), loadPublicKeyFile(argv[2]), loadKeyPairFile(argv[3]));
    client.connect(ctx, argv[1]);
    MonitorEvent outcome = client.monitor().handshakeOutcome();
    if (outcome.event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      if (sendText(client.socket(), "ping") && recvText(client.socket()) == std::optional<std::string>("pong"))
        status = 0;
    } else {
      status = outcome.event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ? 3 : 5;
    }
  }
  zmq_ctx_term(ctx);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const SecurityError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "security_peer: %s\n", e.what());
    return 4;
  }
}
