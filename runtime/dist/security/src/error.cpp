#include "fnd/dist/security/error.hpp"

namespace fnd::dist::security {

namespace {

std::string locate(const std::string& file, int line, int column) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  if (line > 0 && column > 0) where += ":" + std::to_string(column);
  return where;
}

}  // namespace

KeyFileError::KeyFileError(std::string file, int line, int column, const std::string& message)
    : SecurityError(locate(file, line, column) + ": error: " + message),
      file_(std::move(file)),
      line_(line),
      column_(column) {}

}  // namespace fnd::dist::security
