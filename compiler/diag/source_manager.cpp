#include "diag/source_manager.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace fnd::diag {

FileId SourceManager::addBuffer(std::string path, std::string contents) {
  File f;
  f.path = std::move(path);
  f.contents = std::move(contents);
  f.lineStarts.push_back(0);
  for (std::uint32_t i = 0; i < f.contents.size(); ++i)
    if (f.contents[i] == '\n') f.lineStarts.push_back(i + 1);
  files_.push_back(std::move(f));
  return static_cast<FileId>(files_.size());
}

std::optional<FileId> SourceManager::loadFile(const std::string& path, std::string* why) {
  if (auto existing = findFile(path)) return existing;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (why) *why = std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    if (why) *why = "it is a directory";
    return std::nullopt;
  }
  for (std::size_t i = 0; i < files_.size(); ++i)
    if (files_[i].inode != 0 && files_[i].device == st.st_dev && files_[i].inode == st.st_ino)
      return static_cast<FileId>(i + 1);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (why) *why = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    if (why) *why = "read error";
    return std::nullopt;
  }
  FileId id = addBuffer(path, ss.str());
  files_[id - 1].device = st.st_dev;
  files_[id - 1].inode = st.st_ino;
  return id;
}

std::optional<FileId> SourceManager::findFile(const std::string& path) const {
  for (std::size_t i = 0; i < files_.size(); ++i)
    if (files_[i].path == path) return static_cast<FileId>(i + 1);
  return std::nullopt;
}

LineCol SourceManager::lineCol(FileId f, std::uint32_t offset) const {
  const File& file = files_[f - 1];
  offset = std::min<std::uint32_t>(offset, file.contents.size());
  auto it = std::upper_bound(file.lineStarts.begin(), file.lineStarts.end(), offset);
  std::uint32_t line = static_cast<std::uint32_t>(it - file.lineStarts.begin());
  return {line, offset - file.lineStarts[line - 1] + 1};
}

std::string_view SourceManager::lineText(FileId f, std::uint32_t line) const {
  const File& file = files_[f - 1];
  if (line == 0 || line > file.lineStarts.size()) return {};
  std::uint32_t begin = file.lineStarts[line - 1];
  std::uint32_t end = line < file.lineStarts.size() ? file.lineStarts[line] : file.contents.size();
  std::string_view text(file.contents.data() + begin, end - begin);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::uint32_t SourceManager::lineStart(FileId f, std::uint32_t line) const {
  const File& file = files_[f - 1];
  if (line == 0) return 0;
  if (line > file.lineStarts.size()) return file.contents.size();
  return file.lineStarts[line - 1];
}

std::uint32_t SourceManager::lineCount(FileId f) const {
  return static_cast<std::uint32_t>(files_[f - 1].lineStarts.size());
}

}  // namespace fnd::diag
