// Formatting, output and checked operations of .fnd values.
#include "fnd/lang/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>

namespace fnd::lang {

void crash(std::string reason) { throw Crash(reason); }

std::string fmt(std::int64_t v) { return std::to_string(v); }

std::string fmt(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string fmt(bool v) { return v ? "true" : "false"; }

std::string fmt(Duration v) {
  const std::int64_t ms = v.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string fmt(const fnd::Ref& v) { return v.to_string(); }

std::string fmt(const fnd::Binary& v) {
  static const char* hex = "0123456789abcdef";
  std::string s = "0x";
  for (char c : v.view()) {
    s += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
    s += hex[static_cast<unsigned char>(c) & 0xf];
  }
  return s;
}

void print(std::string_view line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void division_by_zero() { crash("division by zero"); }

double mod(double a, double b) { return std::fmod(a, b); }

Duration div(Duration a, std::int64_t b) { return Duration(div(static_cast<std::int64_t>(a.count()), b)); }
std::int64_t div(Duration a, Duration b) { return div(static_cast<std::int64_t>(a.count()), static_cast<std::int64_t>(b.count())); }

std::int64_t to_int(double v) {
  if (std::isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0)
    crash("int(" + fmt(v) + "): out of range");
  return static_cast<std::int64_t>(v);
}

std::int64_t to_int(const std::string& v) {
  std::int64_t out = 0;
  const char* b = v.data();
  const char* e = b + v.size();
  if (b != e && *b == '+' && ++b != e && *b == '-') b = e;  // one sign at most: refused below
  auto r = std::from_chars(b, e, out);
  if (r.ec == std::errc::result_out_of_range && r.ptr == e) crash("int(\"" + v + "\"): out of range");
  if (r.ec != std::errc() || r.ptr != e || b == e) crash("int(\"" + v + "\"): not an integer");
  return out;
}

double to_float(const std::string& v) {
  double out = 0;
  const char* b = v.data();
  const char* e = b + v.size();
  if (b != e && *b == '+' && ++b != e && *b == '-') b = e;  // one sign at most: refused below
  auto r = std::from_chars(b, e, out);
  if (r.ec != std::errc() || r.ptr != e || b == e) crash("float(\"" + v + "\"): not a number");
  return out;
}

void index_out_of_range(std::int64_t i, std::size_t size) {
  crash("index " + std::to_string(i) + " out of range (len " + std::to_string(size) + ")");
}
void key_not_found(const std::string& key) { crash("key " + key + " not found"); }
void pop_empty() { crash("pop from an empty list"); }
Duration timer_interval(Duration d) {
  if (d.count() <= 0) [[unlikely]] crash("timer interval " + fmt(d) + " is not positive");
  return d;
}
void shift_out_of_range(std::int64_t count) { crash("shift count " + std::to_string(count) + " out of range 0..63"); }

List<std::string> split(const std::string& s, const std::string& sep) {
  List<std::string> out;
  if (sep.empty()) {
    for (char c : s) out.emplace_back(1, c);
    return out;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    if (at == std::string::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + sep.size();
  }
}

fnd::Binary concat(const fnd::Binary& a, const fnd::Binary& b) {
  return fnd::Binary::build(a.size() + b.size(), [&](char* dst) {
    std::copy(a.chars(), a.chars() + a.size(), dst);
    std::copy(b.chars(), b.chars() + b.size(), dst + a.size());
  });
}

}  // namespace fnd::lang
