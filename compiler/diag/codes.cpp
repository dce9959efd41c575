#include "diag/codes.hpp"

namespace fnd::diag {

namespace {
struct Entry {
  std::string_view name, title;
};
constexpr Entry kTable[] = {
    {"", ""},
#define FND_DIAG(code, title) {#code, title},
#include "diag/codes.def"
#undef FND_DIAG
};
}  // namespace

std::string_view codeName(Code c) { return kTable[static_cast<int>(c)].name; }
std::string_view codeTitle(Code c) { return kTable[static_cast<int>(c)].title; }
bool isWarning(Code c) { return codeName(c).starts_with("W"); }

}  // namespace fnd::diag
