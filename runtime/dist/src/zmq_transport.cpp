// ZeroMQ transport: a ROUTER bound at the node's address receives from every peer (ROUTER_HANDOVER: a
// restarted peer with the same routing id takes over its old pipe), and one DEALER per peer, whose
// routing id is this node's name, sends to that peer's ROUTER. Traffic in each direction thus has its own
// TCP connection, which ZeroMQ re-establishes by itself; what a dropped connection loses, the link layer
// resends. An eventfd in the same zmq_poll set lets other threads wake the network thread.
//
// Secured (ZmqOptions::security): a ZAP handler runs in this transport's own context, the ROUTER is a
// CURVE server and the DEALERs CURVE clients; a socket monitor on each socket, read in the same poll,
// forwards handshake failures to the refusal counters (failures before ZAP are visible only there).
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/zap_handler.hpp"
#include "fnd/dist/transport.hpp"
#include "fnd/log.hpp"

namespace fnd::dist {

namespace {
// ZeroMQ binds a TCP endpoint to an IP address or an interface name, not to a host name: for
// "tcp://localhost:7001" it would look for an interface called "localhost" (ENODEV). A host name
// is resolved here to its first address. Returns the endpoint to bind, or an error message.
std::string bindable_endpoint(const std::string& endpoint, std::string& error) {
  constexpr std::string_view kTcp = "tcp://";
  if (endpoint.rfind(kTcp, 0) != 0) return endpoint;
  const auto colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon < kTcp.size()) return endpoint;
  const std::string host = endpoint.substr(kTcp.size(), colon - kTcp.size());
  if (host.empty() || host == "*" || host.front() == '[') return endpoint;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) == 0) {  // already an address
    ::freeaddrinfo(found);
    return endpoint;
  }
  hints.ai_flags = AI_ADDRCONFIG;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
    error = "cannot resolve host '" + host + "': " + ::gai_strerror(rc);
    return {};
  }
  char text[INET6_ADDRSTRLEN] = {};
  const bool v6 = found->ai_family == AF_INET6;
  const void* a = v6 ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr)
                     : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr);
  ::inet_ntop(found->ai_family, a, text, sizeof text);
  ::freeaddrinfo(found);
  return std::string(kTcp) + (v6 ? "[" + std::string(text) + "]" : std::string(text)) + endpoint.substr(colon);
}

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
  // Reads the pending events and forwards them to `metrics` (secured transports); the first failure
  // is logged unless `logged` says it was already (a socket made again for the same peer has a new
  // monitor). Returns whether a handshake failed.
  bool drain(security::SecurityMetrics* metrics, bool& logged) {
    bool failed = false;
    for (int i = 0; i < 64; ++i) {
      zmq::message_t ev, addr;
      if (!pair_.recv(ev, zmq::recv_flags::dontwait)) break;
      if (ev.more()) (void)pair_.recv(addr, zmq::recv_flags::dontwait);
      if (ev.size() < 2) continue;
      uint16_t event;
      std::memcpy(&event, ev.data(), 2);
      failed = true;
      if (metrics) metrics->noteMonitorEvent(side_, event);
      if (!logged) {
        logged = true;
        log::warning(!metrics ? "dist: a peer refused our handshake (a node with 'security: curve' at its address?)"
                     : side_ == security::SocketSide::Server
                         ? "dist: refused a connection attempt (CurveZMQ handshake failed: no or wrong cluster keys)"
                         : "dist: a peer refused our CurveZMQ handshake (different cluster keys?)");
      }
    }
    return failed;
  }

 private:
  void* watched_;
  security::SocketSide side_;
  zmq::socket_t pair_;
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
      router_.set(zmq::sockopt::ipv6, 1);  // "tcp://[::1]:7001" (an IPv4 address still works)
      if (opts_.security) {
        zap_->start();  // before the ROUTER binds: no handshake is ever decided without it
        opts_.security->configureServer(router_.handle());
        router_monitor_ = std::make_unique<HandshakeMonitor>(ctx_, router_, security::SocketSide::Server);
      }
      if (opts_.configure) opts_.configure(router_, true);
      std::string unresolved;
      const std::string at = bindable_endpoint(endpoint, unresolved);
      if (at.empty())
        return Error("bind_failed", "cannot listen at " + endpoint + ": " + unresolved, "io").with("endpoint", endpoint);
      router_.bind(at);
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
    open_peer(node, address, false);
  }

  void disconnect(const std::string& node) override { dealers_.erase(node); }

  // A DEALER to `node` at `address`. Every DEALER has a handshake monitor: a failed handshake (the
  // peer's security differs, e.g. another program was at its address) ends libzmq's session for
  // good, with no reconnect, so the poll makes such a socket again a second later.
  void open_peer(const std::string& node, const std::string& address, bool refusal_logged) {
    try {
      Peer p{zmq::socket_t(ctx_, zmq::socket_type::dealer), address};
      p.refusal_logged = refusal_logged;
      p.sock.set(zmq::sockopt::linger, 0);
      p.sock.set(zmq::sockopt::routing_id, self_);
      p.sock.set(zmq::sockopt::sndhwm, opts_.send_hwm);
      p.sock.set(zmq::sockopt::reconnect_ivl, 50);
      p.sock.set(zmq::sockopt::reconnect_ivl_max, 1000);
      p.sock.set(zmq::sockopt::ipv6, 1);
      if (opts_.security) opts_.security->configureClient(p.sock.handle());
      p.monitor = std::make_unique<HandshakeMonitor>(ctx_, p.sock, security::SocketSide::Client);
      if (opts_.configure) opts_.configure(p.sock, false);
      p.sock.connect(address);
      dealers_.emplace(node, std::move(p));
    } catch (const zmq::error_t& e) {
      log::warning("dist: cannot connect to " + node + " at " + address + ": " + e.what());
    } catch (const security::SecurityError& e) {
      log::warning("dist: cannot secure the connection to " + node + ": " + e.what());
    }
  }

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
    // The handshake monitors are read in the same poll.
    if (router_monitor_) items_.push_back({router_monitor_->handle(), 0, ZMQ_POLLIN, 0});
    for (auto& [n, p] : dealers_)
      if (p.monitor) items_.push_back({p.monitor->handle(), 0, ZMQ_POLLIN, 0});
    try {
      zmq::poll(items_.data(), items_.size(), timeout);
    } catch (const zmq::error_t&) {
      return;  // EINTR
    }
    if (items_.size() > 2) {
      security::SecurityMetrics* metrics = zap_ ? &zap_->metrics() : nullptr;
      const auto now = std::chrono::steady_clock::now();
      try {
        if (router_monitor_) router_monitor_->drain(metrics, router_refusal_logged_);
        for (auto& [n, p] : dealers_)
          if (p.monitor && p.monitor->drain(metrics, p.refusal_logged) && !p.retry_at)
            p.retry_at = now + std::chrono::seconds(1);
      } catch (const zmq::error_t&) {
      }
      reopen_refused(now);
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
    std::optional<std::chrono::steady_clock::time_point> retry_at;  // a handshake failed: made again then
    bool refusal_logged = false;
  };

  // The DEALERs whose handshake failed a second ago are made again (the address may hold the right
  // node by now); a second refusal is not logged again.
  void reopen_refused(std::chrono::steady_clock::time_point now) {
    std::vector<std::pair<std::string, std::string>> due;
    for (auto& [n, p] : dealers_)
      if (p.retry_at && *p.retry_at <= now) due.emplace_back(n, p.address);
    for (auto& [n, a] : due) {
      dealers_.erase(n);
      open_peer(n, a, true);
    }
  }
  ZmqOptions opts_;
  zmq::context_t ctx_;
  std::unique_ptr<security::ZapHandler> zap_;  // secured only; outlives the sockets' use of it
  zmq::socket_t router_;
  std::unique_ptr<HandshakeMonitor> router_monitor_;
  std::vector<zmq::pollitem_t> items_;
  std::unordered_map<std::string, Peer> dealers_;
  std::string self_;
  bool router_refusal_logged_ = false;
  int efd_ = -1;
  bool closed_ = false;
};
}  // namespace

std::unique_ptr<Transport> make_zmq_transport(ZmqOptions options) {
  return std::make_unique<ZmqTransport>(std::move(options));
}

}  // namespace fnd::dist
