#include "fnd/dist/wire.hpp"

#include <algorithm>
#include <cstring>

#include "fnd/lang/codec.hpp"

namespace fnd::dist::wire {

namespace {
void put_u32(char* p, uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(char* p, uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t get_u32(const char* p) noexcept {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
uint64_t get_u64(const char* p) noexcept {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// Small fixed-width helpers on top of the codec's Reader/Writer.
void put_byte(lang::Writer& w, uint8_t b) { w.put_varint(b); }  // varint of a byte < 128 is one byte
uint8_t get_small(lang::Reader& r, uint64_t max, const char* what) {
  uint64_t v = r.get_varint();
  if (v > max) throw lang::DecodeError(std::string(what) + " out of range");
  return static_cast<uint8_t>(v);
}
void put_reason(lang::Writer& w, const ExitReason& r) {
  put_byte(w, static_cast<uint8_t>(r.kind()));
  if (r.kind() != ExitKind::error) return;
  const Error* e = r.error_value();
  Error none;
  if (!e) e = &none;
  w.put(e->code);
  w.put(e->category);
  put_byte(w, static_cast<uint8_t>(e->severity));
  w.put(e->message);
  w.put_varint(e->context.size());
  for (auto& [k, v] : e->context) {
    w.put(k);
    w.put(v);
  }
}

ExitReason get_reason(lang::Reader& r) {
  auto kind = static_cast<ExitKind>(get_small(r, static_cast<uint64_t>(ExitKind::error), "exit reason kind"));
  switch (kind) {
    case ExitKind::normal: return ExitReason::normal();
    case ExitKind::shutdown: return ExitReason::shutdown();
    case ExitKind::kill: return ExitReason::kill();
    case ExitKind::killed: return ExitReason::killed();
    case ExitKind::noproc: return ExitReason::noproc();
    case ExitKind::error: break;
  }
  Error e;
  r.get(e.code);
  r.get(e.category);
  e.severity = static_cast<Severity>(get_small(r, static_cast<uint64_t>(Severity::critical), "severity"));
  r.get(e.message);
  uint64_t n = r.get_varint();
  if (n > r.remaining()) throw lang::DecodeError("context count exceeds the input");
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, v;
    r.get(k);
    r.get(v);
    e.context[std::move(k)] = std::move(v);
  }
  return ExitReason::error(std::move(e));
}
}  // namespace

void write_header(char* out, const Header& h) noexcept {
  out[0] = static_cast<char>(kMagic0);
  out[1] = static_cast<char>(kMagic1);
  out[2] = static_cast<char>(kVersion);
  out[3] = static_cast<char>(h.kind);
  put_u32(out + 4, h.session);
  put_u64(out + 8, h.src_inc);
  put_u64(out + 16, h.dst_inc);
  put_u64(out + 24, h.seq);
  put_u64(out + 32, h.ack);
}

void patch_link_fields(char* f, uint32_t session, uint64_t dst_inc, uint64_t seq, uint64_t ack) noexcept {
  put_u32(f + 4, session);
  put_u64(f + 16, dst_inc);
  put_u64(f + 24, seq);
  put_u64(f + 32, ack);
}

std::optional<Header> read_header(std::string_view f, const char** why) noexcept {
  auto fail = [&](const char* w) -> std::optional<Header> {
    if (why) *why = w;
    return std::nullopt;
  };
  if (f.size() < kHeaderSize) return fail("frame shorter than the header");
  if (static_cast<uint8_t>(f[0]) != kMagic0 || static_cast<uint8_t>(f[1]) != kMagic1) return fail("bad magic");
  if (static_cast<uint8_t>(f[2]) != kVersion) return fail("unsupported wire version");
  uint8_t k = static_cast<uint8_t>(f[3]);
  if (k < 1 || k > 6) return fail("unknown frame kind");
  Header h;
  h.kind = static_cast<Kind>(k);
  if (h.kind == Kind::data || h.kind == Kind::signal || h.kind == Kind::nodes)
    return fail("a sequenced message outside a batch");
  h.session = get_u32(f.data() + 4);
  h.src_inc = get_u64(f.data() + 8);
  h.dst_inc = get_u64(f.data() + 16);
  h.seq = get_u64(f.data() + 24);
  h.ack = get_u64(f.data() + 32);
  if (h.src_inc == 0) return fail("source incarnation 0");
  bool unsequenced = h.kind == Kind::heartbeat || h.kind == Kind::membership;
  if (unsequenced && h.seq != 0) return fail("sequenced heartbeat or membership frame");
  if (!unsequenced && h.seq == 0) return fail("unsequenced batch");
  return h;
}

size_t varint_size(uint64_t v) noexcept {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* put_varint(char* out, uint64_t v) noexcept {
  while (v >= 0x80) {
    *out++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

char* put_batch_entry(char* out, Kind kind, std::string_view head, std::string_view tail) noexcept {
  *out++ = static_cast<char>(kind);
  out = put_varint(out, head.size() + tail.size());
  if (!head.empty()) std::memcpy(out, head.data(), head.size());
  out += head.size();
  if (!tail.empty()) std::memcpy(out, tail.data(), tail.size());
  return out + tail.size();
}

namespace {
// A canonical LEB128 varint at in[pos]; false if truncated, over 10 bytes, above 2^64 or overlong.
bool take_varint(std::string_view in, size_t& pos, uint64_t& v) noexcept {
  v = 0;
  for (int i = 0; i < 10; ++i) {
    if (pos >= in.size()) return false;
    uint8_t b = static_cast<uint8_t>(in[pos++]);
    if (i == 9 && b > 1) return false;
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) return i == 0 || b != 0;
  }
  return false;
}
}  // namespace

bool split_batch(std::string_view body, uint64_t first_seq, std::vector<BatchEntry>& out, std::string& why) {
  out.clear();
  auto fail = [&](std::string w) {
    why = std::move(w);
    return false;
  };
  size_t pos = 0;
  uint64_t n = 0;
  if (!take_varint(body, pos, n)) return fail("bad batch count");
  if (n == 0 || n > kMaxBatch) return fail("batch of " + std::to_string(n) + " messages");
  if (first_seq == 0 || n - 1 > UINT64_MAX - first_seq) return fail("batch seqs wrap around");
  if (n > (body.size() - pos) / 2) return fail("batch count exceeds the frame");  // >= 2 bytes each
  out.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    if (pos >= body.size()) return fail("batch truncated");
    uint8_t k = static_cast<uint8_t>(body[pos++]);
    if (k != static_cast<uint8_t>(Kind::data) && k != static_cast<uint8_t>(Kind::signal) &&
        k != static_cast<uint8_t>(Kind::nodes))
      return fail("message kind " + std::to_string(k) + " in a batch");
    uint64_t len = 0;
    if (!take_varint(body, pos, len)) return fail("bad batch entry length");
    if (len > body.size() - pos) return fail("batch entry longer than the frame");
    out.push_back(BatchEntry{static_cast<Kind>(k), body.substr(pos, len)});
    pos += len;
  }
  if (pos != body.size()) return fail("trailing bytes after a batch");
  return true;
}

std::string encode_context(const fnd::detail::ContextData& c) {
  lang::Writer w;
  w.put_varint(c.correlation_id);
  w.put(c.traceparent);
  size_t n = std::min(c.baggage.size(), kMaxBaggage);
  w.put_varint(n);
  for (size_t i = 0; i < n; ++i) {
    w.put(c.baggage[i].first);
    w.put(c.baggage[i].second);
  }
  std::string s = std::move(w).bytes();
  if (s.size() > kMaxContextBytes) return {};
  return s;
}

bool decode_context(uint8_t version, std::string_view bytes, RequestContext& out, std::string& why) {
  if (version != kContextVersion) {
    why = "unsupported context version " + std::to_string(version);
    return false;
  }
  if (bytes.empty() || bytes.size() > kMaxContextBytes) {
    why = "context section empty or over " + std::to_string(kMaxContextBytes) + " bytes";
    return false;
  }
  try {
    lang::Reader r(bytes);
    uint64_t corr = r.get_varint();
    std::string tp;
    r.get(tp);
    if (!tp.empty() && !RequestContext::valid_traceparent(tp)) throw lang::DecodeError("invalid traceparent");
    uint64_t n = r.get_varint();
    if (n > kMaxBaggage) throw lang::DecodeError("too many baggage entries");
    RequestContext::Baggage bag;
    bag.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      std::string k, v;
      r.get(k);
      r.get(v);
      if (k.empty() || k.size() > kMaxBaggageKey) throw lang::DecodeError("baggage key empty or too long");
      for (auto& e : bag)
        if (e.first == k) throw lang::DecodeError("duplicate baggage key");
      bag.emplace_back(std::move(k), std::move(v));
    }
    if (!r.at_end()) throw lang::DecodeError("trailing bytes after a context");
    out = RequestContext::from_parts(corr, std::move(tp), std::move(bag));
    return true;
  } catch (const lang::DecodeError& e) {
    why = e.what();
    return false;
  }
}

std::string encode_data_body(const DataBody& b) {
  std::string ctx;
  if (b.context) ctx = encode_context(*b.context);
  lang::Writer w;
  w.put_varint(b.sender);
  put_byte(w, b.to_name ? 1 : 0);
  if (b.to_name) w.put(b.receiver_name);
  else w.put_varint(b.receiver);
  put_byte(w, static_cast<uint8_t>((b.flags & 3) | (ctx.empty() ? 0 : kFlagContext)));
  w.put_varint(b.corr);
  if (!ctx.empty()) {
    put_byte(w, kContextVersion);
    w.put(ctx);  // varint length + bytes
  }
  std::string s = std::move(w).bytes();
  char t[4];
  put_u32(t, b.type_id);
  s.append(t, 4);
  return s;
}

bool decode_data_body(std::string_view body, DataBody& out, std::string& why) {
  try {
    lang::Reader r(body);
    out.sender = r.get_varint();
    out.to_name = get_small(r, 1, "receiver tag") == 1;
    if (out.to_name) r.get(out.receiver_name);
    else out.receiver = r.get_varint();
    uint8_t flags = get_small(r, 7, "flags");
    out.flags = flags & 3;
    out.corr = r.get_varint();
    if (out.corr >= (uint64_t{1} << 48)) throw lang::DecodeError("correlation id wider than 48 bits");
    out.has_context = (flags & kFlagContext) != 0;
    out.context_bytes = {};
    if (out.has_context) {
      // Only the length is checked here (a section we cannot delimit makes the frame malformed); version,
      // size and content are checked by decode_context, so a bad context costs the context only.
      out.context_version = get_small(r, 127, "context version");
      uint64_t len = r.get_varint();
      if (len > r.remaining()) throw lang::DecodeError("context section exceeds the frame");
      size_t start = body.size() - r.remaining();
      out.context_bytes = body.substr(start, len);
      r = lang::Reader(body.substr(start + len));
      body = body.substr(start + len);  // the type id follows the section
    }
    size_t used = body.size() - r.remaining();
    if (r.remaining() < 4) throw lang::DecodeError("missing type id");
    out.type_id = get_u32(body.data() + used);
    out.payload = body.substr(used + 4);
    return true;
  } catch (const lang::DecodeError& e) {
    why = e.what();
    return false;
  }
}

std::string encode_signal_body(const SignalBody& b) {
  lang::Writer w;
  w.put_varint(b.sender);
  w.put_varint(b.receiver);
  put_byte(w, b.sig.kind);
  w.put_varint(b.sig.ref);
  w.put(b.sig.linked);
  put_reason(w, b.sig.reason);
  return std::move(w).bytes();
}

bool decode_signal_body(std::string_view body, SignalBody& out, std::string& why) {
  try {
    lang::Reader r(body);
    out.sender = r.get_varint();
    out.receiver = r.get_varint();
    out.sig.kind = get_small(r, 6, "signal kind");
    if (out.sig.kind == 0) throw lang::DecodeError("signal kind 0");
    out.sig.ref = r.get_varint();
    r.get(out.sig.linked);
    out.sig.reason = get_reason(r);
    if (!r.at_end()) throw lang::DecodeError("trailing bytes after a signal");
    return true;
  } catch (const lang::DecodeError& e) {
    why = e.what();
    return false;
  }
}

std::string encode_nodes_body(const std::vector<NodeEntry>& nodes) {
  lang::Writer w;
  w.put_varint(nodes.size());
  for (auto& n : nodes) {
    w.put_varint(n.index);
    w.put(n.name);
    char b[8];
    put_u64(b, n.incarnation);
    w.put(std::string_view(b, 8));
  }
  return std::move(w).bytes();
}

bool decode_nodes_body(std::string_view body, std::vector<NodeEntry>& out, std::string& why) {
  try {
    lang::Reader r(body);
    uint64_t n = r.get_varint();
    if (n > r.remaining()) throw lang::DecodeError("node count exceeds the input");
    out.clear();
    for (uint64_t i = 0; i < n; ++i) {
      NodeEntry e;
      uint64_t idx = r.get_varint();
      if (idx > 0xffffffffu) throw lang::DecodeError("node index out of range");
      e.index = static_cast<uint32_t>(idx);
      r.get(e.name);
      std::string inc;
      r.get(inc);
      if (inc.size() != 8) throw lang::DecodeError("incarnation is not 8 bytes");
      e.incarnation = get_u64(inc.data());
      out.push_back(std::move(e));
    }
    if (!r.at_end()) throw lang::DecodeError("trailing bytes after the node table");
    return true;
  } catch (const lang::DecodeError& e) {
    why = e.what();
    return false;
  }
}

std::string encode_heartbeat_body(std::string_view address) {
  lang::Writer w;
  w.put(address);
  return std::move(w).bytes();
}

bool decode_heartbeat_body(std::string_view body, std::string& address, std::string& why) {
  try {
    lang::Reader r(body);
    r.get(address);
    if (!r.at_end()) throw lang::DecodeError("trailing bytes after a heartbeat");
    if (address.size() > 1024) throw lang::DecodeError("address longer than 1024 bytes");
    return true;
  } catch (const lang::DecodeError& e) {
    why = e.what();
    return false;
  }
}

}  // namespace fnd::dist::wire
