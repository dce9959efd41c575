// Separate processes on loopback TCP: keys made by keygen, loaded from files by a peer process
// (security_peer); the peer with the cluster's key pair exchanges messages, the others are refused.
#include <spawn.h>
#include <sys/wait.h>
#include <zmq.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "curve_fixture.hpp"
#include "fnd/dist/security/key_file.hpp"
#include "fnd/dist/security/keygen.hpp"
#include "fnd/dist/security/zap_handler.hpp"
#include "temp_dir.hpp"

extern char** environ;

using namespace fnd::dist::security;
using namespace fnd::dist::security::test;

namespace {

pid_t spawnPeer(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string exe = FND_SECURITY_PEER;
  argv.push_back(exe.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), environ) == 0);
  return pid;
}

int exitStatus(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
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

    pid_t member = spawnPeer({server.endpoint(), cluster.publicFile, cluster.secretFile});
    auto routingId = recvText(server.socket());
    REQUIRE(routingId);
    CHECK(recvText(server.socket()) == std::optional<std::string>("ping"));
    sendText(server.socket(), *routingId, ZMQ_SNDMORE);
    sendText(server.socket(), "pong");
    CHECK(exitStatus(member) == 0);
    CHECK(server.monitor().handshakeOutcome().event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);

    CHECK(exitStatus(spawnPeer({server.endpoint(), cluster.publicFile, stranger.secretFile})) == 3);
    CHECK(server.monitor().handshakeOutcome().event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
    CHECK(exitStatus(spawnPeer({server.endpoint(), "none"})) == 5);
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
