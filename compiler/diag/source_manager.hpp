// Holds every source file of a compilation and its line table; turns byte offsets into
// line/column for diagnostics.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diag/source_range.hpp"

namespace fnd::diag {

struct LineCol {
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based, in bytes
};

class SourceManager {
 public:
  // Adds a file held in memory (tests, fuzzing, stdin). Never fails.
  FileId addBuffer(std::string path, std::string contents);
  // Reads a file from disk; nullopt if it cannot be read.
  // A file named another way (`./x.fnd`, an absolute path, a link) that is already loaded is the
  // same FileId. On failure `why` (if given) says why: "no such file", "is a directory", ...
  std::optional<FileId> loadFile(const std::string& path, std::string* why = nullptr);
  // The file already loaded from this path, if any.
  std::optional<FileId> findFile(const std::string& path) const;

  const std::string& path(FileId f) const { return files_[f - 1].path; }
  std::string_view contents(FileId f) const { return files_[f - 1].contents; }
  std::size_t fileCount() const { return files_.size(); }

  LineCol lineCol(FileId f, std::uint32_t offset) const;
  // The text of a 1-based line, without its newline.
  std::string_view lineText(FileId f, std::uint32_t line) const;
  // Byte offset where a 1-based line starts.
  std::uint32_t lineStart(FileId f, std::uint32_t line) const;
  std::uint32_t lineCount(FileId f) const;

 private:
  struct File {
    std::string path;
    std::string contents;
    std::vector<std::uint32_t> lineStarts;  // offset of each line's first byte
    std::uint64_t device = 0, inode = 0;    // of a file read from disk (0, 0: a buffer)
  };
  std::vector<File> files_;
};

}  // namespace fnd::diag
