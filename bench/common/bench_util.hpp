// Framework-neutral helpers shared by every implementation of the Savina workloads
// (fnd runtime, CAF peers, later generated .fnd code): parameters, timing, output, RSS.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace bench {

// Workload sizes are positional arguments so a smoke run can shrink them; the runner uses defaults.
inline std::int64_t arg(int argc, char** argv, int index, std::int64_t fallback) {
  if (index < argc) return std::strtoll(argv[index], nullptr, 10);
  return fallback;
}

// Worker threads of the scheduler under test: FND_BENCH_THREADS, else 2 (the target machine).
inline int threads() {
  if (const char* s = std::getenv("FND_BENCH_THREADS")) {
    int n = std::atoi(s);
    if (n > 0) return n;
  }
  return 2;
}

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// The two lines bench/run.py parses; everything else a binary prints is ignored.
inline void report(const char* name, std::int64_t checksum, double seconds) {
  std::printf("RESULT %s %lld\n", name, static_cast<long long>(checksum));
  std::printf("TIME %s %.6f\n", name, seconds);
  std::fflush(stdout);
}

// splitmix64's finalizer: the "small computation" of fork-join throughput and the PRNG of big.
// Integer-only so every implementation (and every language) gets bit-identical checksums.
inline std::uint64_t mix(std::uint64_t x) {
  std::uint64_t z = x + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Resident set size of this process in bytes (/proc/self/statm, second field).
inline long long rss_bytes() {
  long long pages_total = 0, pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lld %lld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return pages_resident * sysconf(_SC_PAGESIZE);
}

// Chameneos colours and the complement rule of the Savina benchmark.
enum Colour : std::int64_t { kRed = 0, kYellow = 1, kBlue = 2 };
inline std::int64_t complement(std::int64_t a, std::int64_t b) {
  if (a == b) return a;
  return 3 - a - b;  // the third colour
}

}  // namespace bench
