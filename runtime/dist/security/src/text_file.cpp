#include "text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fnd/dist/security/error.hpp"

namespace fnd::dist::security::detail {

namespace {

// Far above any key file or allow-list of a real cluster; stops a mistaken path (a log, a device)
// from being read whole.
constexpr off_t kMaxBytes = 1 << 20;

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

TextFile readSmallTextFile(const std::string& path, const char* what) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (f.fd < 0) throw KeyFileError(path, 0, 0, std::string("cannot open ") + what + ": " + std::strerror(errno));
  struct stat st{};
  if (::fstat(f.fd, &st) != 0)
    throw KeyFileError(path, 0, 0, std::string("cannot stat ") + what + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw KeyFileError(path, 0, 0, std::string(what) + " is not a regular file");
  if (st.st_size > kMaxBytes)
    throw KeyFileError(path, 0, 0, std::string(what) + " is too large (" + std::to_string(st.st_size) +
                                       " bytes; at most " + std::to_string(kMaxBytes) + ")");
  TextFile out;
  out.mode = st.st_mode & 07777;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw KeyFileError(path, 0, 0, std::string("cannot read ") + what + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    out.text.append(buf, static_cast<std::size_t>(n));
    if (out.text.size() > static_cast<std::size_t>(kMaxBytes))
      throw KeyFileError(path, 0, 0, std::string(what) + " is too large");
  }
  explicit_bzero(buf, sizeof buf);
  return out;
}

std::vector<Line> splitLines(std::string_view text) {
  std::vector<Line> lines;
  int number = 1;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({number++, line});
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::size_t firstNonBlank(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i;
}

std::string_view trim(std::string_view text) {
  text.remove_prefix(firstNonBlank(text));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace fnd::dist::security::detail
