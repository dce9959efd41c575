// Before a back end runs the C++ compiler on code that includes extern actors' headers: a header
// that no include directory holds is reported at the `from` string of its declaration (E0121), with
// the directories searched, instead of as the compiler's "fatal error" about a generated file.
// The directories are the command's own -I flags, then the compiler's system directories (asked of
// the compiler itself, and only when a header is missing from the -I ones).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "diag/diagnostic.hpp"

namespace fnd::backend {

// The compiler's own #include <...> directories (`cxx -E -v`), or none if it cannot be asked.
inline std::vector<std::string> compilerSystemIncludeDirs(const std::string& cxx) {
  std::vector<std::string> dirs;
  const std::string command = "'" + cxx + "' -x c++ -E -v /dev/null 2>&1 >/dev/null";
  FILE* p = popen(command.c_str(), "r");
  if (!p) return dirs;
  bool inList = false;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.rfind("#include <...> search starts here:", 0) == 0) inList = true;
    else if (line.rfind("End of search list.", 0) == 0) inList = false;
    else if (inList && !line.empty() && line[0] == ' ') dirs.push_back(line.substr(1));
  }
  pclose(p);
  return dirs;
}

// Reports every extern header of `program` that none of `cmd`'s -I directories (nor, then, the
// compiler cmd[0]'s system directories) holds. True when all are found.
inline bool checkExternHeaders(const std::vector<std::string>& cmd, const ast::Program& program,
                               diag::DiagnosticEngine& diags) {
  std::vector<std::string> dirs;
  for (const auto& a : cmd)
    if (a.size() > 2 && a.rfind("-I", 0) == 0) dirs.push_back(a.substr(2));
  auto foundIn = [](const std::vector<std::string>& ds, const std::string& header) {
    std::error_code ec;
    if (std::filesystem::path(header).is_absolute()) return std::filesystem::is_regular_file(header, ec);
    for (const auto& d : ds)
      if (std::filesystem::is_regular_file(std::filesystem::path(d) / header, ec)) return true;
    return false;
  };
  bool ok = true;
  bool askedCompiler = false;
  std::vector<std::string> system;
  for (const auto& m : program.modules)
    for (const auto& a : m->actors) {
      if (!a->isExtern || a->externHeader.empty() || foundIn(dirs, a->externHeader)) continue;
      if (!askedCompiler && !cmd.empty()) system = compilerSystemIncludeDirs(cmd[0]);
      askedCompiler = true;
      if (foundIn(system, a->externHeader)) continue;
      std::string searched;
      for (const auto& d : dirs) searched += (searched.empty() ? "" : ", ") + d;
      diags.error(diag::Code::E0121, a->externHeaderRange,
                  "header '" + a->externHeader + "' of extern actor '" + a->name.name + "' not found")
          .note({}, "searched " + (searched.empty() ? std::string("no directories") : searched) +
                        ", and the C++ compiler's system directories; add its directory with -I");
      ok = false;
    }
  return ok;
}

}  // namespace fnd::backend
