#include "key_token.hpp"

#include <cstring>
#include <string.h>
#include <vector>

#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/z85.hpp"

namespace fnd::dist::security::detail {

std::array<std::uint8_t, kKeyBytes> decodeKeyToken(std::string_view token, const std::string& file, int line,
                                                   int column, const std::string& field) {
  if (token.empty()) throw KeyFileError(file, line, column, field + " has no value");
  if (token.size() != kKeyZ85Chars)
    throw KeyFileError(file, line, column,
                       field + " must be " + std::to_string(kKeyZ85Chars) + " Z85 characters (a " +
                           std::to_string(kKeyBytes) + "-byte key), found " + std::to_string(token.size()));
  std::vector<std::uint8_t> bytes;
  if (auto err = z85Decode(token, bytes))
    throw KeyFileError(file, line, column + static_cast<int>(err->offset), err->message + " in " + field);
  std::array<std::uint8_t, kKeyBytes> out{};
  std::memcpy(out.data(), bytes.data(), kKeyBytes);
  explicit_bzero(bytes.data(), bytes.size());
  return out;
}

}  // namespace fnd::dist::security::detail
