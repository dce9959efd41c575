// One Z85 key written in a text file: checks its length and characters and reports the exact
// line and column of what is wrong (KeyFileError).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "fnd/dist/security/keys.hpp"

namespace fnd::dist::security::detail {

// token: the key text; column: 1-based column of its first character; field: "public-key", ...
std::array<std::uint8_t, kKeyBytes> decodeKeyToken(std::string_view token, const std::string& file, int line,
                                                   int column, const std::string& field);

}  // namespace fnd::dist::security::detail
