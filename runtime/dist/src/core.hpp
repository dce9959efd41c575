// Internal state of a DistNode (src/*.cpp only). Threads: the scheduler's workers (and any thread that
// sends) build frames and hand them to the network thread through `queue`; only the network thread
// touches the transport and the link streams.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "fnd/detail/name_resolver.hpp"
#include "fnd/detail/remote.hpp"
#include "fnd/dist/dist.hpp"
#include "fnd/dist/link.hpp"
#include "fnd/dist/membership/membership.hpp"
#include "fnd/dist/wire.hpp"

namespace fnd::dist {

using SteadyClock = std::chrono::steady_clock;

enum class PeerState : int { connecting, up, down, retired };

// One incarnation of another node. Never freed before the Core (proxies point at it).
struct Peer {
  uint32_t index = 0;  // the node part of its pids here
  std::string name;
  std::atomic<uint64_t> inc{0};  // 0 until heard from
  std::atomic<int> state{static_cast<int>(PeerState::connecting)};
  std::atomic<uint32_t> generation{0};  // bumped when declared down: frames queued before are dropped
  std::atomic<size_t> outstanding{0};   // queued + unacknowledged (the window)

  // Remote monitors and links with local processes, so that node down can fire them (under mu).
  std::mutex mu;
  std::unordered_map<uint64_t, std::pair<Pid, uint64_t>> out_monitors;  // ref -> local watcher, remote id
  std::unordered_map<uint64_t, std::pair<Pid, uint64_t>> in_monitors;   // ref -> local target, remote id
  std::map<std::pair<uint64_t, uint64_t>, Pid> links;                   // (local id, remote id) -> local

  // ---- network thread only ----
  std::string address;
  uint32_t session = 1;
  OutStream out;
  InStream in;
  SteadyClock::time_point last_heard{}, last_tx{}, last_progress{}, ack_since{};
  uint64_t unacked_in = 0;  // messages delivered (or duplicated) since our last ack went out
  size_t batch_limit = 4096;  // messages per batch frame: 1 after a resend timeout, doubled by each ack
  std::unordered_map<uint32_t, std::pair<std::string, uint64_t>> their_nodes;  // their index -> identity

  PeerState st() const noexcept { return static_cast<PeerState>(state.load(std::memory_order_acquire)); }
};

struct RemoteBlock : detail::ControlBlock {
  DistNode::Core* core = nullptr;
  Peer* peer = nullptr;
};

// A message handed to the network thread (Core::queue): this header, then `size` bytes of body.
struct Queued {
  Peer* peer;
  uint32_t generation;
  uint32_t size;
  uint8_t kind;
};

struct AtomicStats {
  std::atomic<uint64_t> frames_out{0}, frames_in{0}, resent{0}, duplicates{0}, malformed{0}, oversized{0},
      stale{0}, unknown_type{0}, unserializable{0}, no_receiver{0}, dropped_down{0}, backpressure_waits{0},
      bad_context{0}, membership_unroutable{0};
};

struct DistNode::Core {
  Core(Node& n, DistOptions o, std::unique_ptr<Transport> t);
  void unref() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // ---- any thread ----
  bool route(RemoteBlock* to, Message* m);
  bool submit(Peer* p, wire::Kind kind, std::string_view head, std::string_view tail, const detail::SignalFields* sig,
              const Pid& local, uint64_t remote, Message* m);
  void answer_unreachable(Peer* p, Message* m, uint64_t remote_id);
  uint64_t export_pid(const Pid& pid);
  Pid proxy(Peer* p, uint64_t id);
  Pid local(uint64_t id);
  void post_command(std::function<void()> fn);
  zmq::message_t make_frame(wire::Kind kind, std::string_view body, std::string_view payload = {});

  // ---- network thread ----
  void run();
  void drain_queue();
  void flush_on_stop();  // the io loop has ended: deliver what is queued to the peers that are up (bounded)
  void on_packet(std::string_view from, zmq::message_t& pkt);
  void poll_packets(std::chrono::milliseconds timeout);  // waits up to timeout, hands packets to on_packet
  Peer* establish(const std::string& name, uint64_t inc);
  Peer* create_peer(const std::string& name, uint64_t inc);
  Peer* retired_peer(const std::string& name, uint64_t inc);
  void announce(Peer* p);
  void deliver_batch(Peer* p, uint64_t first_seq, SteadyClock::time_point now);
  void dispatch(Peer* p, uint8_t kind, std::string_view body);
  void dispatch_data(Peer* p, std::string_view body);
  void dispatch_signal(Peer* p, std::string_view body);
  Pid sender_ref(Peer* p, uint64_t id);  // a counted reference for one message (sender_credits)
  void deliver_held();                   // delivers `held`, in order
  void drop_caches();                    // delivers `held`, releases the cached pids (and unused credits)
  void mark_up(Peer* p);
  void declare_down_io(Peer* p, const std::string& reason, bool retire);
  void send_sequenced(Peer* p, wire::Kind kind, std::string_view body);
  void flush(Peer* p, SteadyClock::time_point now);
  void send_heartbeat(Peer* p, SteadyClock::time_point now);
  void timers(SteadyClock::time_point now);
  std::vector<wire::NodeEntry> node_table();
  void emit(NodeEvent ev);
  void connect_io(const std::string& name, const std::string& address);
  Pid resolve_payload_pid(Peer* from, uint32_t their_index, uint64_t id);
  // Membership (membership_driver.cpp), network thread only.
  void membership_start();
  void membership_datagram(std::string_view from, std::string_view body);
  void membership_timers(SteadyClock::time_point now);
  std::chrono::milliseconds membership_wait(SteadyClock::time_point now) const;
  void membership_flush();
  void on_membership_event(const membership::MembershipEvent& e);

  std::atomic<int> refs{1};
  Node& node;
  DistOptions opts;
  std::unique_ptr<Transport> transport;
  std::string name, address;
  uint64_t inc = 0;
  std::optional<Error> error;
  std::atomic<bool> closed{false};
  bool stopped = false;  // DistNode::stop() ran (owner's thread)
  AtomicStats stats;

  mutable std::mutex mu;  // the tables below
  std::vector<std::unique_ptr<Peer>> peers;
  std::unordered_map<std::string, Peer*> current;                // name -> current incarnation
  std::map<std::pair<std::string, uint64_t>, Peer*> by_identity;  // every incarnation seen
  uint32_t next_index = 1;
  std::map<std::pair<uint32_t, uint64_t>, Pid> proxies;  // swept when only the table holds one
  std::unordered_map<uint64_t, Pid> exports;             // local pids put on the wire (dead ones swept)
  std::vector<std::function<void(const NodeEvent&)>> subscribers;

  std::mutex q_mu;
  std::string queue;     // Queued headers and bodies, back to back: one copy per message, no allocation
  std::string draining;  // network thread: the queue taken (swapped back, so both keep their capacity)
  std::vector<std::function<void()>> commands;
  bool io_gone = false;  // under q_mu: the network thread has exited; commands posted now are dropped
  std::atomic<bool> io_waiting{false};
  // With membership: the hook that lets node.whereis / Ref::name find global names (installed in the
  // constructor, removed first thing in stop()). It holds a reference to this Core.
  std::shared_ptr<const detail::NameResolver> name_resolver;

  std::mutex room_mu;
  std::condition_variable room_cv;
  std::atomic<int> room_waiters{0};

  // Network thread only: the last sender proxy and local receiver resolved (a stream between two
  // processes resolves the same pair for every frame; both Pids stay valid while cached). A message's
  // reference to its sender is taken from sender_credits, refilled many at a time: one atomic add per
  // kSenderCredits messages on a line the receiving worker's releases also write (drop_caches() returns
  // the rest).
  std::pair<Peer*, uint64_t> last_sender_key{nullptr, 0};
  Pid last_sender;
  uint32_t sender_credits = 0;
  uint64_t last_receiver_id = 0;
  Pid last_receiver;
  std::vector<wire::BatchEntry> batch_entries;  // the received batch being delivered (split_batch)
  // Data messages of the batch being delivered, all for held_for, held back until the batch ends (or a
  // signal, another receiver or a node-down must go first): the receiver gets them in one burst, so a
  // worker that went idle is woken once per batch, not each time it catches up with the decoder.
  Pid held_for;
  std::vector<Message*> held;

  // SWIM (DistOptions::membership), network thread only. SWIM names peers by address, the transport
  // by node name: name_of_address maps one to the other (from seeds, connect(), heartbeats and
  // membership events); a datagram for an address with no known name is dropped (counted).
  std::unique_ptr<membership::Membership> swim;
  std::unordered_map<std::string, std::string> name_of_address;

  std::thread io;
  std::atomic<bool> stop_io{false};
  SteadyClock::time_point last_sweep{};
};

}  // namespace fnd::dist

namespace fnd::dist {
void set_io_thread(DistNode::Core* c);  // marks the calling thread as c's network thread
bool is_io_thread(const DistNode::Core* c);
// The pid holding a global name (a proxy if on another node), or null; any thread but c's network thread.
Pid lookup_global(DistNode::Core* c, const std::string& name);
void install_pid_resolver();            // fnd::lang's decoder of pids inside payloads (once per program)
}  // namespace fnd::dist
