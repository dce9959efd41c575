// A fresh temporary directory per test, removed with everything in it afterwards.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace fnd::dist::security::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fnd-security-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes text to name with the given mode; returns the path.
  std::string write(const std::string& name, const std::string& text, std::filesystem::perms mode =
                                                                           std::filesystem::perms::owner_read |
                                                                           std::filesystem::perms::owner_write) const {
    std::string p = file(name);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    std::filesystem::permissions(p, mode);
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace fnd::dist::security::test
