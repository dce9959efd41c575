// ZeroMQ transport: a ROUTER bound at the node's address receives from every peer (ROUTER_HANDOVER: a
// restarted peer with the same routing id takes over its old pipe), and one DEALER per peer, whose
// routing id is this node's name, sends to that peer's ROUTER. Traffic in each direction thus has its own
// TCP connection, which ZeroMQ re-establishes by itself; what a dropped connection loses, the link layer
// resends. An eventfd in the same zmq_poll set lets other threads wake the network thread.
#include <sys/eventfd.h>
#include <unistd.h>

#include <unordered_map>

#include "fnd/dist/transport.hpp"
#include "fnd/log.hpp"

namespace fnd::dist {

namespace {
class ZmqTransport final : public Transport {
 public:
  explicit ZmqTransport(ZmqOptions o) : opts_(std::move(o)), router_(ctx_, zmq::socket_type::router) {
    efd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  }
  ~ZmqTransport() override { close(); }

  Result<std::string> bind(const std::string& self, const std::string& endpoint) override {
    self_ = self;
    try {
      router_.set(zmq::sockopt::linger, 0);
      router_.set(zmq::sockopt::router_handover, 1);
      router_.set(zmq::sockopt::rcvhwm, opts_.recv_hwm);
      router_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(opts_.max_message));
      if (opts_.configure) opts_.configure(router_, true);
      router_.bind(endpoint);
      return router_.get(zmq::sockopt::last_endpoint);
    } catch (const zmq::error_t& e) {
      return Error("bind_failed", "cannot listen at " + endpoint + ": " + e.what(), "io").with("endpoint", endpoint);
    }
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
      if (opts_.configure) opts_.configure(p.sock, false);
      p.sock.connect(address);
      dealers_.emplace(node, std::move(p));
    } catch (const zmq::error_t& e) {
      log::warning("dist: cannot connect to " + node + " at " + address + ": " + e.what());
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
    zmq::pollitem_t items[2] = {{router_.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, efd_, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 2, timeout);
    } catch (const zmq::error_t&) {
      return;  // EINTR
    }
    if (items[1].revents & ZMQ_POLLIN) {
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
    router_.close();
    ctx_.close();
    if (efd_ >= 0) ::close(efd_);
    efd_ = -1;
  }

 private:
  struct Peer {
    zmq::socket_t sock;
    std::string address;
  };
  ZmqOptions opts_;
  zmq::context_t ctx_;
  zmq::socket_t router_;
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
