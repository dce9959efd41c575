// fndc run FILE... [-- ARGS]: build into a temporary directory and run the program; the exit status
// is the program's.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "driver/backend_util.hpp"
#include "driver/commands.hpp"

namespace fnd::driver {

int runRun(const CommonOptions& opts, const std::vector<std::string>& programArgs, const std::string& target) {
  namespace fs = std::filesystem;
  Frontend fe(opts);
  bool ok = fe.run();
  if (!ok) {
    fe.finish();
    return kUserError;
  }
  backend::Backend* be = findBackend(target);
  if (!be) {
    fe.finish();
    return kUserError;
  }
  std::error_code ec;
  fs::path dir = fs::temp_directory_path(ec) / ("fndc-run-" + std::to_string(::getpid()));
  fs::create_directories(dir, ec);
  backend::Options bo;
  bo.outputDir = (dir / "src").string();
  bo.outputBinary = (dir / "program").string();
  bo.stdlibDir = opts.stdlibDir.empty() ? sema::defaultStdlibDir() : opts.stdlibDir;
  bo.includeDirs = opts.includeDirs;
  std::vector<backend::OutputFile> files;
  ok = be->generate(fe.program(), bo, fe.diags(), files) && !fe.diags().hadErrors();
  if (ok) ok = writeOutputs(bo.outputDir, files);
  if (ok) ok = be->build(fe.program(), bo, fe.diags()) && !fe.diags().hadErrors();
  fe.finish();
  if (!ok) {
    fs::remove_all(dir, ec);
    return kUserError;
  }
  std::cout.flush();
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string bin = bo.outputBinary;
    argv.push_back(bin.data());
    std::vector<std::string> args = programArgs;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    std::perror("fndc: exec");
    ::_exit(127);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) < 0) status = 127 << 8;
  fs::remove_all(dir, ec);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace fnd::driver
