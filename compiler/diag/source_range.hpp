// Source locations as byte ranges into a file held by the SourceManager (like Cap'n Proto's
// ErrorReporter): cheap to store on every AST node; line/column are computed only when printed.
#pragma once

#include <cstdint>

namespace fnd::diag {

// Index of a file in the SourceManager; 0 is "no file" (builtins, synthesized nodes).
using FileId = std::uint32_t;

struct SourceRange {
  FileId file = 0;
  std::uint32_t begin = 0;  // byte offset of the first character
  std::uint32_t end = 0;    // byte offset one past the last character (== begin for a point)

  bool valid() const { return file != 0; }
  static SourceRange point(FileId f, std::uint32_t at) { return {f, at, at}; }
  // The smallest range covering both (same file assumed; an invalid side is ignored).
  static SourceRange join(SourceRange a, SourceRange b) {
    if (!a.valid()) return b;
    if (!b.valid()) return a;
    return {a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

}  // namespace fnd::diag
