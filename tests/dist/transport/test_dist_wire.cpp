// The wire format: header and bodies round-trip; anything malformed is refused with a reason and never
// crashes or reads out of bounds (run under ASan); the type registry refuses conflicting names.
#include <catch2/catch.hpp>

#include <random>

#include "fnd/dist/types.hpp"
#include "fnd/dist/wire.hpp"
#include "fnd/lang/codec.hpp"
#include "fnd/request_context.hpp"

using namespace fnd;
using namespace fnd::dist;

TEST_CASE("header round-trips and link fields patch in place") {
  wire::Header h{wire::Kind::batch, 7, 0x1122334455667788ull, 42, 9, 3};
  char buf[wire::kHeaderSize];
  wire::write_header(buf, h);
  const char* why = nullptr;
  auto r = wire::read_header(std::string_view(buf, sizeof buf), &why);
  REQUIRE(r);
  CHECK(r->kind == wire::Kind::batch);
  CHECK(r->session == 7);
  CHECK(r->src_inc == 0x1122334455667788ull);
  CHECK(r->dst_inc == 42);
  CHECK(r->seq == 9);
  CHECK(r->ack == 3);
  wire::patch_link_fields(buf, 8, 43, 10, 4);
  r = wire::read_header(std::string_view(buf, sizeof buf), &why);
  REQUIRE(r);
  CHECK((r->session == 8 && r->dst_inc == 43 && r->seq == 10 && r->ack == 4));
}

TEST_CASE("bad headers are refused with a reason") {
  wire::Header h{wire::Kind::batch, 1, 5, 6, 1, 0};
  char buf[wire::kHeaderSize];
  const char* why = nullptr;
  wire::write_header(buf, h);
  CHECK_FALSE(wire::read_header(std::string_view(buf, 10), &why));
  CHECK(std::string(why) == "frame shorter than the header");
  buf[0] = 'X';
  CHECK_FALSE(wire::read_header(std::string_view(buf, sizeof buf), &why));
  CHECK(std::string(why) == "bad magic");
  wire::write_header(buf, h);
  buf[2] = 9;
  CHECK_FALSE(wire::read_header(std::string_view(buf, sizeof buf), &why));
  CHECK(std::string(why) == "unsupported wire version");
  wire::write_header(buf, h);
  buf[3] = 77;
  CHECK_FALSE(wire::read_header(std::string_view(buf, sizeof buf), &why));
  wire::write_header(buf, wire::Header{wire::Kind::batch, 1, 5, 6, 0, 0});
  CHECK_FALSE(wire::read_header(std::string_view(buf, sizeof buf), &why));  // batch without seq
  CHECK(std::string(why) == "unsequenced batch");
  for (auto k : {wire::Kind::data, wire::Kind::signal, wire::Kind::nodes}) {  // version 1's frames
    wire::write_header(buf, wire::Header{k, 1, 5, 6, 1, 0});
    CHECK_FALSE(wire::read_header(std::string_view(buf, sizeof buf), &why));
    CHECK(std::string(why) == "a sequenced message outside a batch");
  }
  wire::write_header(buf, h);
  buf[2] = 1;  // a version 1 frame
  CHECK_FALSE(wire::read_header(std::string_view(buf, sizeof buf), &why));
  CHECK(std::string(why) == "unsupported wire version");
  wire::write_header(buf, wire::Header{wire::Kind::heartbeat, 1, 0, 6, 0, 0});
  CHECK_FALSE(wire::read_header(std::string_view(buf, sizeof buf), &why));  // incarnation 0
}

TEST_CASE("bodies round-trip") {
  wire::DataBody d;
  d.sender = 12;
  d.receiver = 99;
  d.flags = 1;
  d.corr = (uint64_t{1} << 47) + 5;
  d.type_id = 0xdeadbeef;
  std::string b = wire::encode_data_body(d) + "payload";
  wire::DataBody o;
  std::string why;
  REQUIRE(wire::decode_data_body(b, o, why));
  CHECK((o.sender == 12 && o.receiver == 99 && !o.to_name && o.flags == 1 && o.corr == d.corr));
  CHECK(o.type_id == 0xdeadbeef);
  CHECK(o.payload == "payload");

  d.to_name = true;
  d.receiver_name = "sup.worker";
  REQUIRE(wire::decode_data_body(wire::encode_data_body(d), o, why));
  CHECK((o.to_name && o.receiver_name == "sup.worker" && o.payload.empty()));

  wire::SignalBody s;
  s.sender = 3;
  s.receiver = 4;
  s.sig.kind = 5;  // exit
  s.sig.linked = true;
  s.sig.reason = ExitReason::error(Error("noconnection", "node b is down").with("node", "b"));
  wire::SignalBody so;
  REQUIRE(wire::decode_signal_body(wire::encode_signal_body(s), so, why));
  CHECK((so.sender == 3 && so.receiver == 4 && so.sig.kind == 5 && so.sig.linked));
  CHECK(so.sig.reason == s.sig.reason);
  CHECK(so.sig.reason.error_value()->context.at("node") == "b");

  std::vector<wire::NodeEntry> t{{0, "a", 11}, {3, "c", 0xffffffffffffffffull}};
  std::vector<wire::NodeEntry> to;
  REQUIRE(wire::decode_nodes_body(wire::encode_nodes_body(t), to, why));
  REQUIRE(to.size() == 2);
  CHECK((to[1].index == 3 && to[1].name == "c" && to[1].incarnation == 0xffffffffffffffffull));

  std::string addr;
  REQUIRE(wire::decode_heartbeat_body(wire::encode_heartbeat_body("tcp://127.0.0.1:5555"), addr, why));
  CHECK(addr == "tcp://127.0.0.1:5555");
}

TEST_CASE("random and truncated bodies never crash the decoders") {
  std::mt19937_64 rng(7);
  wire::SignalBody s;
  s.sig.kind = 6;
  s.sig.reason = ExitReason::error(Error("x", "y"));
  std::string good_sig = wire::encode_signal_body(s);
  std::string good_nodes = wire::encode_nodes_body({{1, "node-b", 77}});
  int refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string b;
    if (i % 3 == 0) b = good_sig.substr(0, rng() % good_sig.size());          // truncated
    else if (i % 3 == 1) b = good_nodes.substr(0, rng() % good_nodes.size());
    else {
      b.resize(rng() % 64);
      for (auto& c : b) c = static_cast<char>(rng());
    }
    std::string why, addr;
    wire::DataBody d;
    wire::SignalBody sb;
    std::vector<wire::NodeEntry> n;
    refused += !wire::decode_data_body(b, d, why);
    refused += !wire::decode_signal_body(b, sb, why);
    refused += !wire::decode_nodes_body(b, n, why);
    refused += !wire::decode_heartbeat_body(b, addr, why);
    (void)wire::read_header(b, nullptr);
  }
  CHECK(refused > 20000);  // most of it is refused (some random strings are valid heartbeats)
}

struct Point {
  int64_t x = 0, y = 0;
};

TEST_CASE("type registry: builtins, custom codecs, conflicts") {
  REQUIRE(find_type(type_of<int64_t>()));
  CHECK(find_type(type_of<int64_t>())->name == "int");
  CHECK(find_type(type_id_of("string"))->info == type_of<std::string>());
  CHECK_FALSE(find_type(type_of<Point>()));
  auto enc = [](const Point& p, lang::Writer& w) {
    w.put(p.x);
    w.put(p.y);
  };
  auto dec = [](lang::Reader& r) {
    Point p;
    r.get(p.x);
    r.get(p.y);
    return p;
  };
  REQUIRE(register_message<Point>("test.Point", enc, dec));
  REQUIRE(register_message<Point>("test.Point", enc, dec));  // same name again: fine
  auto clash = register_message<Point>("test.Point2", enc, dec);
  REQUIRE_FALSE(clash);
  CHECK(clash.error().code == errc::badarg);
  const WireType* t = find_type(type_of<Point>());
  REQUIRE(t);
  Message* m = detail::make_message<Point>(Point{3, -4});
  lang::Writer w;
  t->encode(*m, w);
  detail::destroy_message(m);
  lang::Reader r(w.bytes());
  MessagePtr back(t->decode(r));
  REQUIRE(back->is<Point>());
  CHECK((back->get<Point>().x == 3 && back->get<Point>().y == -4));
}

TEST_CASE("a request context travels in the data body; bad contexts are refused with a reason") {
  auto ctx = RequestContext::start(77).with("tenant", "acme").with("user", "u1");
  wire::DataBody d;
  d.receiver = 3;
  d.flags = 1;
  d.corr = 9;
  d.type_id = 0x01020304;
  d.context = ctx.data();
  std::string b = wire::encode_data_body(d) + "payload";
  wire::DataBody o;
  std::string why;
  REQUIRE(wire::decode_data_body(b, o, why));
  CHECK((o.flags == 1 && o.corr == 9 && o.type_id == 0x01020304 && o.payload == "payload"));
  REQUIRE(o.has_context);
  RequestContext got;
  REQUIRE(wire::decode_context(o.context_version, o.context_bytes, got, why));
  CHECK(got.correlation_id() == 77);
  CHECK(got.traceparent() == ctx.traceparent());
  CHECK(got.baggage() == ctx.baggage());

  // Without a context: no flag, no section (the frame is as before).
  d.context = nullptr;
  REQUIRE(wire::decode_data_body(wire::encode_data_body(d) + "p", o, why));
  CHECK(!o.has_context);

  // A context that would exceed the limit is left off at the sender (the message still travels).
  auto big = RequestContext::start(1).with("k", std::string(wire::kMaxContextBytes, 'x'));
  d.context = big.data();
  REQUIRE(wire::decode_data_body(wire::encode_data_body(d) + "p", o, why));
  CHECK(!o.has_context);

  RequestContext out;
  CHECK(!wire::decode_context(2, wire::encode_context(*ctx.data()), out, why));
  CHECK(why.find("version") != std::string::npos);
  CHECK(!wire::decode_context(1, "", out, why));
  CHECK(!wire::decode_context(1, std::string(wire::kMaxContextBytes + 1, '\0'), out, why));
  {  // invalid traceparent
    lang::Writer w;
    w.put_varint(1);
    w.put(std::string_view("00-zz"));
    w.put_varint(0);
    CHECK(!wire::decode_context(1, std::move(w).bytes(), out, why));
    CHECK(why.find("invalid traceparent") != std::string::npos);
  }
  {  // duplicate and empty keys, too many entries, trailing bytes
    lang::Writer w;
    w.put_varint(1);
    w.put(std::string_view(""));
    w.put_varint(2);
    w.put(std::string_view("k"));
    w.put(std::string_view("v"));
    w.put(std::string_view("k"));
    w.put(std::string_view("v"));
    CHECK(!wire::decode_context(1, std::move(w).bytes(), out, why));
    CHECK(why.find("duplicate baggage key") != std::string::npos);
    lang::Writer e;
    e.put_varint(1);
    e.put(std::string_view(""));
    e.put_varint(1);
    e.put(std::string_view(""));
    e.put(std::string_view("v"));
    CHECK(!wire::decode_context(1, std::move(e).bytes(), out, why));
    lang::Writer m;
    m.put_varint(1);
    m.put(std::string_view(""));
    m.put_varint(wire::kMaxBaggage + 1);
    CHECK(!wire::decode_context(1, std::move(m).bytes(), out, why));
    lang::Writer t;
    t.put_varint(1);
    t.put(std::string_view(""));
    t.put_varint(0);
    std::string tb = std::move(t).bytes() + "x";
    CHECK(!wire::decode_context(1, tb, out, why));
  }
  CHECK(out.empty());  // never set by a failed decode

  // A section longer than the rest of the body makes the frame malformed; every truncation and random
  // corruption of a frame with a context is refused or decoded, never read out of bounds (ASan).
  d.context = ctx.data();
  std::string full = wire::encode_data_body(d);
  for (size_t n = 0; n < full.size(); ++n) {
    wire::DataBody t;
    if (wire::decode_data_body(full.substr(0, n), t, why) && t.has_context) {
      RequestContext c;
      (void)wire::decode_context(t.context_version, t.context_bytes, c, why);
    }
  }
  std::mt19937 rng(11);
  for (int i = 0; i < 5000; ++i) {
    std::string f = full;
    f[rng() % f.size()] = static_cast<char>(rng());
    wire::DataBody t;
    if (wire::decode_data_body(f, t, why) && t.has_context) {
      RequestContext c;
      (void)wire::decode_context(t.context_version, t.context_bytes, c, why);
    }
  }
}

TEST_CASE("membership frames are unsequenced (kind 5)") {
  char f[wire::kHeaderSize];
  wire::Header h;
  h.kind = wire::Kind::membership;
  h.src_inc = 9;
  wire::write_header(f, h);
  const char* why = nullptr;
  auto r = wire::read_header(std::string_view(f, sizeof f), &why);
  REQUIRE(r);
  CHECK(r->kind == wire::Kind::membership);
  h.seq = 3;
  wire::write_header(f, h);
  CHECK(!wire::read_header(std::string_view(f, sizeof f), &why));
  f[3] = 7;
  CHECK(!wire::read_header(std::string_view(f, sizeof f), &why));
  CHECK(std::string(why) == "unknown frame kind");
}

namespace {
// A batch body of the given (kind, body) messages, as the network thread writes it.
std::string batch_of(const std::vector<std::pair<wire::Kind, std::string>>& msgs) {
  size_t size = wire::varint_size(msgs.size());
  for (auto& [k, b] : msgs) size += wire::batch_entry_size(b.size());
  std::string out(size, '\0');
  char* w = wire::put_varint(out.data(), msgs.size());
  for (auto& [k, b] : msgs) w = wire::put_batch_entry(w, k, b.substr(0, b.size() / 2), b.substr(b.size() / 2));
  REQUIRE(w == out.data() + out.size());
  return out;
}
}  // namespace

TEST_CASE("batch frames: messages round-trip in order; the entry size is exact") {
  wire::DataBody d;
  d.sender = 5;
  d.receiver = 6;
  d.type_id = 77;
  std::string data = wire::encode_data_body(d) + std::string(300, 'p');  // a 2-byte length
  std::string sig = wire::encode_signal_body(wire::SignalBody{1, 2, {}});
  std::string nodes = wire::encode_nodes_body({{1, "node-b", 77}});
  std::string b = batch_of({{wire::Kind::data, data}, {wire::Kind::signal, sig}, {wire::Kind::nodes, nodes}, {wire::Kind::data, ""}});
  CHECK(wire::batch_entry_size(300) == 1 + 2 + 300);
  std::vector<wire::BatchEntry> e;
  std::string why;
  REQUIRE(wire::split_batch(b, 41, e, why));
  REQUIRE(e.size() == 4);
  CHECK((e[0].kind == wire::Kind::data && e[0].body == data));
  CHECK((e[1].kind == wire::Kind::signal && e[1].body == sig));
  CHECK((e[2].kind == wire::Kind::nodes && e[2].body == nodes));
  CHECK((e[3].kind == wire::Kind::data && e[3].body.empty()));
  wire::DataBody o;
  REQUIRE(wire::decode_data_body(e[0].body, o, why));
  CHECK(o.payload == std::string(300, 'p'));
  // The last seq of a batch may be the largest seq; one more wraps.
  CHECK(wire::split_batch(batch_of({{wire::Kind::data, "x"}}), UINT64_MAX, e, why));
  CHECK_FALSE(wire::split_batch(batch_of({{wire::Kind::data, "x"}, {wire::Kind::data, "y"}}), UINT64_MAX, e, why));
  CHECK(why == "batch seqs wrap around");
}

TEST_CASE("malformed batches are refused whole, with a reason") {
  using namespace std::string_view_literals;  // bodies with NUL bytes
  std::vector<wire::BatchEntry> e;
  std::string why;
  auto refused = [&](std::string_view body, const std::string& reason) {
    why.clear();
    bool ok = wire::split_batch(body, 1, e, why);
    INFO("body of " << body.size() << " bytes, reason " << why);
    CHECK_FALSE(ok);
    CHECK(why.find(reason) != std::string::npos);
  };
  refused("", "bad batch count");
  refused(std::string("\x00", 1), "batch of 0 messages");
  std::string over(10, '\0');
  over.resize(wire::put_varint(over.data(), wire::kMaxBatch + 1) - over.data());
  refused(over + std::string(300000, '\0'), "batch of 65537 messages");
  refused("\x80\x80\x04"sv, "batch count exceeds the frame");  // 65536: the limit, but no room for them
  refused("\x80\x00"sv, "bad batch count");                        // overlong varint (0 in two bytes)
  refused("\x03\x02\x00"sv, "batch count exceeds the frame");     // 3 messages cannot fit in 2 bytes
  refused("\x01\x01\x00"sv, "message kind 1 in a batch");         // heartbeat
  refused("\x01\x05\x00"sv, "message kind 5 in a batch");         // membership
  refused("\x01\x06\x00"sv, "message kind 6 in a batch");         // a batch in a batch
  refused("\x01\x82\x00"sv, "message kind 130 in a batch");       // not a varint: one byte
  refused("\x01\x02\x05xy"sv, "batch entry longer than the frame");
  refused("\x01\x02\x01xy"sv, "trailing bytes after a batch");
  refused("\x02\x02\x02xy"sv, "batch truncated");
  refused("\x01\x02\x81\x00"sv, "bad batch entry length");        // overlong length
  refused("\x01\x02\x80"sv, "bad batch entry length");
  // Every truncation of a valid batch is refused.
  std::string good = batch_of({{wire::Kind::data, "hello"}, {wire::Kind::signal, "world!"}, {wire::Kind::nodes, ""}});
  REQUIRE(wire::split_batch(good, 1, e, why));
  for (size_t n = 0; n < good.size(); ++n) {
    INFO("truncated to " << n);
    CHECK_FALSE(wire::split_batch(good.substr(0, n), 1, e, why));
  }
  CHECK_FALSE(wire::split_batch(good + "z", 1, e, why));
  CHECK_FALSE(wire::split_batch(good, 0, e, why));  // seq 0 is never sequenced
}

TEST_CASE("fuzzed batches never crash the splitter; what it accepts lies inside the frame") {
  std::mt19937_64 rng(11);
  std::string good = batch_of({{wire::Kind::data, std::string(40, 'a')}, {wire::Kind::signal, "sig"},
                               {wire::Kind::nodes, std::string(200, 'n')}, {wire::Kind::data, "d"}});
  std::vector<wire::BatchEntry> e;
  std::string why;
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string f;
    switch (i % 4) {
      case 0:  // bit flips
        f = good;
        for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) f[rng() % f.size()] ^= static_cast<char>(1 << (rng() % 8));
        break;
      case 1:  // overwritten bytes
        f = good;
        for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k) f[rng() % f.size()] = static_cast<char>(rng());
        break;
      case 2:  // truncated or extended
        f = good.substr(0, rng() % (good.size() + 1)) + std::string(rng() % 3, static_cast<char>(rng()));
        break;
      default:  // random
        f.resize(rng() % 80);
        for (auto& c : f) c = static_cast<char>(rng());
    }
    if (!wire::split_batch(f, 1 + rng() % 100, e, why)) continue;
    ++accepted;
    REQUIRE(!e.empty());
    for (auto& m : e) {
      REQUIRE(m.body.data() >= f.data());
      REQUIRE(m.body.data() + m.body.size() <= f.data() + f.size());
      REQUIRE((m.kind == wire::Kind::data || m.kind == wire::Kind::signal || m.kind == wire::Kind::nodes));
    }
  }
  CHECK(accepted > 0);  // some mutations (inside bodies) leave a well-formed batch
  CHECK(accepted < 20000);
}
