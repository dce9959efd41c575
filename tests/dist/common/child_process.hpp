// Child processes for the multi-process distribution tests: a program started with posix_spawn, its
// stdin and stdout on pipes (closing stdin is how the test node programs are told to exit), waited
// for, or killed with SIGKILL and reaped when the test is done with it or fails and unwinds.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fnd::dist::test {

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { kill9(); }

  // Starts argv[0] (a path) with the arguments after it. False if the program could not be started.
  bool start(const std::vector<std::string>& argv);
  // The next line the child prints (without its newline), or nullopt if none comes within the limit
  // (a hang guard) or the child closed its stdout.
  std::optional<std::string> read_line(std::chrono::milliseconds limit);
  // Waits for the child to exit by itself and reaps it; closes the pipes. Its exit status, or nullopt if a
  // signal ended it or it was still running at the limit (a hang guard: then it is killed and reaped).
  std::optional<int> wait_exit(std::chrono::milliseconds limit);
  // SIGKILL, then reap; closes the pipes. Idempotent.
  void kill9();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1, in_ = -1;
  std::string pending_;  // bytes read past the last line returned
};

// A node program of these tests (dist_test_node): it prints "ADDR <address> INC <incarnation>" once it
// listens. `prefix` goes before the program in argv, e.g. {"ip", "netns", "exec", "ns1"} to start it in
// a network namespace (then argv[0] is resolved by `ip`, not here).
struct TestNodeProcess {
  ChildProcess process;
  std::string address;
  std::uint64_t inc = 0;

  bool start(const std::string& program, const std::vector<std::string>& args,
             const std::vector<std::string>& prefix = {});
  void kill9() { process.kill9(); }
};

}  // namespace fnd::dist::test
