// fnd::dist::DistNode: makes a fnd::Node part of a cluster. Pids of processes on other nodes then work
// like local ones: send, try_send, call, link, monitor, exit (docs/distribution.md).
//
//   fnd::Node node({.threads = 2});
//   fnd::dist::DistNode dist(node, {.name = "a", .bind = "tcp://127.0.0.1:7001"});
//   dist.connect("b", "tcp://127.0.0.1:7002");
//   dist.send("b", "echo", std::string("hi"));      // to the process registered as "echo" on node b
//   // replies carry remote sender pids: reply(), send(pid), monitor(pid), link(pid) just work.
//
// Guarantees between two live node incarnations: no loss, no duplicates, order per link (hence per
// sender-receiver pair), across dropped TCP connections and reconnects. Each peer has a bounded window of
// unacknowledged messages; a sender that finds it full waits (backpressure). When a node is declared
// down (link-level: silent for `down_after`, or declare_down() from a membership service), monitors of its
// processes get Down and links get an exit signal with reason error(noconnection); queued messages to it
// are dropped. A peer that restarts has a new incarnation: it is a new node.
//
// Declare the DistNode after its Node (destroy it first): its network thread delivers into the Node.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fnd/dist/membership/config.hpp"
#include "fnd/dist/membership/membership.hpp"
#include "fnd/dist/membership/types.hpp"
#include "fnd/dist/transport.hpp"
#include "fnd/dist/types.hpp"
#include "fnd/node.hpp"

namespace fnd::dist {

// The error code of exit reasons and call errors caused by a lost node (Erlang's noconnection).
inline constexpr const char* noconnection = "noconnection";
ExitReason noconnection_reason(std::string_view node, std::string_view why);

struct DistOptions {
  std::string name;                        // unique in the cluster (<= 255 bytes, not starting with NUL)
  std::string bind = "tcp://127.0.0.1:0";  // where to listen; port 0 picks a free port
  std::string advertise;                   // address peers use to reach us (default: the bound one)
  uint64_t incarnation = 0;                // 0: the start time in ns (grows across restarts)
  size_t window = 8192;                    // per peer: messages queued + unacknowledged (backpressure)
  size_t max_frame = 8u << 20;             // larger frames are rejected and counted
  std::chrono::milliseconds heartbeat{100};
  std::chrono::milliseconds resend_after{200};  // no ack progress for this long: resend what is unacked
  std::chrono::milliseconds down_after{3000};   // link-level detector; 0 = only declare_down() decides
  ZmqOptions zmq;                          // socket options and the security hook (default transport)
  // CurveZMQ for the default transport (same as zmq.security, which wins if both are set): peers
  // without the cluster keys are refused (docs/distribution.md "Security").
  std::optional<security::ClusterSecurity> security;
  // SWIM membership and failure detection (docs/distribution.md "Membership in DistNode"): when set,
  // the node joins through `seeds` (name, address), learns the others by gossip, connects to every
  // member that comes up and declares down (noconnection) every member SWIM declares down. Unset: only
  // connect() and the link-level detector (down_after).
  std::optional<membership::Config> membership;
  std::vector<std::pair<std::string, std::string>> seeds;  // (node name, address); with `membership`
  // Process-wide, set by the first DistNode that has it true: glibc malloc's fastbins off
  // (mallopt(M_MXFAST, 0); no effect with other allocators). A message from another node is decoded on
  // the network thread and freed by the worker that handled it: with fastbins, each such small free and
  // the network thread's next allocation contend for one lock-free list across cores, which doubled the
  // CPU per message of a stream on an idle machine (docs/performance.md "Distribution"). Freed small
  // blocks then go through malloc's ordinary bins (per-thread caches are unchanged). Off by default: a
  // library does not retune the allocator of a process it does not own. Programs fndc generates own
  // their process and turn it on (stdlib/cpp/cluster), as does bench/dist.
  bool tune_malloc = false;
};

// up/down: the link to a node incarnation (down: its monitors and links fired noconnection).
// With membership, also SWIM's view: suspect (a probe failed; it may refute), alive (it refuted) and
// left (it stopped gracefully: DistNode::stop(); a down with reason "left the cluster" follows).
enum class NodeEventKind { up, down, suspect, alive, left };
struct NodeEvent {
  NodeEventKind kind;
  std::string node;
  uint64_t incarnation = 0;
  std::string reason;  // for down: "silent for 3000ms", "restarted", "declared: ...", "peer reset the link"
};
const char* to_string(NodeEventKind k) noexcept;

struct PeerInfo {
  std::string name;
  std::string address;
  uint64_t incarnation = 0;
  bool up = false;
  size_t outstanding = 0;  // queued + unacknowledged messages
};

struct DistStats {
  uint64_t frames_out = 0, frames_in = 0;  // ZeroMQ messages (a batch of messages is one frame)
  uint64_t resent = 0;         // messages transmitted again (after a timeout or a reconnect)
  uint64_t duplicates = 0;     // received messages already delivered (dropped)
  uint64_t malformed = 0;      // bad frame, batch or message (dropped)
  uint64_t oversized = 0;      // longer than max_frame (dropped)
  uint64_t stale = 0;          // from an old incarnation or session, or for a previous incarnation of us
  uint64_t unknown_type = 0;   // payload type not registered here (dropped)
  uint64_t unserializable = 0; // outgoing message of an unregistered type (dropped)
  uint64_t no_receiver = 0;    // receiver id or name not found here
  uint64_t dropped_down = 0;   // messages to a node that is down (dropped)
  uint64_t backpressure_waits = 0;
  uint64_t membership_unroutable = 0;  // membership datagrams for an address with no known node name
  uint64_t bad_context = 0;    // request context section of another version, oversized or malformed
                               // (the message was delivered without it)
};

class DistNode {
 public:
  DistNode(Node& node, DistOptions options);  // ZeroMQ transport
  DistNode(Node& node, DistOptions options, std::unique_ptr<Transport> transport);
  ~DistNode();  // stop()
  DistNode(const DistNode&) = delete;
  DistNode& operator=(const DistNode&) = delete;

  // Where this node listens (the resolved address when the port was 0). Empty if bind failed: see error().
  const std::string& address() const noexcept;
  const std::string& name() const noexcept;
  uint64_t incarnation() const noexcept;
  // Why the node could not start (bind failed), or nullptr.
  const Error* error() const noexcept;

  // Introduces a peer (a seed); it learns our address from our heartbeats and connects back.
  void connect(const std::string& node, const std::string& address);
  // The "node down" input of an outside failure detector (e.g. SWIM membership): fires noconnection.
  void declare_down(const std::string& node, const std::string& reason);
  // Node events (called on the network thread: do not block in the callback).
  void subscribe(std::function<void(const NodeEvent&)> fn);

  // Sends to the process registered as `name` on node `node` ({Name, Node} ! Msg). The sender is the
  // calling process (if any). Returns false if the node is unknown or down or T is not registered.
  template <class T>
  bool send(std::string_view node, std::string_view name, T&& msg) {
    return send_named(node, name, detail::make_message<std::decay_t<T>>(std::forward<T>(msg)));
  }
  bool send_named(std::string_view node, std::string_view name, Message* m);

  std::vector<PeerInfo> peers() const;
  bool is_up(std::string_view node) const;
  DistStats stats() const;
  // The other members as SWIM sees them (empty without DistOptions::membership).
  std::vector<membership::Member> members() const;

  // Global names (with DistOptions::membership): registers a local process under `name` for the whole
  // cluster; none on success, already_registered if the name resolves already in this node's view,
  // not_running without membership, invalid_name for a bad name or a pid that is not local.
  // These calls wait for the network thread: never call them from a subscribe() callback.
  membership::RegisterError register_global(const std::string& name, const Pid& pid);
  bool unregister_global(const std::string& name);
  // The process registered as `name` anywhere in the cluster (a remote pid is a proxy that behaves
  // as a local one), or a null Pid.
  Pid whereis_global(const std::string& name) const;
  // Sends to the process registered as `name` anywhere in the cluster; false if the name is unknown.
  template <class T>
  bool send_global(const std::string& name, T&& msg) {
    Pid to = whereis_global(name);
    if (!to) return false;
    fnd::send(to, std::forward<T>(msg));
    return true;
  }
  // Admissions and refusals of a secured transport (ZAP verdicts and handshake failures); nullopt when
  // the node is not secured.
  std::optional<security::SecurityStats> security_stats() const;
  // Leaves the cluster: with membership, first tells the live members (they see `left`; waits up to
  // ~50 ms for the datagrams to go out); then the network thread stops, remote pids held by the
  // program become unreachable.
  void stop();

  struct Core;  // internal

 private:
  Core* core_;
};

}  // namespace fnd::dist
