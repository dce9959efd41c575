#include "fnd/dist/security/z85.hpp"

#include <array>
#include <stdexcept>

namespace fnd::dist::security {

namespace {

constexpr std::string_view kAlphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

constexpr std::array<int, 256> makeDecodeTable() {
  std::array<int, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  return t;
}
constexpr std::array<int, 256> kDecode = makeDecodeTable();

std::string describeChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

}  // namespace

std::string z85Encode(const std::uint8_t* data, std::size_t size) {
  if (size % 4 != 0) throw std::invalid_argument("z85Encode: size must be a multiple of 4");
  std::string out;
  out.reserve(size / 4 * 5);
  for (std::size_t i = 0; i < size; i += 4) {
    std::uint32_t value = (std::uint32_t(data[i]) << 24) | (std::uint32_t(data[i + 1]) << 16) |
                          (std::uint32_t(data[i + 2]) << 8) | std::uint32_t(data[i + 3]);
    char group[5];
    for (int k = 4; k >= 0; --k) {
      group[k] = kAlphabet[value % 85];
      value /= 85;
    }
    out.append(group, 5);
  }
  return out;
}

std::optional<Z85Error> z85Decode(std::string_view text, std::vector<std::uint8_t>& out) {
  if (text.size() % 5 != 0)
    return Z85Error{text.size(), "Z85 text length " + std::to_string(text.size()) + " is not a multiple of 5"};
  out.clear();
  out.reserve(text.size() / 5 * 4);
  for (std::size_t i = 0; i < text.size(); i += 5) {
    std::uint64_t value = 0;
    for (std::size_t k = 0; k < 5; ++k) {
      int digit = kDecode[static_cast<unsigned char>(text[i + k])];
      if (digit < 0) return Z85Error{i + k, "invalid Z85 character " + describeChar(text[i + k])};
      value = value * 85 + static_cast<std::uint64_t>(digit);
    }
    // Five base-85 digits reach 85^5-1 > 2^32-1: such a group encodes no 4 bytes.
    if (value > 0xffffffffULL)
      return Z85Error{i, "Z85 group '" + std::string(text.substr(i, 5)) + "' exceeds 32 bits"};
    out.push_back(static_cast<std::uint8_t>(value >> 24));
    out.push_back(static_cast<std::uint8_t>(value >> 16));
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
  }
  return std::nullopt;
}

}  // namespace fnd::dist::security
