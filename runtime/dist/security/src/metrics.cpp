#include "fnd/dist/security/metrics.hpp"

#include <zmq.h>

namespace fnd::dist::security {

void SecurityMetrics::count(ZapVerdict v) {
  constexpr auto r = std::memory_order_relaxed;
  switch (v) {
    case ZapVerdict::Admitted: admitted_.fetch_add(1, r); break;
    case ZapVerdict::UnknownKey: unknownKey_.fetch_add(1, r); break;
    case ZapVerdict::WrongMechanism: mechanism_.fetch_add(1, r); break;
    case ZapVerdict::WrongDomain: domain_.fetch_add(1, r); break;
    case ZapVerdict::Malformed: malformed_.fetch_add(1, r); break;
  }
}

void SecurityMetrics::noteMonitorEvent(SocketSide side, std::uint16_t event) {
  bool failed = event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL || event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
                event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
  if (!failed) return;
  if (side == SocketSide::Client) {
    refusedByPeer_.fetch_add(1, std::memory_order_relaxed);
  } else if (event != ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
    inboundHandshake_.fetch_add(1, std::memory_order_relaxed);
  }
}

SecurityStats SecurityMetrics::snapshot() const {
  constexpr auto r = std::memory_order_relaxed;
  SecurityStats s;
  s.admitted = admitted_.load(r);
  s.refusedUnknownKey = unknownKey_.load(r);
  s.refusedMechanism = mechanism_.load(r);
  s.refusedDomain = domain_.load(r);
  s.malformedRequests = malformed_.load(r);
  s.inboundHandshakeFailures = inboundHandshake_.load(r);
  s.refusedByPeer = refusedByPeer_.load(r);
  return s;
}

}  // namespace fnd::dist::security
