// Sockets on loopback TCP for the admission tests: a CURVE server (ROUTER) with the ZAP handler, a
// client (DEALER) set up per test, and socket monitors to wait for the handshake's outcome. The
// receive timeouts only keep a broken build from hanging; no result depends on timing.
#pragma once

#include <zmq.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "fnd/dist/security/curve_sockets.hpp"
#include "fnd/dist/security/keys.hpp"
#include "fnd/dist/security/zap_handler.hpp"

namespace fnd::dist::security::test {

inline constexpr int kHangGuardMs = 10000;

struct MonitorEvent {
  std::uint16_t event;
  std::uint32_t value;
};

inline void setInt(void* s, int opt, int v) {
  if (zmq_setsockopt(s, opt, &v, sizeof v) != 0) throw std::runtime_error(zmq_strerror(zmq_errno()));
}

// A PAIR connected to zmq_socket_monitor of a socket.
class Monitor {
 public:
  Monitor(void* ctx, void* socket, int events) : socket_(socket) {
    static std::atomic<int> n{0};
    std::string ep = "inproc://test-monitor-" + std::to_string(n++);
    if (zmq_socket_monitor(socket, ep.c_str(), events) != 0) throw std::runtime_error("zmq_socket_monitor");
    pair_ = zmq_socket(ctx, ZMQ_PAIR);
    setInt(pair_, ZMQ_LINGER, 0);
    setInt(pair_, ZMQ_RCVTIMEO, kHangGuardMs);
    if (zmq_connect(pair_, ep.c_str()) != 0) throw std::runtime_error("monitor connect");
  }
  // Stops the monitor first: libzmq's IO thread blocks on sending an event to a monitor whose
  // reader is gone, which would stall every socket of the context.
  ~Monitor() {
    zmq_socket_monitor(socket_, nullptr, 0);
    zmq_close(pair_);
  }
  // The next event, or nullopt if none came within the hang guard.
  std::optional<MonitorEvent> next() {
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, pair_, 0) < 0) {
      zmq_msg_close(&m);
      return std::nullopt;
    }
    MonitorEvent e{};
    const auto* d = static_cast<const std::uint8_t*>(zmq_msg_data(&m));
    std::memcpy(&e.event, d, 2);
    std::memcpy(&e.value, d + 2, 4);
    bool more = zmq_msg_more(&m);
    zmq_msg_close(&m);
    while (more) {  // the endpoint frame
      zmq_msg_init(&m);
      zmq_msg_recv(&m, pair_, 0);
      more = zmq_msg_more(&m);
      zmq_msg_close(&m);
    }
    return e;
  }
  // The first handshake outcome (succeeded or failed), skipping connection events. Throws if
  // none comes (a hang guard, not a timing condition).
  MonitorEvent handshakeOutcome() {
    for (;;) {
      auto e = next();
      if (!e) throw std::runtime_error("no handshake outcome from the socket monitor");
      if (e->event & (ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                      ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH))
        return *e;
    }
  }

 private:
  void* socket_;
  void* pair_;
};

inline constexpr int kHandshakeEvents = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                        ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

// A CURVE ROUTER on 127.0.0.1 with a monitor; the ZAP handler is the test's.
class CurveServer {
 public:
  CurveServer(void* ctx, const KeyPair& keys, const std::string& domain = kDefaultZapDomain) {
    socket_ = zmq_socket(ctx, ZMQ_ROUTER);
    setInt(socket_, ZMQ_LINGER, 0);
    setInt(socket_, ZMQ_RCVTIMEO, kHangGuardMs);
    configureCurveServer(socket_, keys, domain);
    monitor_.emplace(ctx, socket_, kHandshakeEvents);
    if (zmq_bind(socket_, "tcp://127.0.0.1:*") != 0) throw std::runtime_error("bind");
    char ep[256];
    size_t len = sizeof ep;
    zmq_getsockopt(socket_, ZMQ_LAST_ENDPOINT, ep, &len);
    endpoint_ = ep;
  }
  ~CurveServer() {
    monitor_.reset();
    zmq_close(socket_);
  }
  void* socket() { return socket_; }
  Monitor& monitor() { return *monitor_; }
  const std::string& endpoint() const { return endpoint_; }
  bool hasMessage() {
    zmq_pollitem_t item{socket_, 0, ZMQ_POLLIN, 0};
    return zmq_poll(&item, 1, 0) == 1;
  }

 private:
  void* socket_;
  std::optional<Monitor> monitor_;
  std::string endpoint_;
};

// A DEALER that tries to connect once (no reconnect: one attempt, one verdict).
class Client {
 public:
  explicit Client(void* ctx) {
    socket_ = zmq_socket(ctx, ZMQ_DEALER);
    setInt(socket_, ZMQ_LINGER, 0);
    setInt(socket_, ZMQ_RCVTIMEO, kHangGuardMs);
    setInt(socket_, ZMQ_SNDTIMEO, kHangGuardMs);
    setInt(socket_, ZMQ_RECONNECT_IVL, -1);
  }
  ~Client() {
    monitor_.reset();
    zmq_close(socket_);
  }
  void* socket() { return socket_; }
  void connect(void* ctx, const std::string& endpoint) {
    monitor_.emplace(ctx, socket_, kHandshakeEvents);
    if (zmq_connect(socket_, endpoint.c_str()) != 0) throw std::runtime_error("connect");
  }
  Monitor& monitor() { return *monitor_; }

 private:
  void* socket_;
  std::optional<Monitor> monitor_;
};

inline bool sendText(void* s, const std::string& text, int flags = 0) {
  return zmq_send(s, text.data(), text.size(), flags) == static_cast<int>(text.size());
}

// One frame as text, or nullopt (timeout/error).
inline std::optional<std::string> recvText(void* s, zmq_msg_t* keep = nullptr) {
  zmq_msg_t m;
  zmq_msg_init(&m);
  if (zmq_msg_recv(&m, s, 0) < 0) {
    zmq_msg_close(&m);
    return std::nullopt;
  }
  std::string out(static_cast<const char*>(zmq_msg_data(&m)), zmq_msg_size(&m));
  if (keep)
    zmq_msg_move(keep, &m);
  zmq_msg_close(&m);
  return out;
}

}  // namespace fnd::dist::security::test
