// The one exception type of fnd_security. Key-file errors carry the file, line and column they
// point at; their what() is already the clang-style text (`file:line:col: error: message`).
#pragma once

#include <stdexcept>
#include <string>

namespace fnd::dist::security {

class SecurityError : public std::runtime_error {
 public:
  explicit SecurityError(const std::string& message) : std::runtime_error(message) {}
};

class KeyFileError : public SecurityError {
 public:
  // line/column 0: the error is about the whole file (missing, unreadable, permissions).
  KeyFileError(std::string file, int line, int column, const std::string& message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  std::string file_;
  int line_;
  int column_;
};

}  // namespace fnd::dist::security
