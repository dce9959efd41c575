// Membership wire codec: round trips, and malformed datagrams are rejected and counted, never a crash.
#include <catch2/catch.hpp>

#include <random>

#include "fnd/dist/membership/membership.hpp"
#include "fnd/dist/membership/wire.hpp"

using namespace fnd::dist::membership;
using namespace fnd::dist::membership::wire;

namespace {

Message sample(MessageType t) {
  Message m;
  m.type = t;
  m.sender = NodeId{"node-a", "tcp://10.0.0.1:4370", 1733140000123456789ull};
  m.seq = 300;
  if (t == MessageType::ping) m.target = NodeId{"node-b", "", 7};
  if (t == MessageType::ping_req) m.target = NodeId{"node-b", "tcp://10.0.0.2:4370", 7};
  if (t == MessageType::sync) m.sync_flags = kSyncWantReply | kSyncJoin;
  if (t != MessageType::ping && t != MessageType::ack && t != MessageType::ping_req && t != MessageType::nack) m.seq = 0;
  m.updates.push_back(MemberUpdate{Member{NodeId{"node-c", "tcp://c:1", 3}, MemberStatus::suspect, 12}});
  m.updates.push_back(ClaimUpdate{"global.svc", "node-c", 3, 1ull << 40, 99, false});
  m.updates.push_back(ClaimUpdate{"gone", "node-d", 1, 5, 1, true});
  m.updates.push_back(MemberUpdate{Member{NodeId{"node-e", "tcp://e:1", 0}, MemberStatus::left, ~0ull}});
  return m;
}

const MessageType kTypes[] = {MessageType::ping,   MessageType::ack,  MessageType::ping_req,
                              MessageType::gossip, MessageType::sync, MessageType::nack};

}  // namespace

TEST_CASE("wire: every message type round-trips", "[membership][wire]") {
  for (auto t : kTypes) {
    Message m = sample(t);
    Bytes b = encode(m);
    Message back;
    REQUIRE(decode(b, back) == DecodeError::ok);
    CHECK(back == m);
  }
  // Compact: a ping with no updates is a few dozen bytes.
  Message ping = sample(MessageType::ping);
  ping.updates.clear();
  CHECK(encode(ping).size() < 64);
}

TEST_CASE("wire: the encoder respects the size limit", "[membership][wire]") {
  Encoder e(sample(MessageType::gossip));
  Update u = MemberUpdate{Member{NodeId{std::string(200, 'n'), std::string(200, 'a'), 1}, MemberStatus::alive, 1}};
  while (e.append_update(u, 1400)) {
  }
  const std::size_t bound = e.size();
  Bytes b = std::move(e).finish();
  CHECK(b.size() <= bound);
  CHECK(b.size() <= 1400);
  CHECK(b.size() > 1400 - encoded_size(u) - 2);
  Message back;
  CHECK(decode(b, back) == DecodeError::ok);
}

TEST_CASE("wire: every truncation of a valid datagram is rejected", "[membership][wire]") {
  for (auto t : kTypes) {
    Bytes b = encode(sample(t));
    for (std::size_t len = 0; len < b.size(); ++len) {
      Message out;
      DecodeError e = decode(std::span(b.data(), len), out);
      INFO("type " << int(t) << " length " << len << " -> " << to_string(e));
      CHECK(e != DecodeError::ok);
    }
    Bytes longer = b;
    longer.push_back(0);
    Message out;
    CHECK(decode(longer, out) == DecodeError::trailing_bytes);
  }
}

TEST_CASE("wire: specific malformations get specific errors", "[membership][wire]") {
  Bytes good = encode(sample(MessageType::gossip));
  Message out;
  auto with = [&](std::size_t i, std::uint8_t v) {
    Bytes b = good;
    b[i] = v;
    return decode(b, out);
  };
  CHECK(with(0, 'G') == DecodeError::bad_magic);
  CHECK(with(2, 2) == DecodeError::unsupported_version);
  CHECK(with(3, 0) == DecodeError::unknown_type);
  CHECK(with(3, 7) == DecodeError::unknown_type);
  CHECK(with(4, 0) == DecodeError::bad_string);  // empty sender name
  Bytes huge(kMaxDatagram + 1, 0);
  CHECK(decode(huge, out) == DecodeError::too_large);
  // An 11-byte varint (a 64-bit value cannot need more than 10).
  Bytes v = {kMagic0, kMagic1, kVersion, 2, 1, 'a', 1, 'b', 0};
  for (int i = 0; i < 11; ++i) v.push_back(0xFF);
  CHECK(decode(v, out) == DecodeError::bad_varint);
  // An update count beyond the limit is refused before anything is allocated.
  Bytes c = {kMagic0, kMagic1, kVersion, 4, 1, 'a', 1, 'b', 0, 0xFF, 0xFF, 0x03};
  CHECK(decode(c, out) == DecodeError::too_many_updates);
  // A string length that points past the end.
  Bytes s = {kMagic0, kMagic1, kVersion, 4, 100, 'a'};
  CHECK(decode(s, out) == DecodeError::truncated);
}

TEST_CASE("wire: fuzzed datagrams decode or are rejected, and the node counts them", "[membership][wire]") {
  std::mt19937_64 rng(2026);
  Membership node(NodeId{"me", "tcp://me:1", 1}, Config{}, 1);
  node.start({}, Time{});
  std::uint64_t rejected = 0, accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes b = encode(sample(kTypes[round % 6]));
    switch (round % 4) {
      case 0:  // flip a few random bits
        for (int i = 0, n = 1 + int(rng() % 4); i < n; ++i) b[rng() % b.size()] ^= std::uint8_t(1u << (rng() % 8));
        break;
      case 1:  // random garbage after a valid header
        for (std::size_t i = 4 + rng() % 8; i < b.size(); ++i) b[i] = std::uint8_t(rng());
        break;
      case 2:  // truncate and overwrite
        b.resize(rng() % b.size());
        if (!b.empty()) b[rng() % b.size()] = std::uint8_t(rng());
        break;
      default:  // pure noise
        b.resize(rng() % 300);
        for (auto& x : b) x = std::uint8_t(rng());
    }
    Message out;
    bool ok = decode(b, out) == DecodeError::ok;
    ok ? ++accepted : ++rejected;
    node.on_datagram(b, Time{std::chrono::milliseconds(round)});
    node.take_outgoing();
  }
  CHECK(rejected > 0);
  CHECK(node.stats().malformed == rejected);
  std::uint64_t sum = 0;
  for (auto n : node.stats().rejected_by_reason) sum += n;
  CHECK(sum == rejected);
  CHECK(node.stats().datagrams_in == 20000);
  // Bit flips in names, versions or pids produce well-formed but different datagrams.
  CHECK(accepted > 0);
}
