// fndc run FILE... [EXTRA.cpp...] [-- ARGS]: build into a cache directory keyed by a hash of every
// input (the .fnd files and their imports, extra C++ sources, extern headers, fndc's version and
// the C++ flags), then exec the program with ARGS: the exit status is the program's.
// Cache: $XDG_CACHE_HOME/fndc or ~/.cache/fndc (or $TMPDIR/fndc-cache if neither exists).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "driver/backend_util.hpp"
#include "driver/commands.hpp"

namespace fnd::driver {

namespace {

namespace fs = std::filesystem;

struct Hasher {  // FNV-1a, 64-bit: a cache key, not a security boundary
  std::uint64_t h = 1469598103934665603ull;
  void add(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // separator
    h *= 1099511628211ull;
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path cacheRoot() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "fndc";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "fndc";
  std::error_code ec;
  return fs::temp_directory_path(ec) / "fndc-cache";
}

}  // namespace

int runRun(const CommonOptions& allOpts, const std::vector<std::string>& programArgs, const std::string& target) {
  std::vector<std::string> extra;
  const CommonOptions opts = splitSources(allOpts, extra);
  if (opts.files.empty()) {
    std::cerr << "fndc: error: no .fnd input files\n";
    return kUsageError;
  }
  Frontend fe(opts);
  bool ok = fe.run();
  if (!ok) {
    fe.finish();
    return kUserError;
  }
  backend::Backend* be = findBackend(target);
  if (!be) {  // a --target naming no back end is a usage error
    fe.finish();
    return kUsageError;
  }

  // The cache key: everything the binary depends on.
  Hasher key;
  key.add(FND_VERSION);
  key.add(target);
  const auto& sources = fe.diags().sources();
  for (std::size_t f = 1; f <= sources.fileCount(); ++f) {
    key.add(sources.path(static_cast<diag::FileId>(f)));
    key.add(sources.contents(static_cast<diag::FileId>(f)));
  }
  for (const auto& e : extra) {
    key.add(e);
    key.add(readFile(e));
  }
  for (const auto& m : fe.program().modules)
    for (const auto& a : m->actors)
      if (a->isExtern) key.add(readFile(fs::path(m->path).parent_path() / a->externHeader));
  for (const char* env : {"FND_CXX", "FND_CXXFLAGS", "FND_HOME"}) key.add(std::getenv(env) ? std::getenv(env) : "");
  {
    std::error_code ec;
    auto self = fs::read_symlink("/proc/self/exe", ec);  // a rebuilt fndc may generate other code
    if (!ec) key.add(std::to_string(fs::last_write_time(self, ec).time_since_epoch().count()));
  }

  std::error_code ec;
  const fs::path dir = cacheRoot() / key.hex();
  const fs::path binary = dir / "program";
  if (!fs::exists(binary, ec)) {
    fs::create_directories(dir, ec);
    backend::Options bo = backendOptions(opts, (dir / "src").string());
    bo.outputBinary = (dir / "program.tmp").string();
    bo.extraSources = extra;
    ok = generateAndBuild(fe, *be, bo);
    if (ok) fs::rename(bo.outputBinary, binary, ec);  // atomic: a concurrent run sees all or nothing
    if (ok && ec) {
      std::cerr << "fndc: error: cannot write " << binary.string() << ": " << ec.message() << "\n";
      ok = false;
    }
  }
  fe.finish();
  if (!ok) return kUserError;

  std::cout.flush();
  std::cerr.flush();
  std::vector<std::string> args = {binary.string()};
  args.insert(args.end(), programArgs.begin(), programArgs.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  std::perror("fndc: exec");
  return kUserError;
}

}  // namespace fnd::driver
