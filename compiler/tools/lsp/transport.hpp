// LSP base protocol: JSON-RPC 2.0 messages framed by `Content-Length: N\r\n\r\n` headers.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace fnd::tools::lsp {

class Transport {
 public:
  Transport(std::istream& in, std::ostream& out) : in_(in), out_(out) {}
  // The body of the next message; nullopt at end of input. A frame with a bad or missing
  // Content-Length is skipped (reported through `problem`).
  std::optional<std::string> read(std::string& problem);
  void write(const std::string& body);

 private:
  std::istream& in_;
  std::ostream& out_;
};

}  // namespace fnd::tools::lsp
