#include "child_process.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

extern char** environ;

namespace fnd::dist::test {

bool ChildProcess::start(const std::vector<std::string>& argv) {
  if (argv.empty() || running()) return false;
  int o[2], i[2];
  if (pipe(o) != 0) return false;
  if (pipe(i) != 0) {
    close(o[0]);
    close(o[1]);
    return false;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, o[1], 1);
  posix_spawn_file_actions_adddup2(&fa, i[0], 0);
  posix_spawn_file_actions_addclose(&fa, o[0]);
  posix_spawn_file_actions_addclose(&fa, i[1]);
  std::vector<std::string> args = argv;  // posix_spawnp takes char* const[]
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = -1;
  // spawnp: argv[0] may be a program name found on PATH (`ip` for a network namespace).
  int rc = posix_spawnp(&pid, cargs[0], &fa, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(o[1]);
  close(i[0]);
  out_ = o[0];
  in_ = i[1];
  pending_.clear();
  if (rc != 0) {
    kill9();  // closes the pipes
    return false;
  }
  pid_ = pid;
  return true;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (out_ < 0 || left.count() <= 0) return std::nullopt;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    char buf[256];
    ssize_t n = read(out_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    pending_.append(buf, static_cast<size_t>(n));
  }
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds limit) {
  if (pid_ <= 0) return std::nullopt;
  auto end = std::chrono::steady_clock::now() + limit;
  int status = 0;
  pid_t r = 0;
  while ((r = waitpid(pid_, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (r != pid_) {
    kill9();  // still running at the limit (or waitpid failed)
    return std::nullopt;
  }
  pid_ = -1;  // reaped
  kill9();    // closes the pipes
  if (!WIFEXITED(status)) return std::nullopt;
  return WEXITSTATUS(status);
}

void ChildProcess::kill9() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (out_ >= 0) close(out_);
  if (in_ >= 0) close(in_);
  out_ = in_ = -1;
}

bool TestNodeProcess::start(const std::string& program, const std::vector<std::string>& args,
                            const std::vector<std::string>& prefix) {
  std::vector<std::string> argv = prefix;
  argv.push_back(program);
  argv.insert(argv.end(), args.begin(), args.end());
  if (!process.start(argv)) return false;
  auto line = process.read_line(std::chrono::seconds(10));
  char addr[200];
  unsigned long long inc_v = 0;
  if (!line || std::sscanf(line->c_str(), "ADDR %199s INC %llu", addr, &inc_v) != 2) {
    process.kill9();
    return false;
  }
  address = addr;
  inc = inc_v;
  return true;
}

}  // namespace fnd::dist::test
