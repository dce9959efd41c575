// Z85 (ZeroMQ RFC 32): 4 bytes <-> 5 printable characters. Our own codec, so that a malformed key
// is reported at the exact character that is wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fnd::dist::security {

// size must be a multiple of 4.
std::string z85Encode(const std::uint8_t* data, std::size_t size);

struct Z85Error {
  std::size_t offset;   // 0-based index of the offending character (or group start) in the text
  std::string message;
};

// Decodes text (length a multiple of 5) into out. On error, out is unspecified.
std::optional<Z85Error> z85Decode(std::string_view text, std::vector<std::uint8_t>& out);

}  // namespace fnd::dist::security
