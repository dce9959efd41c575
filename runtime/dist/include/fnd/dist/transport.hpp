// The packet transport under the reliable links. One node owns one Transport, used only from the node's
// network thread (ZeroMQ sockets are not thread-safe) except wake(). Packets may be lost, duplicated or
// reordered by a transport: the link layer above repairs all of that.
//   ZmqTransport    ROUTER (bound, receives from every peer) + one DEALER per peer (connects, sends)
//   FaultTransport  in-process, with injected drops, duplicates, delays, reordering and partitions
//                   (fnd/dist/fault_transport.hpp)
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "fnd/dist/security/cluster_security.hpp"
#include "fnd/dist/security/metrics.hpp"
#include "fnd/error.hpp"

namespace fnd::dist {

class Transport {
 public:
  using OnPacket = std::function<void(std::string_view from_node, zmq::message_t& packet)>;
  virtual ~Transport() = default;
  // Listens at `endpoint` as node `self_name`; returns the address peers should connect to.
  virtual Result<std::string> bind(const std::string& self_name, const std::string& endpoint) = 0;
  // Prepares sending to `node` at `address` (idempotent; a changed address reconnects).
  virtual void connect(const std::string& node, const std::string& address) = 0;
  virtual void disconnect(const std::string& node) = 0;
  // Queues one packet; false if it cannot be queued now (unknown peer, queue full). Never blocks.
  virtual bool send(const std::string& node, zmq::message_t&& packet) = 0;
  // Waits up to `timeout` for packets or wake(); hands each received packet to on_packet.
  virtual void poll(std::chrono::milliseconds timeout, const OnPacket& on_packet) = 0;
  // Thread-safe: makes a poll() in progress (or the next one) return.
  virtual void wake() = 0;
  virtual void close() = 0;
  // Admissions and refusals of a secured transport (thread-safe); nullopt when it is not secured.
  virtual std::optional<security::SecurityStats> security_stats() const { return std::nullopt; }
};

struct ZmqOptions {
  int send_hwm = 100000;  // per peer; the link window bounds what is really outstanding
  int recv_hwm = 100000;
  size_t max_message = 16u << 20;  // ZMQ_MAXMSGSIZE on the listening socket (peer disconnected above)
  // Called for every socket before bind/connect: where CurveZMQ keys and the ZAP domain are set
  // (runtime/dist/security). `listening` is true for the ROUTER.
  std::function<void(zmq::socket_t& socket, bool listening)> configure;
  // CurveZMQ for the whole cluster (docs/distribution.md "Security"): the transport runs a ZAP handler
  // in its own ZeroMQ context, makes its ROUTER a CURVE server and its DEALERs CURVE clients, and
  // forwards its sockets' handshake failures to the refusal counters. A peer without the cluster keys
  // is refused (fails closed). Applied before `configure`.
  std::optional<security::ClusterSecurity> security;
};

std::unique_ptr<Transport> make_zmq_transport(ZmqOptions options = {});

}  // namespace fnd::dist
