// Unit tests of the support library generated code links (fnd_std): the binary codec, formatting,
// checked operations and the generated program's command line.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <limits>

#include <fnd/lang/lang.hpp>

using namespace fnd::lang;

namespace {
struct Inner {
  std::int64_t n = 0;
  List<std::string> tags;
  void encode(Writer& w) const {
    w.put(n);
    w.put(tags);
  }
  static Inner decode(Reader& r) {
    Inner m;
    r.get(m.n);
    r.get(m.tags);
    return m;
  }
  friend bool operator==(const Inner&, const Inner&) = default;
};
struct Outer {
  std::int64_t id = 0;
  double ratio = 0.0;
  bool ok = false;
  std::string label;
  fnd::Binary raw;
  Duration wait{};
  std::map<std::string, std::int64_t> counts;
  List<Inner> inners;
  fnd::Ref owner;
  void encode(Writer& w) const {
    w.put(id);
    w.put(ratio);
    w.put(ok);
    w.put(label);
    w.put(raw);
    w.put(wait);
    w.put(counts);
    w.put(inners);
    w.put(owner);
  }
  static Outer decode(Reader& r) {
    Outer m;
    r.get(m.id);
    r.get(m.ratio);
    r.get(m.ok);
    r.get(m.label);
    r.get(m.raw);
    r.get(m.wait);
    r.get(m.counts);
    r.get(m.inners);
    r.get(m.owner);
    return m;
  }
  friend bool operator==(const Outer&, const Outer&) = default;
};
}  // namespace

TEST_CASE("varints and zigzag have the documented encoding") {
  CHECK(encode(std::int64_t{0}) == std::string("\x00", 1));
  CHECK(encode(std::int64_t{-1}) == "\x01");
  CHECK(encode(std::int64_t{1}) == "\x02");
  CHECK(encode(std::int64_t{63}) == "\x7e");
  CHECK(encode(std::int64_t{64}) == "\x80\x01");
  CHECK(encode(std::numeric_limits<std::int64_t>::max()).size() == 10);
  CHECK(encode(std::string("hi")) == "\x02hi");
  CHECK(encode(true) == "\x01");
  CHECK(encode(1.0) == std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f", 8));
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{300}, std::numeric_limits<std::int64_t>::min(),
                         std::numeric_limits<std::int64_t>::max()})
    CHECK(decode<std::int64_t>(encode(v)) == v);
}

TEST_CASE("messages round-trip, nested values included") {
  Outer o;
  o.id = -42;
  o.ratio = 0.1;
  o.ok = true;
  o.label = "héllo";
  o.raw = fnd::Binary(std::string_view("\x00\xff", 2));
  o.wait = Duration(1500);
  o.counts = {{"b", 2}, {"a", -1}};
  o.inners = {Inner{1, {"x", ""}}, Inner{-7, {}}};
  o.owner = fnd::Ref::name("App.worker");
  CHECK(decode<Outer>(encode(o)) == o);
  // maps are written in ascending key order
  std::string bytes = encode(std::map<std::string, std::int64_t>{{"b", 2}, {"a", 1}});
  CHECK(bytes == std::string("\x02\x01" "a\x02\x01" "b\x04", 7));
}

TEST_CASE("malformed input is rejected, never read past its end") {
  Outer o;
  o.label = "some text";
  o.inners = {Inner{5, {"abc"}}};
  const std::string bytes = encode(o);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    CHECK_THROWS_AS(decode<Outer>(std::string_view(bytes).substr(0, cut)), DecodeError);
  CHECK_THROWS_AS(decode<std::int64_t>(encode(std::int64_t{1}) + "x"), DecodeError);  // trailing bytes
  CHECK_THROWS_AS(decode<bool>("\x02"), DecodeError);
  CHECK_THROWS_AS(decode<std::string>("\xff\xff\xff\xff\x0f"), DecodeError);          // length > input
  CHECK_THROWS_AS(decode<List<std::int64_t>>("\xff\x01"), DecodeError);        // count > input
  CHECK_THROWS_AS(decode<std::int64_t>(std::string(11, '\x80')), DecodeError);        // over-long varint
  CHECK_THROWS_AS(decode<fnd::Ref>("\x07"), DecodeError);                             // bad ref tag
}

namespace {
struct NoFields {  // a message without fields encodes to no bytes
  void encode(Writer&) const {}
  static NoFields decode(Reader&) { return {}; }
};
}  // namespace

TEST_CASE("lists of field-less messages round-trip; their counts are capped") {
  List<NoFields> xs;
  for (int i = 0; i < 3; ++i) xs.push_back(NoFields{});
  const std::string bytes = encode(xs);
  CHECK(bytes == "\x03");
  CHECK(decode<List<NoFields>>(bytes).size() == 3);
  CHECK(decode<List<NoFields>>(encode(List<NoFields>{})).size() == 0);
  CHECK_THROWS_AS(decode<List<NoFields>>("\xff\xff\xff\xff\x0f"), DecodeError);  // over the cap
}

TEST_CASE("formatting") {
  CHECK(fmt(std::int64_t{-5}) == "-5");
  CHECK(fmt(2.0) == "2.0");
  CHECK(fmt(0.1) == "0.1");
  CHECK(fmt(1.0 / 3.0) == "0.3333333333333333");
  CHECK(fmt(1e21) == "1e+21");
  CHECK(fmt(true) == "true");
  CHECK(fmt(Duration(1500)) == "1500ms");
  CHECK(fmt(Duration(2000)) == "2s");
  CHECK(fmt(Duration(180000)) == "3m");
  CHECK(fmt(Duration(0)) == "0ms");
  CHECK(fmt(fnd::Ref::name("App.db")) == "App.db");
  CHECK(fmt(fnd::Binary(std::string_view("\x0a\xff", 2))) == "0x0aff");
  CHECK(cat("n = ", std::int64_t{3}, ", ok ", false) == "n = 3, ok false");
}

TEST_CASE("checked operations crash with a clear reason") {
  CHECK(fnd::lang::div(std::int64_t{-17}, std::int64_t{5}) == -3);
  CHECK(fnd::lang::mod(std::int64_t{-17}, std::int64_t{5}) == -2);
  CHECK(fnd::lang::div(std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}) == std::numeric_limits<std::int64_t>::min());
  CHECK(fnd::lang::mod(std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}) == 0);
  CHECK_THROWS_WITH(fnd::lang::div(std::int64_t{1}, std::int64_t{0}), "division by zero");
  List<std::int64_t> xs{1, 2, 3};
  CHECK(at(xs, 2) == 3);
  CHECK_THROWS_WITH(at(xs, 3), "index 3 out of range (len 3)");
  CHECK_THROWS_WITH(at(xs, -1), "index -1 out of range (len 3)");
  std::map<std::string, std::int64_t> m{{"a", 1}};
  CHECK_THROWS_WITH(at(m, "zz"), "key zz not found");
  List<std::int64_t> empty;
  CHECK_THROWS_WITH(pop(empty), "pop from an empty list");
  CHECK_THROWS_WITH(to_int(std::string("12x")), "int(\"12x\"): not an integer");
  CHECK_THROWS_WITH(to_int(std::string("-9223372036854775809")), "int(\"-9223372036854775809\"): out of range");
  CHECK(to_int(std::string("-9223372036854775808")) == std::numeric_limits<std::int64_t>::min());
  CHECK(to_int(std::string("-12")) == -12);
  CHECK_THROWS_AS(to_int(std::numeric_limits<double>::quiet_NaN()), Crash);
  CHECK(split("a,b,,c", ",") == List<std::string>{"a", "b", "", "c"});
  CHECK(split("", ",") == List<std::string>{""});
}

TEST_CASE("the generated program's command line") {
  auto parse = [](std::vector<std::string> args) {
    std::vector<char*> argv;
    static std::string prog = "prog";
    argv.push_back(prog.data());
    for (auto& a : args) argv.push_back(a.data());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
  };
  auto cl = parse({"--threads", "3", "--log-level=debug"});
  CHECK(cl.error.empty());
  CHECK(cl.node.threads == 3);
  CHECK(cl.node.log_level == fnd::log::Level::debug);
  CHECK(parse({"--help"}).help);
  CHECK(!parse({"--threads", "x"}).error.empty());
  CHECK(!parse({"--bogus"}).error.empty());
  CHECK(!parse({"--threads"}).error.empty());

  const std::string path = "fnd_test_config.txt";
  {
    std::ofstream f(path);
    f << "# comment\nthreads = 2\nthroughput = 50\nlog_level = error\n";
  }
  cl = parse({"--config", path, "--threads", "5"});
  CHECK(cl.error.empty());
  CHECK(cl.node.threads == 5);  // the flag overrides the file
  CHECK(cl.node.throughput == 50);
  CHECK(cl.node.log_level == fnd::log::Level::error);
  {
    std::ofstream f(path);
    f << "threads 2\n";
  }
  CHECK(parse({"--config", path}).error.find(":1:") != std::string::npos);
  std::remove(path.c_str());
  CHECK(!parse({"--config", "/nonexistent/file"}).error.empty());
}
