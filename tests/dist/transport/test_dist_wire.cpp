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
  wire::Header h{wire::Kind::data, 7, 0x1122334455667788ull, 42, 9, 3};
  char buf[wire::kHeaderSize];
  wire::write_header(buf, h);
  const char* why = nullptr;
  auto r = wire::read_header(std::string_view(buf, sizeof buf), &why);
  REQUIRE(r);
  CHECK(r->kind == wire::Kind::data);
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
  wire::Header h{wire::Kind::data, 1, 5, 6, 1, 0};
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
  wire::write_header(buf, wire::Header{wire::Kind::data, 1, 5, 6, 0, 0});
  CHECK_FALSE(wire::read_header(std::string_view(buf, sizeof buf), &why));  // data without seq
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
  f[3] = 6;
  CHECK(!wire::read_header(std::string_view(f, sizeof f), &why));
  CHECK(std::string(why) == "unknown frame kind");
}
