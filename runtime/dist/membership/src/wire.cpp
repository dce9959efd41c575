#include "fnd/dist/membership/wire.hpp"

namespace fnd::dist::membership::wire {
namespace {

enum : std::uint8_t { kUpdateMember = 1, kUpdateClaim = 2 };

void put_varint(Bytes& b, std::uint64_t v) {
  while (v >= 0x80) {
    b.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  b.push_back(static_cast<std::uint8_t>(v));
}

void put_string(Bytes& b, const std::string& s) {
  // Encoders are fed only validated names; truncate defensively so the output always decodes.
  std::size_t n = s.size() < kMaxString ? s.size() : kMaxString;
  put_varint(b, n);
  b.insert(b.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
}

void put_node(Bytes& b, const NodeId& n) {
  put_string(b, n.name);
  put_string(b, n.address);
  put_varint(b, n.incarnation);
}

void put_update(Bytes& b, const Update& u) {
  if (auto* m = std::get_if<MemberUpdate>(&u)) {
    b.push_back(kUpdateMember);
    put_node(b, m->member.id);
    b.push_back(static_cast<std::uint8_t>(m->member.status));
    put_varint(b, m->member.version);
  } else {
    const auto& c = std::get<ClaimUpdate>(u);
    b.push_back(kUpdateClaim);
    put_string(b, c.name);
    put_string(b, c.owner_name);
    put_varint(b, c.owner_incarnation);
    put_varint(b, c.stamp);
    put_varint(b, c.pid_id);
    b.push_back(c.removed ? 1 : 0);
  }
}

// Bounds-checked reader: every accessor fails (and latches the first error) instead of reading
// past the end.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> d) : d_(d) {}
  DecodeError error() const { return err_; }
  bool ok() const { return err_ == DecodeError::ok; }
  bool at_end() const { return pos_ == d_.size(); }
  void fail(DecodeError e) {
    if (err_ == DecodeError::ok) err_ = e;
  }

  std::uint8_t byte() {
    if (!ok()) return 0;
    if (pos_ >= d_.size()) {
      fail(DecodeError::truncated);
      return 0;
    }
    return d_[pos_++];
  }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      std::uint8_t b = byte();
      if (!ok()) return 0;
      if (i == 9 && b > 1) {  // bits beyond 64
        fail(DecodeError::bad_varint);
        return 0;
      }
      if (i > 0 && b == 0) {  // overlong (non-canonical) encoding: one value, one encoding
        fail(DecodeError::bad_varint);
        return 0;
      }
      v |= static_cast<std::uint64_t>(b & 0x7F) << (7 * i);
      if (!(b & 0x80)) return v;
    }
    fail(DecodeError::bad_varint);
    return 0;
  }

  std::string string(bool required) {
    std::uint64_t n = varint();
    if (!ok()) return {};
    if (n > kMaxString || (required && n == 0)) {
      fail(DecodeError::bad_string);
      return {};
    }
    if (n > d_.size() - pos_) {
      fail(DecodeError::truncated);
      return {};
    }
    std::string s(reinterpret_cast<const char*>(d_.data() + pos_), n);
    pos_ += n;
    return s;
  }

  NodeId node(bool address_required) {
    NodeId n;
    n.name = string(true);
    n.address = string(address_required);
    n.incarnation = varint();
    return n;
  }

 private:
  std::span<const std::uint8_t> d_;
  std::size_t pos_ = 0;
  DecodeError err_ = DecodeError::ok;
};

bool read_update(Reader& r, Update& out) {
  std::uint8_t kind = r.byte();
  if (!r.ok()) return false;
  if (kind == kUpdateMember) {
    MemberUpdate m;
    m.member.id = r.node(true);
    std::uint8_t st = r.byte();
    m.member.version = r.varint();
    if (!r.ok()) return false;
    if (st > static_cast<std::uint8_t>(MemberStatus::left)) {
      r.fail(DecodeError::bad_enum);
      return false;
    }
    m.member.status = static_cast<MemberStatus>(st);
    out = std::move(m);
    return true;
  }
  if (kind == kUpdateClaim) {
    ClaimUpdate c;
    c.name = r.string(true);
    c.owner_name = r.string(true);
    c.owner_incarnation = r.varint();
    c.stamp = r.varint();
    c.pid_id = r.varint();
    std::uint8_t removed = r.byte();
    if (!r.ok()) return false;
    if (removed > 1) {
      r.fail(DecodeError::bad_enum);
      return false;
    }
    c.removed = removed == 1;
    out = std::move(c);
    return true;
  }
  r.fail(DecodeError::bad_enum);
  return false;
}

}  // namespace

Encoder::Encoder(const Message& m) {
  buf_.push_back(kMagic0);
  buf_.push_back(kMagic1);
  buf_.push_back(kVersion);
  buf_.push_back(static_cast<std::uint8_t>(m.type));
  put_node(buf_, m.sender);
  switch (m.type) {
    case MessageType::ping:
      put_varint(buf_, m.seq);
      put_string(buf_, m.target.name);
      put_varint(buf_, m.target.incarnation);
      break;
    case MessageType::ack:
    case MessageType::nack: put_varint(buf_, m.seq); break;
    case MessageType::ping_req:
      put_varint(buf_, m.seq);
      put_node(buf_, m.target);
      break;
    case MessageType::gossip: break;
    case MessageType::sync: buf_.push_back(m.sync_flags); break;
  }
}

bool Encoder::append_update(const Update& u, std::size_t limit) {
  if (count_ >= kMaxUpdates) return false;
  std::size_t before = updates_.size();
  put_update(updates_, u);
  if (buf_.size() + count_bytes_reserve_ + updates_.size() > limit) {
    updates_.resize(before);
    return false;
  }
  ++count_;
  return true;
}

Bytes Encoder::finish() && {
  put_varint(buf_, count_);
  buf_.insert(buf_.end(), updates_.begin(), updates_.end());
  return std::move(buf_);
}

Bytes encode(const Message& m) {
  Encoder e(m);
  for (const auto& u : m.updates) e.append_update(u, kMaxDatagram);
  return std::move(e).finish();
}

std::size_t encoded_size(const Update& u) {
  Bytes b;
  put_update(b, u);
  return b.size();
}

DecodeError decode(std::span<const std::uint8_t> data, Message& out) {
  if (data.size() > kMaxDatagram) return DecodeError::too_large;
  Reader r(data);
  std::uint8_t m0 = r.byte(), m1 = r.byte();
  if (!r.ok()) return r.error();
  if (m0 != kMagic0 || m1 != kMagic1) return DecodeError::bad_magic;
  std::uint8_t version = r.byte();
  if (!r.ok()) return r.error();
  if (version != kVersion) return DecodeError::unsupported_version;
  std::uint8_t type = r.byte();
  if (!r.ok()) return r.error();
  if (type < 1 || type > static_cast<std::uint8_t>(MessageType::nack)) return DecodeError::unknown_type;

  Message m;
  m.type = static_cast<MessageType>(type);
  m.sender = r.node(true);
  switch (m.type) {
    case MessageType::ping:
      m.seq = r.varint();
      m.target.name = r.string(true);
      m.target.incarnation = r.varint();
      break;
    case MessageType::ack:
    case MessageType::nack: m.seq = r.varint(); break;
    case MessageType::ping_req:
      m.seq = r.varint();
      m.target = r.node(true);
      break;
    case MessageType::gossip: break;
    case MessageType::sync:
      m.sync_flags = r.byte();
      if (r.ok() && (m.sync_flags & ~(kSyncWantReply | kSyncJoin))) r.fail(DecodeError::bad_enum);
      break;
  }
  std::uint64_t count = r.varint();
  if (!r.ok()) return r.error();
  if (count > kMaxUpdates) return DecodeError::too_many_updates;
  m.updates.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t i = 0; i < count; ++i) {
    Update u;
    if (!read_update(r, u)) return r.error();
    m.updates.push_back(std::move(u));
  }
  if (!r.at_end()) return DecodeError::trailing_bytes;
  out = std::move(m);
  return DecodeError::ok;
}

const char* to_string(DecodeError e) {
  switch (e) {
    case DecodeError::ok: return "ok";
    case DecodeError::too_large: return "too_large";
    case DecodeError::truncated: return "truncated";
    case DecodeError::bad_magic: return "bad_magic";
    case DecodeError::unsupported_version: return "unsupported_version";
    case DecodeError::unknown_type: return "unknown_type";
    case DecodeError::bad_varint: return "bad_varint";
    case DecodeError::bad_string: return "bad_string";
    case DecodeError::bad_enum: return "bad_enum";
    case DecodeError::too_many_updates: return "too_many_updates";
    case DecodeError::trailing_bytes: return "trailing_bytes";
  }
  return "?";
}

}  // namespace fnd::dist::membership::wire
