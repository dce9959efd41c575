// Closed membership on loopback TCP: the ZAP handler admits the cluster's keys (and allow-listed
// node keys) and refuses everything else; refusals are counted.
#include <zmq.h>

#include <catch2/catch.hpp>

#include "curve_fixture.hpp"
#include "fnd/dist/security/admission.hpp"
#include "fnd/dist/security/cluster_security.hpp"
#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/zap_handler.hpp"

using namespace fnd::dist::security;
using namespace fnd::dist::security::test;

namespace {

struct Context {
  void* ctx = zmq_ctx_new();
  ~Context() { zmq_ctx_term(ctx); }
};

AdmissionPolicy clusterPolicy(const KeyPair& cluster) {
  AdmissionPolicy p;
  p.clusterKey = cluster.publicKey;
  return p;
}

// A client with clientKeys connects; true if a message goes through and a reply comes back.
// The User-Id the server saw is stored in userId.
bool exchange(void* ctx, CurveServer& server, Client& client, std::string* userId = nullptr) {
  client.connect(ctx, server.endpoint());
  if (!sendText(client.socket(), "ping")) return false;
  auto routingId = recvText(server.socket());
  if (!routingId) return false;
  zmq_msg_t body;
  zmq_msg_init(&body);
  auto text = recvText(server.socket(), &body);
  if (userId) {
    const char* uid = zmq_msg_gets(&body, "User-Id");
    *userId = uid ? uid : "";
  }
  zmq_msg_close(&body);
  if (text != "ping") return false;
  sendText(server.socket(), *routingId, ZMQ_SNDMORE);
  sendText(server.socket(), "pong");
  return recvText(client.socket()) == std::optional<std::string>("pong");
}


// A context with a running ZAP handler that admits the cluster's keys. Destroyed in reverse order:
// the handler stops before its context terminates.
struct ClusterZap {
  Context c;
  KeyPair cluster = generateKeyPair();
  ZapHandler zap{c.ctx, clusterPolicy(cluster)};
  ClusterZap() { zap.start(); }
  SecurityStats stop() {
    zap.stop();
    return zap.metrics().snapshot();
  }
};

// The client connects and says something; the server's monitor tells how the handshake ended. The
// send may find the pipe closed already (a refused client).
MonitorEvent knock(void* ctx, CurveServer& server, Client& client) {
  client.connect(ctx, server.endpoint());
  sendText(client.socket(), "let me in", ZMQ_DONTWAIT);
  return server.monitor().handshakeOutcome();
}

}  // namespace

TEST_CASE("a client with the cluster keys is admitted and exchanges messages") {
  ClusterZap z;
  {
    CurveServer server(z.c.ctx, z.cluster);
    Client client(z.c.ctx);
    configureCurveClient(client.socket(), z.cluster.publicKey, z.cluster);
    std::string userId;
    REQUIRE(exchange(z.c.ctx, server, client, &userId));
    CHECK(userId == "cluster");
    CHECK(server.monitor().handshakeOutcome().event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  }
  SecurityStats s = z.stop();
  CHECK(s.admitted == 1);
  CHECK(s.refusals() == 0);
}

TEST_CASE("a client without keys (NULL mechanism) is refused") {
  ClusterZap z;
  {
    CurveServer server(z.c.ctx, z.cluster);
    Client client(z.c.ctx);
    auto outcome = knock(z.c.ctx, server, client);
    // PROTOCOL (mechanism mismatch), or NO_DETAIL if the client hung up first: refused either way.
    CHECK((outcome.event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL || outcome.event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL));
    if (outcome.event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
      CHECK(outcome.value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
    z.zap.metrics().noteMonitorEvent(SocketSide::Server, outcome.event);
    CHECK_FALSE(server.hasMessage());
  }
  SecurityStats s = z.stop();
  CHECK(s.admitted == 0);
  CHECK(s.inboundHandshakeFailures == 1);
  CHECK(s.refusals() == 1);
}

TEST_CASE("a client with keys that are not the cluster's is refused by ZAP") {
  ClusterZap z;
  KeyPair stranger = generateKeyPair();
  {
    CurveServer server(z.c.ctx, z.cluster);
    Client client(z.c.ctx);
    // It knows the cluster's public key (that is public), not its secret key.
    configureCurveClient(client.socket(), z.cluster.publicKey, stranger);
    auto outcome = knock(z.c.ctx, server, client);
    CHECK(outcome.event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
    CHECK(outcome.value == 400);
    // The client learns it was refused (ZAP status 400), which it counts as refusedByPeer.
    auto seen = client.monitor().handshakeOutcome();
    CHECK(seen.event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
    CHECK(seen.value == 400);
    z.zap.metrics().noteMonitorEvent(SocketSide::Server, outcome.event);  // counted by ZAP already
    z.zap.metrics().noteMonitorEvent(SocketSide::Client, seen.event);
    CHECK_FALSE(server.hasMessage());
  }
  SecurityStats s = z.stop();
  CHECK(s.admitted == 0);
  CHECK(s.refusedUnknownKey == 1);
  CHECK(s.refusedByPeer == 1);
  CHECK(s.refusals() == 1);
}

TEST_CASE("a client that expects another server key fails the handshake") {
  ClusterZap z;
  KeyPair otherCluster = generateKeyPair();
  {
    CurveServer server(z.c.ctx, z.cluster);
    Client client(z.c.ctx);
    configureCurveClient(client.socket(), otherCluster.publicKey, otherCluster);
    auto outcome = knock(z.c.ctx, server, client);
    CHECK(outcome.event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    CHECK(outcome.value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC);
    CHECK_FALSE(server.hasMessage());
  }
  CHECK(z.stop().admitted == 0);
}

TEST_CASE("without a running ZAP handler nobody is admitted (fails closed)") {
  ClusterZap z;
  z.stop();  // e.g. during shutdown: the endpoint is gone
  CurveServer server(z.c.ctx, z.cluster);
  Client client(z.c.ctx);
  configureCurveClient(client.socket(), z.cluster.publicKey, z.cluster);  // the right keys
  CHECK(knock(z.c.ctx, server, client).event != ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  CHECK_FALSE(server.hasMessage());
}

TEST_CASE("allow-listed node keys are admitted under their name; replacing the policy revokes") {
  Context c;
  KeyPair cluster = generateKeyPair();
  KeyPair n2 = generateKeyPair();
  AdmissionPolicy policy = clusterPolicy(cluster);
  policy.admitClusterKey = false;
  policy.allowed.push_back({n2.publicKey, "n2", 1});
  ZapHandler zap(c.ctx, policy);
  zap.start();
  CurveServer server(c.ctx, cluster);
  {
    Client client(c.ctx);
    configureCurveClient(client.socket(), cluster.publicKey, n2);
    std::string userId;
    REQUIRE(exchange(c.ctx, server, client, &userId));
    CHECK(userId == "n2");
    REQUIRE(server.monitor().handshakeOutcome().event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  }
  {
    Client client(c.ctx);  // the cluster key itself is not admitted under this policy
    configureCurveClient(client.socket(), cluster.publicKey, cluster);
    CHECK(knock(c.ctx, server, client).event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  }
  policy.allowed.clear();
  policy.admitClusterKey = true;
  zap.replacePolicy(policy);
  {
    Client client(c.ctx);
    configureCurveClient(client.socket(), cluster.publicKey, n2);
    CHECK(knock(c.ctx, server, client).event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  }
  zap.stop();
  SecurityStats s = zap.metrics().snapshot();
  CHECK(s.admitted == 1);
  CHECK(s.refusedUnknownKey == 2);
}

TEST_CASE("ZAP requests for NULL, PLAIN, another domain or malformed ones are refused") {
  Context c;
  KeyPair cluster = generateKeyPair();
  ZapHandler zap(c.ctx, clusterPolicy(cluster));
  zap.start();
  void* req = zmq_socket(c.ctx, ZMQ_REQ);
  setInt(req, ZMQ_LINGER, 0);
  setInt(req, ZMQ_RCVTIMEO, kHangGuardMs);
  REQUIRE(zmq_connect(req, kZapEndpoint) == 0);
  auto ask = [&](std::vector<std::string> frames) {
    for (std::size_t i = 0; i < frames.size(); ++i)
      sendText(req, frames[i], i + 1 < frames.size() ? ZMQ_SNDMORE : 0);
    std::vector<std::string> reply;
    int more = 1;
    while (more) {
      auto f = recvText(req);
      if (!f) break;
      reply.push_back(*f);
      size_t len = sizeof more;
      zmq_getsockopt(req, ZMQ_RCVMORE, &more, &len);
    }
    return reply;
  };
  std::string key(reinterpret_cast<const char*>(cluster.publicKey.bytes.data()), 32);

  auto r = ask({"1.0", "7", kDefaultZapDomain, "127.0.0.1", "", "NULL"});
  REQUIRE(r.size() == 6);
  CHECK(r[0] == "1.0");
  CHECK(r[1] == "7");
  CHECK(r[2] == "400");
  CHECK(r[3] == "mechanism NULL is not allowed");
  r = ask({"1.0", "8", kDefaultZapDomain, "127.0.0.1", "", "PLAIN", "admin", "secret"});
  CHECK(r.at(2) == "400");
  r = ask({"1.0", "9", "other.domain", "127.0.0.1", "", "CURVE", key});
  CHECK(r.at(2) == "400");
  r = ask({"2.0", "10", kDefaultZapDomain, "127.0.0.1", "", "CURVE", key});
  CHECK(r.at(2) == "500");
  r = ask({"1.0", "11", kDefaultZapDomain, "127.0.0.1", "", "CURVE", key.substr(0, 31)});
  CHECK(r.at(2) == "500");
  r = ask({"1.0"});
  CHECK(r.at(2) == "500");
  r = ask({"1.0", "13", kDefaultZapDomain, "127.0.0.1", "", "CURVE", std::string(2000, 'k')});  // oversized frame
  CHECK(r.at(2) == "500");
  CHECK(r.at(1) == "13");
  r = ask(std::vector<std::string>(20, "1.0"));  // too many frames
  CHECK(r.at(2) == "500");
  r = ask({"1.0", "12", kDefaultZapDomain, "127.0.0.1", "", "CURVE", key});  // still serving
  CHECK(r.at(2) == "200");
  CHECK(r.at(4) == "cluster");
  zmq_close(req);
  zap.stop();
  SecurityStats s = zap.metrics().snapshot();
  CHECK(s.refusedMechanism == 2);
  CHECK(s.refusedDomain == 1);
  CHECK(s.malformedRequests == 5);
  CHECK(s.admitted == 1);
}

TEST_CASE("ZAP handler lifecycle: one per context, restartable, stop is idempotent") {
  Context c;
  KeyPair cluster = generateKeyPair();
  ZapHandler a(c.ctx, clusterPolicy(cluster));
  ZapHandler b(c.ctx, clusterPolicy(cluster));
  a.start();
  CHECK(a.running());
  CHECK_THROWS_WITH(a.start(), "the ZAP handler is already running");
  CHECK_THROWS_WITH(b.start(), "cannot bind the ZAP handler at inproc://zeromq.zap.01: another ZAP handler is "
                               "bound in this ZeroMQ context");
  a.stop();
  a.stop();
  CHECK_FALSE(a.running());
  b.start();  // the endpoint is free again
  CHECK(b.running());
}  // b's destructor stops it; zmq_ctx_term then returns (no socket left open)

TEST_CASE("ClusterSecurity rejects settings under which no node, or this node, could join") {
  KeyPair cluster = generateKeyPair();
  KeyPair node = generateKeyPair();
  AdmissionPolicy closed = clusterPolicy(cluster);
  closed.admitClusterKey = false;
  CHECK_THROWS_WITH(ClusterSecurity(cluster, std::nullopt, closed),
                    "no node could join: the cluster key is not admitted and the allow-list is empty");
  closed.allowed.push_back({generateKeyPair().publicKey, "other", 1});
  CHECK_THROWS_WITH(ClusterSecurity(cluster, node, closed),
                    "this node's client key is not admitted by its own policy: other nodes would refuse it");
  closed.allowed.push_back({node.publicKey, "me", 2});
  ClusterSecurity ok(cluster, node, closed);
  CHECK(ok.clientKeys().publicKey == node.publicKey);
}
