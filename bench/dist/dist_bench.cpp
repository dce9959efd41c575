// Remote messaging benchmark (issue #6): two node processes on loopback, 100-byte messages.
//   fnd_dist_bench fnd pingpong   N   round trips between a fiber on node "cli" and an echo actor on "srv"
//   fnd_dist_bench fnd throughput N   one-way: N messages to a sink actor, which answers once all arrived
//   fnd_dist_bench zmq pingpong   N   the same patterns on raw ZeroMQ (DEALER -> ROUTER, the socket pair
//   fnd_dist_bench zmq throughput N   fnd_dist uses), no acks, no resend buffer: the baseline
// The parent process is the client; it starts the server as a child (`... serve-fnd|serve-zmq`).
// Prints `RESULT dist_<pattern>_<impl> msgs_per_s=<r> [p50_us=<a> p99_us=<b>] cpu_us=<c>`: latency for
// ping-pong; cpu_us is the CPU time both processes (all their threads) used per message or round trip
// during the timed part, which a busy machine distorts much less than the rate.
// fnd also prints `STATS ... frames_out=<f>`: the ZeroMQ frames the client sent (batches of messages).
// FND_DIST_TUNE_MALLOC=0 in the environment runs both fnd nodes with DistOptions::tune_malloc = false
// (glibc malloc's fastbins left on), to measure what that setting is worth.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "fnd/dist/dist.hpp"
#include "fnd/fnd.hpp"

extern char** environ;
using namespace std::chrono;
using Clock = steady_clock;

namespace {
const std::string kPayload(100, 'p');

struct Echo : fnd::Actor {
  void on_message(fnd::Message& m) override {
    if (m.is<std::string>()) reply(std::move(m.get<std::string>()));
  }
};
struct Sink : fnd::Actor {
  int64_t expect = -1, got = 0;
  fnd::Pid client;
  void on_message(fnd::Message& m) override {
    if (!m.is<std::string>()) return;
    auto& s = m.get<std::string>();
    if (s.rfind("start:", 0) == 0) {
      expect = std::stoll(s.substr(6));
      got = 0;
      client = sender();
      reply(std::string("ready"));
      return;
    }
    if (++got == expect) send(client, std::string("done"));
  }
};

fnd::dist::DistOptions node_options(const char* name) {
  fnd::dist::DistOptions o;
  o.name = name;
  const char* tune = std::getenv("FND_DIST_TUNE_MALLOC");
  o.tune_malloc = !(tune && std::string(tune) == "0");
  return o;
}

void print_addr(const std::string& a) {
  std::printf("ADDR %s\n", a.c_str());
  std::fflush(stdout);
}
void wait_stdin() {
  std::string line;
  while (std::getline(std::cin, line)) {
  }
}

int serve_fnd() {
  fnd::Node node({.threads = 1, .name = "srv", .log_level = fnd::log::Level::warning});
  fnd::dist::DistNode d(node, node_options("srv"));
  (void)node.register_name("echo", node.spawn<Echo>());
  (void)node.register_name("sink", node.spawn<Sink>());
  print_addr(d.address());
  wait_stdin();
  return 0;
}

int serve_zmq() {
  zmq::context_t ctx;
  zmq::socket_t r(ctx, zmq::socket_type::router);
  r.set(zmq::sockopt::linger, 0);
  r.set(zmq::sockopt::rcvhwm, 100000);
  r.set(zmq::sockopt::sndhwm, 100000);
  r.bind("tcp://127.0.0.1:0");
  print_addr(r.get(zmq::sockopt::last_endpoint));
  int64_t expect = -1, got = 0;
  for (;;) {
    zmq::message_t id, body;
    if (!r.recv(id)) return 1;
    if (!r.recv(body)) return 1;
    auto s = body.to_string_view();
    if (s.rfind("echo", 0) == 0) {  // ping-pong: echo back
      r.send(id, zmq::send_flags::sndmore);
      r.send(body, zmq::send_flags::none);
    } else if (s.rfind("start:", 0) == 0) {
      expect = std::stoll(std::string(s.substr(6)));
      got = 0;
      r.send(id, zmq::send_flags::sndmore);
      r.send(zmq::str_buffer("ready"), zmq::send_flags::none);
    } else if (s == "quit") {
      return 0;
    } else if (++got == expect) {
      r.send(id, zmq::send_flags::sndmore);
      r.send(zmq::str_buffer("done"), zmq::send_flags::none);
    }
  }
}

// The server process on pipes. Not tests/dist/common's ChildProcess (which does the same for the
// tests): that is built with the tests, and benchmarks build without them (FND_BUILD_BENCH=ON with
// FND_BUILD_TESTS=OFF); it also ends children by SIGKILL, where this one closes stdin, then SIGTERM.
struct Server {
  pid_t pid = -1;
  int in = -1;
  std::string addr;
  bool start(const char* self, const char* mode) {
    int o[2], i[2];
    if (pipe(o) || pipe(i)) return false;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, o[1], 1);
    posix_spawn_file_actions_adddup2(&fa, i[0], 0);
    posix_spawn_file_actions_addclose(&fa, o[0]);
    posix_spawn_file_actions_addclose(&fa, i[1]);
    char* argv[] = {const_cast<char*>(self), const_cast<char*>(mode), nullptr};
    if (posix_spawn(&pid, self, &fa, nullptr, argv, environ) != 0) return false;
    posix_spawn_file_actions_destroy(&fa);
    close(o[1]);
    close(i[0]);
    in = i[1];
    std::string line;
    char buf[256];
    while (line.find('\n') == std::string::npos) {
      ssize_t n = read(o[0], buf, sizeof buf);
      if (n <= 0) return false;
      line.append(buf, static_cast<size_t>(n));
    }
    close(o[0]);
    addr = line.substr(5, line.find('\n') - 5);
    return true;
  }
  ~Server() {
    if (in >= 0) close(in);
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

// User + system CPU seconds of a process so far (all threads), from /proc (10 ms resolution).
double cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + (pid > 0 ? std::to_string(pid) : std::string("self")) + "/stat");
  std::string line;
  std::getline(f, line);
  auto close = line.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}
// CPU of this process and the server, from start() to stop().
struct CpuMeter {
  pid_t server;
  double at = 0, used = 0;
  void start() { at = cpu_seconds(0) + cpu_seconds(server); }
  void stop() { used = cpu_seconds(0) + cpu_seconds(server) - at; }
};

void report(const std::string& name, double secs, int64_t n, std::vector<double>* lat, const CpuMeter& cpu) {
  std::printf("RESULT %s msgs_per_s=%.0f", name.c_str(), static_cast<double>(n) / secs);
  if (lat && !lat->empty()) {
    std::sort(lat->begin(), lat->end());
    std::printf(" p50_us=%.1f p99_us=%.1f", (*lat)[lat->size() / 2], (*lat)[lat->size() * 99 / 100]);
  }
  std::printf(" cpu_us=%.2f\n", cpu.used * 1e6 / static_cast<double>(n));
  std::fflush(stdout);
}

int client_fnd(const char* self, const std::string& pattern, int64_t n) {
  Server srv;
  if (!srv.start(self, "serve-fnd")) return 1;
  fnd::Node node({.threads = 1, .name = "cli", .log_level = fnd::log::Level::warning});
  fnd::dist::DistNode d(node, node_options("cli"));
  d.connect("srv", srv.addr);
  while (!d.is_up("srv")) std::this_thread::sleep_for(milliseconds(5));
  std::promise<std::pair<double, std::vector<double>>> done;
  auto f = done.get_future();
  CpuMeter cpu{srv.pid};
  node.spawn_fiber([&](fnd::Process& p) {
    std::vector<double> lat;
    if (pattern == "pingpong") {
      d.send("srv", "echo", std::string("hello"));
      (void)p.receive<std::string>();
      fnd::Pid echo = p.sender();
      lat.reserve(static_cast<size_t>(n));
      cpu.start();
      auto t0 = Clock::now();
      for (int64_t i = 0; i < n; ++i) {
        auto a = Clock::now();
        p.send(echo, kPayload);
        (void)p.receive<std::string>();
        lat.push_back(duration<double, std::micro>(Clock::now() - a).count());
      }
      double secs = duration<double>(Clock::now() - t0).count();
      cpu.stop();
      done.set_value({secs, std::move(lat)});
    } else {
      d.send("srv", "sink", "start:" + std::to_string(n));
      (void)p.receive<std::string>();  // ready
      fnd::Pid sink = p.sender();
      cpu.start();
      auto t0 = Clock::now();
      for (int64_t i = 0; i < n; ++i) p.send(sink, kPayload);
      (void)p.receive<std::string>();  // done: every message arrived
      double secs = duration<double>(Clock::now() - t0).count();
      cpu.stop();
      done.set_value({secs, {}});
    }
  });
  auto [secs, lat] = f.get();
  report("dist_" + pattern + "_fnd", secs, n, pattern == "pingpong" ? &lat : nullptr, cpu);
  auto s = d.stats();
  std::printf("STATS resent=%llu duplicates=%llu backpressure_waits=%llu frames_out=%llu\n",
              static_cast<unsigned long long>(s.resent), static_cast<unsigned long long>(s.duplicates),
              static_cast<unsigned long long>(s.backpressure_waits), static_cast<unsigned long long>(s.frames_out));
  return 0;
}

int client_zmq(const char* self, const std::string& pattern, int64_t n) {
  Server srv;
  if (!srv.start(self, "serve-zmq")) return 1;
  zmq::context_t ctx;
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::sndhwm, 100000);
  s.connect(srv.addr);
  std::vector<double> lat;
  zmq::message_t in;
  std::string echo_payload = "echo" + kPayload.substr(4);
  double secs;
  CpuMeter cpu{srv.pid};
  if (pattern == "pingpong") {
    lat.reserve(static_cast<size_t>(n));
    cpu.start();
    auto t0 = Clock::now();
    for (int64_t i = 0; i < n; ++i) {
      auto a = Clock::now();
      s.send(zmq::buffer(echo_payload), zmq::send_flags::none);
      (void)s.recv(in);
      lat.push_back(duration<double, std::micro>(Clock::now() - a).count());
    }
    secs = duration<double>(Clock::now() - t0).count();
  } else {
    std::string start = "start:" + std::to_string(n);
    s.send(zmq::buffer(start), zmq::send_flags::none);
    (void)s.recv(in);
    cpu.start();
    auto t0 = Clock::now();
    for (int64_t i = 0; i < n; ++i) s.send(zmq::buffer(kPayload), zmq::send_flags::none);
    (void)s.recv(in);
    secs = duration<double>(Clock::now() - t0).count();
  }
  cpu.stop();
  s.send(zmq::str_buffer("quit"), zmq::send_flags::none);
  report("dist_" + pattern + "_zmq", secs, n, pattern == "pingpong" ? &lat : nullptr, cpu);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "serve-fnd") return serve_fnd();
  if (mode == "serve-zmq") return serve_zmq();
  std::string pattern = argc > 2 ? argv[2] : "throughput";
  int64_t n = argc > 3 ? std::stoll(argv[3]) : (pattern == "pingpong" ? 20000 : 1000000);
  if (mode == "fnd") return client_fnd(argv[0], pattern, n);
  if (mode == "zmq") return client_zmq(argv[0], pattern, n);
  std::fprintf(stderr, "usage: %s fnd|zmq pingpong|throughput [N]\n", argv[0]);
  return 2;
}
