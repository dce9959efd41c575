// Stable diagnostic codes (table in diag/codes.def).
#pragma once

#include <string_view>

namespace fnd::diag {

enum class Code {
  None,
#define FND_DIAG(code, title) code,
#include "diag/codes.def"
#undef FND_DIAG
};

// "E0102"; "" for Code::None.
std::string_view codeName(Code c);
// The short title from the table.
std::string_view codeTitle(Code c);
// Warnings are the W codes.
bool isWarning(Code c);

}  // namespace fnd::diag
