// Separate processes on loopback TCP: keys made by keygen, loaded from files by a peer process
// (security_peer); the peer with the cluster's key pair exchanges messages, the others are refused.
#include <zmq.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "curve_fixture.hpp"
#include "fnd/dist/security/key_file.hpp"
#include "fnd/dist/security/keygen.hpp"
#include "fnd/dist/security/zap_handler.hpp"
#include "temp_dir.hpp"

using namespace fnd::dist::security;
using namespace fnd::dist::security::test;
using fnd::dist::test::ChildProcess;

namespace {

// Starts security_peer with `args` (killed and reaped by ChildProcess if the test unwinds).
void startPeer(ChildProcess& peer, const std::vector<std::string>& args) {
  std::vector<std::string> argv{FND_SECURITY_PEER};
  argv.insert(argv.end(), args.begin(), args.end());
  REQUIRE(peer.start(argv));
}

// The peer's exit status (nullopt: killed by a signal, or still running after 30 s, a hang guard).
std::optional<int> peerExit(ChildProcess& peer) { return peer.wait_exit(std::chrono::seconds(30)); }

std::optional<int> runPeer(const std::vector<std::string>& args) {
  ChildProcess peer;
  startPeer(peer, args);
  return peerExit(peer);
}

}  // namespace

TEST_CASE("a peer process with the cluster's key files is admitted; others are refused") {
  TempDir dir;
  KeygenResult cluster = writeNewKeyPairFiles(dir.file("cluster"), false);
  KeygenResult stranger = writeNewKeyPairFiles(dir.file("stranger"), false);
  KeyPair clusterKeys = loadKeyPairFile(cluster.secretFile);

  void* ctx = zmq_ctx_new();
  {
    AdmissionPolicy policy;
    policy.clusterKey = clusterKeys.publicKey;
    ZapHandler zap(ctx, policy);
    zap.start();
    CurveServer server(ctx, clusterKeys);

    ChildProcess member;
    startPeer(member, {server.endpoint(), cluster.publicFile, cluster.secretFile});
    auto routingId = recvText(server.socket());
    REQUIRE(routingId);
    CHECK(recvText(server.socket()) == std::optional<std::string>("ping"));
    sendText(server.socket(), *routingId, ZMQ_SNDMORE);
    sendText(server.socket(), "pong");
    CHECK(peerExit(member) == 0);
    CHECK(server.monitor().handshakeOutcome().event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);

    CHECK(runPeer({server.endpoint(), cluster.publicFile, stranger.secretFile}) == 3);
    CHECK(server.monitor().handshakeOutcome().event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
    CHECK(runPeer({server.endpoint(), "none"}) == 5);
    // PROTOCOL (mechanism mismatch) or NO_DETAIL if the peer hung up first: refused either way.
    auto nullOutcome = server.monitor().handshakeOutcome().event;
    CHECK((nullOutcome == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL || nullOutcome == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL));
    CHECK_FALSE(server.hasMessage());
    zap.stop();
    SecurityStats s = zap.metrics().snapshot();
    CHECK(s.admitted == 1);
    CHECK(s.refusedUnknownKey == 1);
  }
  zmq_ctx_term(ctx);
}
