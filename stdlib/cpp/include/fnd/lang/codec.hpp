// The compact binary serialization of message values (docs/cpp-backend.md, "Binary format").
// Every generated message has `void encode(fnd::lang::Writer&) const` and
// `static M decode(fnd::lang::Reader&)`; the distribution layer puts these bytes on the wire.
//
//   int       zigzag varint (LEB128)          bool      one byte, 0 or 1
//   float     8 bytes, IEEE-754 little-endian duration  zigzag varint of milliseconds
//   string    varint length, UTF-8 bytes      bytes     varint length, octets
//   list<T>   varint count, then each element
//   map<K,V>  varint count, then key, value pairs in ascending key order
//   ref       one tag byte: 0 null, 1 name (then string), 2 pid (varint node, varint id)
//   message   its fields in declaration order, without tags or a length
// A Reader never reads past its input: truncated or malformed input throws fnd::lang::DecodeError.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <fnd/binary.hpp>
#include <fnd/ref.hpp>

#include "fnd/lang/value.hpp"

namespace fnd::lang {

class DecodeError : public std::runtime_error {
 public:
  explicit DecodeError(const std::string& what) : std::runtime_error("decode: " + what) {}
};

class Writer;
class Reader;

template <class T>
concept Encodable = requires(const T& v, Writer& w) { v.encode(w); };
template <class T>
concept Decodable = requires(Reader& r) { { T::decode(r) } -> std::same_as<T>; };

class Writer {
 public:
  void put_varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void put(std::int64_t v) { put_varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
  void put(bool v) { out_.push_back(v ? 1 : 0); }
  void put(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  void put(Duration v) { put(static_cast<std::int64_t>(v.count())); }
  void put(std::string_view v) {
    put_varint(v.size());
    out_.append(v.data(), v.size());
  }
  void put(const std::string& v) { put(std::string_view(v)); }
  void put(const fnd::Binary& v) { put(v.view()); }
  void put(const fnd::Ref& v);
  template <class T>
  void put(const List<T>& v) {
    put_varint(v.size());
    for (const auto& x : v) put(x);
  }
  template <class K, class V>
  void put(const std::map<K, V>& m) {
    put_varint(m.size());
    for (const auto& [k, v] : m) {
      put(k);
      put(v);
    }
  }
  template <Encodable T>
  void put(const T& v) { v.encode(*this); }

  const std::string& bytes() const& { return out_; }
  std::string bytes() && { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint64_t get_varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const auto b = static_cast<unsigned char>(byte());
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw DecodeError("varint longer than 10 bytes");
  }
  void get(std::int64_t& v) {
    const std::uint64_t u = get_varint();
    v = static_cast<std::int64_t>((u >> 1) ^ (0 - (u & 1)));
  }
  void get(bool& v) {
    const char b = byte();
    if (b != 0 && b != 1) throw DecodeError("bool byte is neither 0 nor 1");
    v = b == 1;
  }
  void get(double& v) {
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(byte())) << (8 * i);
    std::memcpy(&v, &bits, sizeof v);
  }
  void get(Duration& v) {
    std::int64_t ms;
    get(ms);
    v = Duration(ms);
  }
  void get(std::string& v) {
    const std::string_view s = take(get_varint());
    v.assign(s.data(), s.size());
  }
  void get(fnd::Binary& v) {
    const std::string_view s = take(get_varint());
    v = fnd::Binary(s);
  }
  void get(fnd::Ref& v);
  static constexpr std::uint64_t kMaxEmptyElements = std::uint64_t{1} << 20;
  template <class T>
  void get(List<T>& v) {
    const std::uint64_t n = get_varint();
    // Each element takes >= 1 byte, except a message without fields (0 bytes): its count is capped
    // instead, so a forged count cannot make the decoder loop or allocate without bound.
    if constexpr (std::is_empty_v<T>) {
      if (n > kMaxEmptyElements) throw DecodeError("list count exceeds the limit for field-less elements");
    } else if (n > remaining()) {
      throw DecodeError("list count exceeds the input");
    }
    List<T> out;
    out.reserve(std::is_empty_v<T> ? std::min<std::uint64_t>(n, 4096) : n);
    for (std::uint64_t i = 0; i < n; ++i) {
      T x{};
      get(x);
      out.push_back(std::move(x));
    }
    v = std::move(out);
  }
  template <class K, class V>
  void get(std::map<K, V>& m) {
    const std::uint64_t n = get_varint();
    if (n > remaining()) throw DecodeError("map count exceeds the input");
    m.clear();
    for (std::uint64_t i = 0; i < n; ++i) {
      K k{};
      V val{};
      get(k);
      get(val);
      m.insert_or_assign(std::move(k), std::move(val));
    }
  }
  template <Decodable T>
  void get(T& v) { v = T::decode(*this); }

  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  bool at_end() const noexcept { return pos_ == in_.size(); }

 private:
  char byte() {
    if (pos_ >= in_.size()) throw DecodeError("unexpected end of input");
    return in_[pos_++];
  }
  std::string_view take(std::uint64_t n) {
    if (n > remaining()) throw DecodeError("length exceeds the input");
    auto s = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

// Decoding a pid ref needs a node that knows the pid (the distribution layer installs a resolver);
// without one, a decoded pid ref is the null ref. Name refs always decode.
using PidResolver = std::function<fnd::Ref(std::uint32_t node, std::uint64_t id)>;
void set_pid_resolver(PidResolver resolver);

// Whole-value helpers.
template <class T>
std::string encode(const T& v) {
  Writer w;
  w.put(v);
  return std::move(w).bytes();
}
template <class T>
T decode(std::string_view bytes) {
  Reader r(bytes);
  T v{};
  r.get(v);
  if (!r.at_end()) throw DecodeError("trailing bytes after the value");
  return v;
}

}  // namespace fnd::lang
