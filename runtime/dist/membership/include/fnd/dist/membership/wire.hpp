// Wire encoding of membership datagrams (format in docs/wire.md, "Membership").
// Decoding is bounds-checked: malformed input yields a DecodeError, never undefined behaviour.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "fnd/dist/membership/types.hpp"

namespace fnd::dist::membership::wire {

inline constexpr std::uint8_t kMagic0 = 0xF7;  // not ASCII: a stray text frame is rejected at once
inline constexpr std::uint8_t kMagic1 = 'M';
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kMaxString = 255;         // node names, addresses, registered names
inline constexpr std::size_t kMaxDatagram = 65536;     // anything larger is rejected unread
inline constexpr std::size_t kMaxUpdates = 4096;

enum class MessageType : std::uint8_t {
  ping = 1,      // direct or relayed probe of `target`
  ack = 2,       // answer to ping `seq`
  ping_req = 3,  // "probe `target` for me" (indirect probe)
  gossip = 4,    // updates only
  sync = 5,      // full state (push-pull, join)
  nack = 6,      // a helper of ping_req `seq` got no ack in time (Lifeguard: tells the requester that
                 // the helper, at least, is responsive)
};

// Update of one member's state (SWIM's alive/suspect/confirm plus leave).
struct MemberUpdate {
  Member member;
  friend bool operator==(const MemberUpdate&, const MemberUpdate&) = default;
};

// One registration claim of a global name (see registry rules in docs/distribution.md).
struct ClaimUpdate {
  std::string name;
  std::string owner_name;
  std::uint64_t owner_incarnation = 0;
  std::uint64_t stamp = 0;  // Lamport time of the registration
  std::uint64_t pid_id = 0;
  bool removed = false;     // tombstone
  friend bool operator==(const ClaimUpdate&, const ClaimUpdate&) = default;
};

using Update = std::variant<MemberUpdate, ClaimUpdate>;

inline constexpr std::uint8_t kSyncWantReply = 1;  // sync flags
inline constexpr std::uint8_t kSyncJoin = 2;

struct Message {
  MessageType type = MessageType::gossip;
  NodeId sender;
  std::uint64_t seq = 0;        // ping, ack, ping_req, nack
  NodeId target;                // ping (name, incarnation; address empty), ping_req (full)
  std::uint8_t sync_flags = 0;  // sync
  std::vector<Update> updates;  // every type may carry them
  friend bool operator==(const Message&, const Message&) = default;
};

enum class DecodeError : std::uint8_t {
  ok = 0,
  too_large,
  truncated,
  bad_magic,
  unsupported_version,
  unknown_type,
  bad_varint,
  bad_string,      // too long or empty where a name is required
  bad_enum,        // unknown status / update kind / flag bits
  too_many_updates,
  trailing_bytes,
};
inline constexpr std::size_t kDecodeErrorCount = 11;
const char* to_string(DecodeError e);

using Bytes = std::vector<std::uint8_t>;

// Encodes header and body; no updates yet (append them with append_update, then finish).
class Encoder {
 public:
  explicit Encoder(const Message& head);
  // Upper bound of the finished datagram's size so far.
  std::size_t size() const { return buf_.size() + count_bytes_reserve_ + updates_.size(); }
  // Appends one update if the result stays within `limit` bytes; false (and nothing appended) if not.
  bool append_update(const Update& u, std::size_t limit);
  std::size_t update_count() const { return count_; }
  Bytes finish() &&;

 private:
  Bytes buf_;
  Bytes updates_;
  std::size_t count_ = 0;
  static constexpr std::size_t count_bytes_reserve_ = 2;  // varint of <= kMaxUpdates
};

// Encodes a message with all its updates (tests and small messages).
Bytes encode(const Message& m);
std::size_t encoded_size(const Update& u);

DecodeError decode(std::span<const std::uint8_t> data, Message& out);

}  // namespace fnd::dist::membership::wire
