// ZeroMQ transport: a ROUTER bound at the node's address receives from every peer (ROUTER_HANDOVER: a
// restarted peer with the same routing id takes over its old pipe), and one DEALER per peer, whose
// routing id is this node's name, sends to that peer's ROUTER. Traffic in each direction thus has its own
// TCP connection, which ZeroMQ re-establishes by itself; what a dropped connection loses, the link layer
// resends. An eventfd in the same zmq_poll set lets other threads wake the network thread.
//
// Secured (ZmqOptions::security): a ZAP handler runs in this transport's own context, the ROUTER is a
// CURVE server and the DEALERs CURVE clients; a socket monitor on each socket, read in the same poll,
// forwards handshake failures to the refusal counters (failures before ZAP are visible only there).
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/zap_handler.hpp"
#include "fnd/dist/transport.hpp"
#include "fnd/log.hpp"

namespace fnd::dist {

namespace {
// A zmq_socket_monitor of one socket, read through a PAIR. Stopped before the PAIR closes (libzmq's
// I/O thread would otherwise block sending an event nobody reads).
class HandshakeMonitor {
 public:
  HandshakeMonitor(zmq::context_t& ctx, zmq::socket_t& watched, security::SocketSide side)
      : watched_(watched.handle()), side_(side), pair_(ctx, zmq::socket_type::pair) {
    static std::atomic<uint64_t> next{0};
    std::string ep = "inproc://fnd-dist-monitor-" + std::to_string(next.fetch_add(1));
    int events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                 ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
    if (zmq_socket_monitor(watched_, ep.c_str(), events) != 0) throw zmq::error_t();
    pair_.set(zmq::sockopt::linger, 0);
    pair_.connect(ep);
  }
  ~HandshakeMonitor() {
    zmq_socket_monitor(watched_, nullptr, 0);
    pair_.close();
  }
  HandshakeMonitor(const HandshakeMonitor&) = delete;
  HandshakeMonitor& operator=(const HandshakeMonitor&) = delete;
  void* handle() { return pair_.handle(); }
  // Reads the pending events and forwards them.
  void drain(security::SecurityMetrics& metrics) {
    for (int i = 0; i < 64; ++i) {
      zmq::message_t ev, addr;
      if (!pair_.recv(ev, zmq::recv_flags::dontwait)) return;
      if (ev.more()) (void)pair_.recv(addr, zmq::recv_flags::dontwait);
      if (ev.size() < 2) continue;
      uint16_t event;
      std::memcpy(&event, ev.data(), 2);
      metrics.noteMonitorEvent(side_, event);
      if (!refused_logged_) {
        refused_logged_ = true;
        log::warning(side_ == security::SocketSide::Server
                         ? "dist: refused a connection attempt (CurveZMQ handshake failed: no or wrong cluster keys)"
                         : "dist: a peer refused our CurveZMQ handshake (different cluster keys?)");
      }
    }
  }

 private:
  void* watched_;
  security::SocketSide side_;
  zmq::socket_t pair_;
  bool refused_logged_ = false;
};

class ZmqTransport final : public Transport {
 public:
  explicit ZmqTransport(ZmqOptions o) : opts_(std::move(o)), router_(ctx_, zmq::socket_type::router) {
    efd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (opts_.security) zap_ = std::make_unique<security::ZapHandler>(ctx_.handle(), opts_.security->policy());
  }
  ~ZmqTransport() override { close(); }

  Result<std::string> bind(const std::string& self, const std::string& endpoint) override {
    self_ = self;
    try {
      router_.set(zmq::sockopt::linger, 0);
      router_.set(zmq::sockopt::router_handover, 1);
      router_.set(zmq::sockopt::rcvhwm, opts_.recv_hwm);
      router_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(opts_.max_message));
      if (opts_.security) {
        zap_->start();  // before the ROUTER binds: no handshake is ever decided without it
        opts_.security->configureServer(router_.handle());
        router_monitor_ = std::make_unique<HandshakeMonitor>(ctx_, router_, security::SocketSide::Server);
      }
      if (opts_.configure) opts_.configure(router_, true);
      router_.bind(endpoint);
      return router_.get(zmq::sockopt::last_endpoint);
    } catch (const zmq::error_t& e) {
      return Error("bind_failed", "cannot listen at " + endpoint + ": " + e.what(), "io").with("endpoint", endpoint);
    } catch (const security::SecurityError& e) {
      return Error("security_failed", std::string("cannot secure the listening socket: ") + e.what(), "security");
    }
  }

  std::optional<security::SecurityStats> security_stats() const override {
    if (!zap_) return std::nullopt;
    return zap_->metrics().snapshot();
  }

  void connect(const std::string& node, const std::string& address) override {
    auto it = dealers_.find(node);
    if (it != dealers_.end()) {
      if (it->second.address == address) return;
      dealers_.erase(it);
    }
    try {
      Peer p{zmq::socket_t(ctx_, zmq::socket_type::dealer), address};
      p.sock.set(zmq::sockopt::linger, 0);
      p.sock.set(zmq::sockopt::routing_id, self_);
      p.sock.set(zmq::sockopt::sndhwm, opts_.send_hwm);
      p.sock.set(zmq::sockopt::reconnect_ivl, 50);
      p.sock.set(zmq::sockopt::reconnect_ivl_max, 1000);
      if (opts_.security) {
        opts_.security->configureClient(p.sock.handle());
        p.monitor = std::make_unique<HandshakeMonitor>(ctx_, p.sock, security::SocketSide::Client);
      }
      if (opts_.configure) opts_.configure(p.sock, false);
      p.sock.connect(address);
      dealers_.emplace(node, std::move(p));
    } catch (const zmq::error_t& e) {
      log::warning("dist: cannot connect to " + node + " at " + address + ": " + e.what());
    } catch (const security::SecurityError& e) {
      log::warning("dist: cannot secure the connection to " + node + ": " + e.what());
    }
  }

  void disconnect(const std::string& node) override { dealers_.erase(node); }

  bool send(const std::string& node, zmq::message_t&& packet) override {
    auto it = dealers_.find(node);
    if (it == dealers_.end()) return false;
    try {
      return it->second.sock.send(packet, zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t&) {
      return false;
    }
  }

  void poll(std::chrono::milliseconds timeout, const OnPacket& on_packet) override {
    items_.assign({{router_.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, efd_, ZMQ_POLLIN, 0}});
    if (zap_) {  // the handshake monitors are read in the same poll
      if (router_monitor_) items_.push_back({router_monitor_->handle(), 0, ZMQ_POLLIN, 0});
      for (auto& [n, p] : dealers_)
        if (p.monitor) items_.push_back({p.monitor->handle(), 0, ZMQ_POLLIN, 0});
    }
    try {
      zmq::poll(items_.data(), items_.size(), timeout);
    } catch (const zmq::error_t&) {
      return;  // EINTR
    }
    if (items_.size() > 2) {
      try {
        if (router_monitor_) router_monitor_->drain(zap_->metrics());
        for (auto& [n, p] : dealers_)
          if (p.monitor) p.monitor->drain(zap_->metrics());
      } catch (const zmq::error_t&) {
      }
    }
    if (items_[1].revents & ZMQ_POLLIN) {
      uint64_t v;
      (void)!::read(efd_, &v, sizeof v);
    }
    // A bounded batch, so timers and the send queue get their turn under a flood.
    for (int i = 0; i < 4096; ++i) {
      zmq::message_t id;
      try {
        if (!router_.recv(id, zmq::recv_flags::dontwait)) return;
        if (!id.more()) continue;  // cannot happen with ROUTER: the body part follows
        zmq::message_t body;
        if (!router_.recv(body, zmq::recv_flags::dontwait)) return;
        if (body.more()) {  // a multipart message from a foreign sender: drain and reject it whole
          zmq::message_t rest;
          while (body.more() && router_.recv(rest, zmq::recv_flags::dontwait) && rest.more()) {
          }
          zmq::message_t bad;  // empty: counted as malformed above us
          on_packet(id.to_string_view(), bad);
          continue;
        }
        on_packet(id.to_string_view(), body);
      } catch (const zmq::error_t&) {
        return;
      }
    }
  }

  void wake() override {
    uint64_t one = 1;
    (void)!::write(efd_, &one, sizeof one);
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    dealers_.clear();
    router_monitor_.reset();
    router_.close();
    if (zap_) zap_->stop();  // before the context terminates (it waits for the handler's sockets)
    ctx_.close();
    if (efd_ >= 0) ::close(efd_);
    efd_ = -1;
  }

 private:
  struct Peer {
    zmq::socket_t sock;
    std::string address;
    std::unique_ptr<HandshakeMonitor> monitor;  // destroyed before sock (declared after it)
  };
  ZmqOptions opts_;
  zmq::context_t ctx_;
  std::unique_ptr<security::ZapHandler> zap_;  // secured only; outlives the sockets' use of it
  zmq::socket_t router_;
  std::unique_ptr<HandshakeMonitor> router_monitor_;
  std::vector<zmq::pollitem_t> items_;
  std::unordered_map<std::string, Peer> dealers_;
  std::string self_;
  int efd_ = -1;
  bool closed_ = false;
};
}  // namespace

std::unique_ptr<Transport> make_zmq_transport(ZmqOptions options) {
  return std::make_unique<ZmqTransport>(std::move(options));
}

}  // namespace fnd::dist
