// Values of the .fnd language in C++: the type mapping generated code uses, formatting (string
// interpolation, print), and the checked operations that crash the actor instead of invoking UB.
//
//   int -> std::int64_t (wrapping: generated code is compiled with -fwrapv)   float -> double
//   bool -> bool   string -> std::string   bytes -> fnd::Binary   duration -> fnd::lang::Duration
//   list<T> -> fnd::lang::List<T> (copy on write)   map<K, V> -> std::map<K, V> (ascending keys)
//   ref -> fnd::Ref
//   a message -> a generated struct with value fields
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fnd/binary.hpp>
#include <fnd/error.hpp>
#include <fnd/ref.hpp>

#include "fnd/lang/list.hpp"

namespace fnd::lang {

// Generated code writes int literals as `5L`: int64 must be `long` (LP64, as on Linux).
static_assert(std::is_same_v<std::int64_t, long>, "fnd::lang assumes an LP64 platform");

// `duration`: millisecond resolution, 64-bit.
using Duration = std::chrono::milliseconds;

// Thrown by checked operations (division by zero, index out of range, ...). The runtime turns a
// handler's exception into the actor's exit reason `error(exception: <what>)`, so the actor crashes
// with a clear reason and its supervisor sees it.
class Crash : public fnd::TextError {  // a reason may hold NUL bytes (a map key, int("..."))
 public:
  explicit Crash(const std::string& what) : fnd::TextError(what) {}
};
[[noreturn]] void crash(std::string reason);

// ---- formatting (interpolation, print, log) ----
std::string fmt(std::int64_t v);
std::string fmt(double v);  // shortest round-trip form, always with a '.' or exponent: 2.0, 0.1, 1e+21
std::string fmt(bool v);
inline std::string fmt(int v) { return fmt(static_cast<std::int64_t>(v)); }
inline const std::string& fmt(const std::string& v) { return v; }
inline std::string fmt(std::string_view v) { return std::string(v); }
inline std::string fmt(const char* v) { return std::string(v); }
std::string fmt(Duration v);  // 1500ms, 2s, 3m, 1h (the largest unit that is exact)
std::string fmt(const fnd::Ref& v);  // a child's name, or the pid <0.42>
std::string fmt(const fnd::Binary& v);  // hex: 0x0aff

// Concatenates the formatted parts: cat("n = ", n, "!").
template <class... Ts>
std::string cat(const Ts&... parts) {
  std::string out;
  ((out += fmt(parts)), ...);
  return out;
}

// ---- output ----
// Writes `line` and a newline to stdout as one unit (thread-safe, flushed per line).
void print(std::string_view line);

// ---- checked arithmetic ----
// Integer division truncates toward zero; the remainder has the sign of the dividend (like C, Go
// and Rust). Division by zero crashes the actor; INT64_MIN / -1 wraps (to INT64_MIN; remainder 0).
// Inline: they are on hot paths of generated code (hashing, index arithmetic).
[[noreturn]] void division_by_zero();
inline std::int64_t div(std::int64_t a, std::int64_t b) {
  if (b == 0) [[unlikely]] division_by_zero();
  if (b == -1) [[unlikely]] return static_cast<std::int64_t>(0ull - static_cast<std::uint64_t>(a));  // wraps at INT64_MIN
  return a / b;
}
inline std::int64_t mod(std::int64_t a, std::int64_t b) {
  if (b == 0) [[unlikely]] division_by_zero();
  if (b == -1) [[unlikely]] return 0;
  return a % b;
}
inline double div(double a, double b) { return a / b; }  // IEEE: inf/nan, never a crash
double mod(double a, double b);                           // fmod
Duration div(Duration a, std::int64_t b);
std::int64_t div(Duration a, Duration b);
inline std::int64_t abs(std::int64_t v) { return v < 0 ? static_cast<std::int64_t>(0ull - static_cast<std::uint64_t>(v)) : v; }
inline double abs(double v) { return std::fabs(v); }  // abs(-0.0) is 0.0, abs(nan) a nan
inline Duration abs(Duration v) { return Duration(abs(static_cast<std::int64_t>(v.count()))); }

// ---- `every D` ----
// The interval of a timer, computed from parameters when the actor starts: a non-positive one
// crashes the actor ("timer interval 0ms is not positive"; a constant one is E0302).
Duration timer_interval(Duration d);

// ---- shifts with a computed count ----
// The count must be in 0..63, else the actor crashes ("shift count N out of range 0..63"). `<<`
// wraps (bits shifted out are lost), `>>` is arithmetic (copies the sign bit), `>>>` is logical
// (shifts in zeros).
[[noreturn]] void shift_out_of_range(std::int64_t count);
inline std::int64_t shl(std::int64_t a, std::int64_t n) {
  if (static_cast<std::uint64_t>(n) > 63) [[unlikely]] shift_out_of_range(n);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) << n);
}
inline std::int64_t shr(std::int64_t a, std::int64_t n) {
  if (static_cast<std::uint64_t>(n) > 63) [[unlikely]] shift_out_of_range(n);
  return a >> n;
}
inline std::int64_t ushr(std::int64_t a, std::int64_t n) {
  if (static_cast<std::uint64_t>(n) > 63) [[unlikely]] shift_out_of_range(n);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) >> n);
}

// ---- conversions: int(x) float(x) string(x) bytes(x) ----
inline std::int64_t to_int(std::int64_t v) { return v; }
std::int64_t to_int(double v);              // truncates; NaN or out of range crashes
std::int64_t to_int(const std::string& v);  // decimal; not a number crashes
inline std::int64_t to_int(Duration v) { return v.count(); }  // milliseconds
inline std::int64_t to_int(bool v) { return v ? 1 : 0; }
inline double to_float(double v) { return v; }
inline double to_float(std::int64_t v) { return static_cast<double>(v); }
double to_float(const std::string& v);  // not a number crashes
inline double to_float(Duration v) { return static_cast<double>(v.count()); }
template <class T>
std::string to_string(const T& v) { return fmt(v); }
inline std::string to_string(const fnd::Binary& v) { return std::string(v.view()); }  // the octets
inline fnd::Binary to_bytes(const std::string& v) { return fnd::Binary(std::string_view(v)); }
inline fnd::Binary to_bytes(const fnd::Binary& v) { return v; }

// ---- containers ----
template <class T>
std::int64_t len(const List<T>& v) { return static_cast<std::int64_t>(v.size()); }
template <class K, class V>
std::int64_t len(const std::map<K, V>& m) { return static_cast<std::int64_t>(m.size()); }
inline std::int64_t len(const std::string& s) { return static_cast<std::int64_t>(s.size()); }
inline std::int64_t len(const fnd::Binary& b) { return static_cast<std::int64_t>(b.size()); }

[[noreturn]] void index_out_of_range(std::int64_t i, std::size_t size);
[[noreturn]] void key_not_found(const std::string& key);
[[noreturn]] void pop_empty();

// xs[i] read: crashes when i is not in [0, len). Reads never copy a shared list.
template <class T>
const T& at(const List<T>& v, std::int64_t i) {
  if (i < 0 || static_cast<std::uint64_t>(i) >= v.size()) index_out_of_range(i, v.size());
  return v[static_cast<std::size_t>(i)];
}
// xs[i] as a place (`xs[i] = v`, `xs[i].push(x)`): checked, and the list's storage made exclusive
// to this value first (copy on write).
template <class T>
T& at_mut(List<T>& v, std::int64_t i) {
  if (i < 0 || static_cast<std::uint64_t>(i) >= v.size()) index_out_of_range(i, v.size());
  return v.mut(static_cast<std::size_t>(i));
}
// m[k] as a place whose part is written (`m[k].f = v`; `m[k] = v` itself inserts): crashes when
// k is absent. The key is taken by value: it may be read from a list that the place's path
// unshares.
template <class K, class V>
V& at_mut(std::map<K, V>& m, std::type_identity_t<K> k) {
  auto it = m.find(k);
  if (it == m.end()) key_not_found(fmt(k));
  return it->second;
}
// m[k] read: crashes when k is absent.
template <class K, class V>
const V& at(const std::map<K, V>& m, const std::type_identity_t<K>& k) {
  auto it = m.find(k);
  if (it == m.end()) key_not_found(fmt(k));
  return it->second;
}
// string s[i]: the byte at i as an int.
inline std::int64_t at(const std::string& s, std::int64_t i) {
  if (i < 0 || static_cast<std::uint64_t>(i) >= s.size()) index_out_of_range(i, s.size());
  return static_cast<unsigned char>(s[static_cast<std::size_t>(i)]);
}
inline std::int64_t at(const fnd::Binary& b, std::int64_t i) {
  if (i < 0 || static_cast<std::uint64_t>(i) >= b.size()) index_out_of_range(i, b.size());
  return static_cast<std::int64_t>(b[static_cast<std::size_t>(i)]);
}

template <class T>
T pop(List<T>& v) {
  if (v.empty()) pop_empty();
  return v.take_back();
}
template <class T, class U>
bool contains(const List<T>& v, const U& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
template <class K, class V, class U>
bool contains(const std::map<K, V>& m, const U& k) {
  return m.find(k) != m.end();
}
inline bool contains(const std::string& s, const std::string& sub) { return s.find(sub) != std::string::npos; }
template <class K, class V, class U, class D>
V get_or(const std::map<K, V>& m, const U& k, D&& dflt) {
  auto it = m.find(k);
  return it == m.end() ? V(std::forward<D>(dflt)) : it->second;
}
template <class K, class V>
List<K> keys(const std::map<K, V>& m) {
  List<K> out;
  out.reserve(m.size());
  for (const auto& kv : m) out.push_back(kv.first);
  return out;
}
template <class K, class V>
List<V> values(const std::map<K, V>& m) {
  List<V> out;
  out.reserve(m.size());
  for (const auto& kv : m) out.push_back(kv.second);
  return out;
}
// "a,b,,c".split(",") -> ["a", "b", "", "c"]; an empty separator splits into single bytes.
List<std::string> split(const std::string& s, const std::string& sep);
// list + list
template <class T>
List<T> concat(List<T> a, const List<T>& b) {
  a.append(b);
  return a;
}
// bytes + bytes
fnd::Binary concat(const fnd::Binary& a, const fnd::Binary& b);

}  // namespace fnd::lang
