// What a back end's build step needs to drive external tools (the C++ compiler, the linker):
// shared by every back end so that they start and split commands alike.
#pragma once

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "ast/ast.hpp"

extern char** environ;

namespace fnd::backend {

// Runs argv (found on PATH); returns its exit status (127 if it could not start, 128 if killed).
inline int runCommand(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return 127;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return 127;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// Splits FND_CXXFLAGS-style strings on spaces and tabs (no quoting: paths with spaces go through -I).
inline std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

// The -I flags that find extern actors' headers: the directory of each module (once, in module
// order: a header sits next to the .fnd file that names it), then the user's include directories.
inline void appendExternIncludes(std::vector<std::string>& cmd, const ast::Program& program,
                                 const std::vector<std::string>& includeDirs) {
  std::vector<std::string> seen;
  for (const auto& m : program.modules) {
    std::string d = std::filesystem::path(m->path).parent_path().string();
    if (d.empty()) d = ".";
    if (std::find(seen.begin(), seen.end(), d) == seen.end()) {
      seen.push_back(d);
      cmd.push_back("-I" + d);
    }
  }
  for (const auto& d : includeDirs) cmd.push_back("-I" + d);
}

}  // namespace fnd::backend
