// SWIM-style membership, failure detection and global name registry as a pure state machine.
//
// Driven by the caller: `on_datagram(bytes, now)` for each received membership datagram and
// `tick(now)` at (or after) `next_deadline()`. It never reads a clock, never does I/O and draws
// randomness from a seeded generator, so a run is reproducible. Datagrams to send are taken with
// `take_outgoing()`; events go to subscribers synchronously, from inside these calls.
// Not thread-safe: one owner drives it (the transport's I/O thread or actor).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "fnd/dist/membership/broadcast_queue.hpp"
#include "fnd/dist/membership/config.hpp"
#include "fnd/dist/membership/name_table.hpp"
#include "fnd/dist/membership/types.hpp"
#include "fnd/dist/membership/wire.hpp"

namespace fnd::dist::membership {

struct Outgoing {
  std::string to_address;
  wire::Bytes bytes;
};

struct Stats {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_out = 0;
  std::uint64_t malformed = 0;  // sum of rejected_by_reason
  std::uint64_t rejected_by_reason[wire::kDecodeErrorCount] = {};
  std::uint64_t misdirected_pings = 0;  // ping for another name or incarnation (e.g. our old self)
  std::uint64_t conflicts = 0;          // same name+incarnation with another address, or a newer self
  std::uint64_t probes = 0;
  std::uint64_t indirect_probes = 0;
  std::uint64_t suspicions_raised = 0;  // by our own failed probes
  std::uint64_t refutations = 0;        // suspicions of ourselves refuted
  std::uint64_t sync_replies_suppressed = 0;  // full-state requests answered too recently
};

enum class RegisterError { none, invalid_name, already_registered, not_running };

class Membership {
 public:
  using Subscriber = std::function<void(const MembershipEvent&)>;
  using RegistrySubscriber = std::function<void(const RegistryEvent&)>;

  // Throws std::invalid_argument if the config or identity is invalid (the message says which).
  Membership(NodeId self, Config config, std::uint64_t seed);

  // Starts the node: contacts the seeds (addresses; our own address is skipped) until one answers.
  // With no seeds the node forms a cluster of its own and others may join it.
  void start(std::vector<std::string> seeds, Time now);
  // Graceful leave: tells the members (left event there), then stops probing and answering.
  void leave(Time now);

  void on_datagram(std::span<const std::uint8_t> data, Time now);
  void tick(Time now);
  Time next_deadline() const;
  std::vector<Outgoing> take_outgoing();

  std::size_t subscribe(Subscriber s);
  void unsubscribe(std::size_t id);
  std::size_t subscribe_registry(RegistrySubscriber s);
  void unsubscribe_registry(std::size_t id);

  // Global registry. register_name fails if the name resolves already (in this node's view; a
  // conflict created during a partition is resolved by the rule when the views merge).
  RegisterError register_name(const std::string& name, std::uint64_t pid_id, Time now);
  // Withdraws our registration of `name`; false if we do not hold one.
  bool unregister_name(const std::string& name, Time now);
  std::optional<RegisteredName> lookup(const std::string& name) const;
  std::vector<RegisteredName> registered_names() const;

  const NodeId& self() const { return self_; }
  std::uint64_t version() const { return version_; }
  // Lifeguard's local health score (0 = healthy): probes run at (score + 1) times their period.
  std::uint32_t health_score() const { return awareness_; }
  bool joined() const { return joined_; }
  bool running() const { return running_; }
  // Other nodes as we see them (down and left ones until down_retention expires).
  std::vector<Member> members() const;
  std::optional<Member> member(const std::string& name) const;
  std::size_t live_count() const;  // alive + suspect others, plus ourselves
  const Stats& stats() const { return stats_; }
  const Config& config() const { return config_; }

 private:
  struct Entry {
    Member m;
    Time since{};            // when the status last changed
    Time suspect_deadline{};
    Time next_check{};  // while suspect: when we next send the suspect its suspicion
  };
  struct Probe {
    std::uint64_t seq;
    NodeId target;
    Time started;
    Duration timeout, period;  // scaled by our local health when the probe started
    bool indirect_sent = false;
    bool acked = false;
    std::uint32_t nacks_expected = 0, nacks = 0;
  };
  struct Relay {  // a ping we send on behalf of `requester` (indirect probe)
    std::string requester_address;
    std::uint64_t requester_seq;
    Time nack_at;  // no ack from the target by then: tell the requester (once)
    Time expires;
    bool nacked = false;
  };

  // Membership state transitions (membership.cpp).
  void apply(const wire::MemberUpdate& u, const NodeId& sender, bool from_sync, Time now);
  void apply_about_self(const wire::MemberUpdate& u, const NodeId& sender);
  void add_new(const Member& m, Time now);
  void set_status(Entry& e, MemberStatus s, std::uint64_t version, Time now);
  void member_gone(const NodeId& id);
  void emit(EventKind k, const Member& m);
  bool is_live(const Entry& e) const;

  // Probing and timers (probe.cpp).
  void run_probe(Time now);
  void start_probe(Time now);
  void probe_failed(Time now);
  void check_suspicions(Time now);
  void check_suspects(Time now);
  void gossip(Time now);
  void anti_entropy(Time now);
  void expire(Time now);
  std::vector<const Entry*> random_live(std::size_t k, const std::string& exclude);

  // Messages (messages.cpp).
  void handle(wire::Message& m, Time now);
  void send(const std::string& to, wire::Message head, const std::vector<wire::Update>& first = {});
  void send_sync(const std::string& to, std::uint8_t flags);
  wire::Message head(wire::MessageType t) const;
  wire::MemberUpdate self_update() const;

  // Registry (registry.cpp).
  void apply(const wire::ClaimUpdate& c, Time now);
  void owner_gone(const NodeId& id);
  void resolve_after_change(const std::vector<std::string>& names,
                            const std::map<std::string, std::optional<RegisteredName>>& before);
  std::optional<RegisteredName> resolve(const wire::ClaimUpdate* c) const;
  void requeue_own_claims();
  std::uint64_t rand(std::uint64_t n) { return n ? rng_() % n : 0; }

  NodeId self_;
  Config config_;
  std::mt19937_64 rng_;
  std::uint32_t awareness_ = 0;
  void adjust_awareness(int delta);
  Time now_{};  // time of the call being handled (for tombstone stamps deep in the call tree)
  std::uint64_t version_ = 0;
  bool running_ = false;
  bool joined_ = false;
  bool leaving_ = false;

  std::map<std::string, Entry> members_;
  std::vector<std::string> probe_order_;
  std::size_t probe_pos_ = 0;
  std::optional<Probe> probe_;
  std::map<std::uint64_t, Relay> relays_;
  std::map<std::string, Time> sync_replies_;  // sender address -> last full-state reply
  std::uint64_t next_seq_ = 1;

  std::vector<std::string> seeds_;
  Time next_probe_at_{};
  Time next_gossip_at_{};
  Time next_sync_at_{};
  Time next_join_at_{};
  Time next_expire_at_{};

  BroadcastQueue broadcasts_;
  NameTable names_;
  std::uint64_t lamport_ = 0;

  std::vector<Outgoing> outgoing_;
  std::map<std::size_t, Subscriber> subscribers_;
  std::map<std::size_t, RegistrySubscriber> registry_subscribers_;
  std::size_t next_subscriber_ = 1;
  Stats stats_;
};

}  // namespace fnd::dist::membership
