// The distribution wire format, version 2 (docs/wire.md is the reference). One ZeroMQ message = one
// frame: a fixed 40-byte little-endian header, then a kind-specific body whose variable-length parts use
// the compiler's codec (fnd/lang/codec.hpp: LEB128 varints, length-prefixed strings).
//
//   off size field
//    0   2   magic "FN"
//    2   1   version (2)
//    3   1   kind (heartbeat 1, membership 5, batch 6)
//    4   4   session: the link session between the two nodes (bumped when either side declares the
//            other down, so both restart their sequence numbers together)
//    8   8   source incarnation (never 0)
//   16   8   destination incarnation (0: the sender does not know the receiver yet; heartbeats only)
//   24   8   seq: of the batch's first message (1, 2, ... per link and session); 0 = unsequenced
//   32   8   ack: the highest seq received in order from the receiver (cumulative)
//
// Sequenced messages (data 2, signal 3, nodes 4) travel only inside batch frames: one frame carries
// every message that was due when the network thread woke up, so a stream pays ZeroMQ's per-message
// cost and the header once per batch rather than per message (version 1 sent one frame per message).
//
// Decoding never reads past its input; anything malformed is reported as an error value (never thrown
// out of the network thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fnd/detail/remote.hpp"
#include "fnd/request_context.hpp"

namespace fnd::dist::wire {

inline constexpr uint8_t kMagic0 = 'F';
inline constexpr uint8_t kMagic1 = 'N';
inline constexpr uint8_t kVersion = 2;
inline constexpr size_t kHeaderSize = 40;

// membership (5): unsequenced, outside the links; the body is one fnd_membership datagram.
// data, signal, nodes: the kinds of messages inside a batch (6), never frames of their own.
enum class Kind : uint8_t { heartbeat = 1, data = 2, signal = 3, nodes = 4, membership = 5, batch = 6 };

struct Header {
  Kind kind = Kind::heartbeat;
  uint32_t session = 0;
  uint64_t src_inc = 0;
  uint64_t dst_inc = 0;
  uint64_t seq = 0;
  uint64_t ack = 0;
};

void write_header(char* out, const Header& h) noexcept;
// The link fields of a frame built before they were known (heartbeats).
void patch_link_fields(char* frame, uint32_t session, uint64_t dst_inc, uint64_t seq, uint64_t ack) noexcept;
// nullopt for a frame that is too short, has a wrong magic, an unknown version or kind; `why` says which.
std::optional<Header> read_header(std::string_view frame, const char** why) noexcept;

// ---- batch (6) ----
// Body: varint n (1..kMaxBatch), then n x (u8 kind: data 2, signal 3 or nodes 4; varint length L; L bytes:
// that kind's body). The header's seq is the first message's; the others follow as seq+1, seq+2, ...
inline constexpr uint64_t kMaxBatch = 65536;
struct BatchEntry {
  Kind kind;
  std::string_view body;  // points into the frame
};
size_t varint_size(uint64_t v) noexcept;
char* put_varint(char* out, uint64_t v) noexcept;  // returns the end of what it wrote
// Bytes one message of `body_size` bytes takes inside a batch (kind, length, body).
inline size_t batch_entry_size(size_t body_size) noexcept { return 1 + varint_size(body_size) + body_size; }
// Writes one entry whose body is head followed by tail; returns the end of what it wrote.
char* put_batch_entry(char* out, Kind kind, std::string_view head, std::string_view tail) noexcept;
// Splits the body of a batch whose first seq is `first_seq` into its messages (views into `body`). The
// whole batch is refused (false, with `why`, `out` unspecified) if any part of it is malformed: a count of
// 0 or over kMaxBatch, another entry kind, a length past the end, trailing bytes, or seqs that would wrap.
bool split_batch(std::string_view body, uint64_t first_seq, std::vector<BatchEntry>& out, std::string& why);

// ---- bodies ----
// data: varint sender id (0 = none); u8 receiver tag (0 = pid id, 1 = registered name) + varint id |
// string name; u8 flags (1 request, 2 reply, 4 context follows); varint correlation id; [context
// section]; u32 type id; payload (rest).
inline constexpr uint8_t kFlagContext = 4;
struct DataBody {
  uint64_t sender = 0;
  bool to_name = false;
  uint64_t receiver = 0;
  std::string receiver_name;
  uint8_t flags = 0;  // request/reply bits only (kFlagContext is derived from `context`)
  uint64_t corr = 0;
  uint32_t type_id = 0;
  std::string_view payload;  // points into the frame
  // Encoding: the sender's request context (borrowed), or null for none.
  const fnd::detail::ContextData* context = nullptr;
  // Decoding: the context section's content (after its length; points into the frame), empty if none.
  // Decoded separately (decode_context) so that a bad context costs the context, not the message.
  std::string_view context_bytes;
  uint8_t context_version = 0;
  bool has_context = false;
};

// Context section: u8 context version (1), varint length L (1..kMaxContextBytes), then L bytes:
// varint correlation id, string traceparent ("" or a valid W3C traceparent), varint n
// (<= kMaxBaggage), n x (string key (1..kMaxBaggageKey bytes, unique), string value).
inline constexpr uint8_t kContextVersion = 1;
inline constexpr size_t kMaxContextBytes = 4096;
inline constexpr size_t kMaxBaggage = 64;
inline constexpr size_t kMaxBaggageKey = 256;
// The section body (without version and length) for `c`; "" if it would exceed kMaxContextBytes
// (the message then travels without its context).
std::string encode_context(const fnd::detail::ContextData& c);
// False (with `why`) for another version, an empty or oversized section or a malformed one; `out` is
// set only on success.
bool decode_context(uint8_t version, std::string_view bytes, RequestContext& out, std::string& why);
// signal: varint sender id; varint receiver id; u8 kind (link 1, unlink 2, monitor 3, demonitor 4,
// exit 5, down 6); varint ref; u8 linked; exit reason (u8 kind; for error: code, category, u8 severity,
// message, varint n + n key/value string pairs).
struct SignalBody {
  uint64_t sender = 0;
  uint64_t receiver = 0;
  detail::SignalFields sig;
};
// nodes: varint n, then n x (varint index, string name, u64 incarnation): the sender's node table, so
// that the node part of pids inside payloads can be translated.
struct NodeEntry {
  uint32_t index = 0;
  std::string name;
  uint64_t incarnation = 0;
};
// heartbeat: string address (where the sender listens), so a peer learns how to reach it.

std::string encode_data_body(const DataBody& b);  // without payload (appended by the caller)
std::string encode_signal_body(const SignalBody& b);
std::string encode_nodes_body(const std::vector<NodeEntry>& nodes);
std::string encode_heartbeat_body(std::string_view address);

// Each returns false (with `why`) for a malformed body.
bool decode_data_body(std::string_view body, DataBody& out, std::string& why);
bool decode_signal_body(std::string_view body, SignalBody& out, std::string& why);
bool decode_nodes_body(std::string_view body, std::vector<NodeEntry>& out, std::string& why);
bool decode_heartbeat_body(std::string_view body, std::string& address, std::string& why);

}  // namespace fnd::dist::wire
