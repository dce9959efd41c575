// fndc fmt [--check] [-i|--write] FILE...: prints the files in canonical form (tools/fmt).
// A file with syntax errors is reported and left alone; `-` reads standard input.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "driver/commands.hpp"
#include "tools/fmt/formatter.hpp"

namespace fnd::driver {

namespace {

bool writeAtomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  std::string tmp = path + ".fndfmt.tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) return false;
  }
  std::error_code ec;
  auto perms = fs::status(path, ec).permissions();
  if (!ec) fs::permissions(tmp, perms, ec);
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}

}  // namespace

int runFmt(const CommonOptions& opts, FmtMode mode) {
  diag::SourceManager sources;
  diag::DiagnosticEngine diags(sources, opts.format == diag::OutputFormat::Json ? std::cout : std::cerr);
  diags.setFormat(opts.format);
  diags.setErrorLimit(opts.errorLimit);
  int status = kOk;
  for (const std::string& path : opts.files) {
    std::optional<diag::FileId> file;
    std::string why;
    if (path == "-") {
      std::ostringstream ss;
      ss << std::cin.rdbuf();
      file = sources.addBuffer("<stdin>", ss.str());
    } else {
      file = sources.loadFile(path, &why);
    }
    if (!file) {
      diags.error(diag::Code::E0014, {}, "cannot read file '" + path + "': " + why);
      status = kUserError;
      continue;
    }
    tools::FormatResult r = tools::formatFile(*file, diags);
    if (!r.ok) {
      if (!r.error.empty())
        std::cerr << "fndc: error: cannot format '" << path << "' safely (" << r.error
                  << "); it is left unchanged. Please report this.\n";
      status = kUserError;
      continue;
    }
    bool changed = r.output != sources.contents(*file);
    switch (mode) {
      case FmtMode::Print:
        std::cout << r.output;
        break;
      case FmtMode::Check:
        if (changed) {
          std::cout << path << "\n";
          status = kUserError;
        }
        break;
      case FmtMode::Write:
        if (changed && path != "-" && !writeAtomically(path, r.output)) {
          std::cerr << "fndc: error: cannot write '" << path << "'\n";
          status = kUserError;
        } else if (path == "-") {
          std::cout << r.output;
        }
        break;
    }
  }
  diags.flush();
  return status;
}

}  // namespace fnd::driver
