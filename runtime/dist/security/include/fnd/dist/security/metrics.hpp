// Counters of admissions and refusals, safe to read and bump from any thread. The ZAP handler
// counts its own verdicts; handshakes that fail before reaching it (a NULL client at a CURVE socket,
// a client that uses the wrong server key) are only visible to a socket monitor, so the transport
// forwards its monitor events here (noteMonitorEvent).
#pragma once

#include <atomic>
#include <cstdint>

#include "fnd/dist/security/admission.hpp"

namespace fnd::dist::security {

struct SecurityStats {
  std::uint64_t admitted = 0;
  std::uint64_t refusedUnknownKey = 0;     // CURVE client with a key that is not admitted
  std::uint64_t refusedMechanism = 0;      // ZAP request for NULL/PLAIN/... (never admitted)
  std::uint64_t refusedDomain = 0;         // ZAP request for another domain
  std::uint64_t malformedRequests = 0;     // malformed ZAP requests (refused)
  std::uint64_t inboundHandshakeFailures = 0;  // server-side handshake failures before/without ZAP
  std::uint64_t refusedByPeer = 0;         // our client handshakes that a peer refused or failed

  // Every refused inbound connection attempt this node saw.
  std::uint64_t refusals() const {
    return refusedUnknownKey + refusedMechanism + refusedDomain + malformedRequests + inboundHandshakeFailures;
  }
};

enum class SocketSide { Server, Client };

class SecurityMetrics {
 public:
  void count(ZapVerdict v);
  // event: a ZMQ_EVENT_* from zmq_socket_monitor of a socket set up by this library. Counts the
  // handshake failures; other events are ignored. On a server socket, HANDSHAKE_FAILED_AUTH is the
  // ZAP handler's refusal, already counted by it, so it is not counted again.
  void noteMonitorEvent(SocketSide side, std::uint16_t event);
  SecurityStats snapshot() const;

 private:
  std::atomic<std::uint64_t> admitted_{0}, unknownKey_{0}, mechanism_{0}, domain_{0}, malformed_{0};
  std::atomic<std::uint64_t> inboundHandshake_{0}, refusedByPeer_{0};
};

}  // namespace fnd::dist::security
