// Reading the small text files of fnd_security (key files, allow-lists) with errors that name the
// file, and splitting them into lines with 1-based numbers.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace fnd::dist::security::detail {

struct TextFile {
  std::string text;
  mode_t mode = 0;  // permission bits of the file that was read (from the open descriptor)
};

// what: "key file", "allow-list", ... (used in messages). Throws KeyFileError.
TextFile readSmallTextFile(const std::string& path, const char* what);

struct Line {
  int number;             // 1-based
  std::string_view text;  // without the line ending ('\n' or "\r\n")
};
std::vector<Line> splitLines(std::string_view text);

// Index of the first non-blank character, or text.size().
std::size_t firstNonBlank(std::string_view text);
std::string_view trim(std::string_view text);

}  // namespace fnd::dist::security::detail
