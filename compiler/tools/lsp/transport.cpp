#include "tools/lsp/transport.hpp"

#include <cctype>
#include <istream>
#include <ostream>

namespace fnd::tools::lsp {

namespace {

constexpr std::size_t kMaxBody = 64u << 20;  // 64 MiB: anything larger is not an editor's message

bool iequalsPrefix(const std::string& line, const std::string& prefix) {
  if (line.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

}  // namespace

std::optional<std::string> Transport::read(std::string& problem) {
  problem.clear();
  for (;;) {
    long long length = -1;
    bool sawHeader = false, bad = false;
    std::string line;
    for (;;) {
      if (!std::getline(in_, line)) return std::nullopt;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        if (sawHeader) break;
        continue;  // stray blank lines between messages
      }
      sawHeader = true;
      // Resynchronise after a broken frame: the header may follow leftover bytes on the line.
      std::string lower = line;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::size_t at = lower.find("content-length:");
      if (at != std::string::npos && at > 0) line = line.substr(at);
      if (iequalsPrefix(line, "Content-Length:")) {
        std::string v = line.substr(15);
        std::size_t i = 0;
        while (i < v.size() && v[i] == ' ') ++i;
        if (i == v.size()) { bad = true; continue; }
        length = 0;
        for (; i < v.size(); ++i) {
          if (!std::isdigit(static_cast<unsigned char>(v[i])) || length > static_cast<long long>(kMaxBody)) {
            bad = true;
            break;
          }
          length = length * 10 + (v[i] - '0');
        }
      }
    }
    if (bad || length < 0 || length > static_cast<long long>(kMaxBody)) {
      problem = "missing or invalid Content-Length header";
      return std::string();
    }
    std::string body(static_cast<std::size_t>(length), '\0');
    in_.read(body.data(), length);
    if (in_.gcount() != length) return std::nullopt;
    return body;
  }
}

void Transport::write(const std::string& body) {
  out_ << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out_.flush();
}

}  // namespace fnd::tools::lsp
