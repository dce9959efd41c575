// A main() for the fuzz target when libFuzzer is not available (g++ builds, ASan/UBSan CI): runs
// every file of the corpus directories given on the command line, then deterministic mutations of
// them (byte flips, deletions, insertions of grammar tokens, splices). Not coverage guided; the
// libFuzzer build (fuzz_frontend_libfuzzer) is.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void runOne(const std::string& s) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

std::uint64_t rng = 0x9E3779B97F4A7C15ull;
std::uint64_t next() {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

const char* kTokens[] = {"{", "}", "(", ")", "[", "]", "\"", "{x}", "\n", ";", ",", ":", ".", "..", "=",
                         "->", "on ", "send ", "reply ", "spawn ", "actor ", "message ", "supervisor ",
                         "society ", "child ", "main ", "import std.x\n", "x 0 ", "every 0ms ", "/*",
                         "list<", "map<int,", "ref<", ">", "1s", "99999999999999999999", "-", "not ",
                         "\\", "\xff", "let ", "var ", "for i in 0..", "if ", "else ", "while "};

std::string mutate(const std::string& in) {
  std::string s = in;
  int edits = 1 + static_cast<int>(next() % 4);
  for (int e = 0; e < edits; ++e) {
    std::size_t pos = s.empty() ? 0 : next() % (s.size() + 1);
    switch (next() % 5) {
      case 0:
        if (!s.empty() && pos < s.size()) s[pos] = static_cast<char>(next());
        break;
      case 1:
        if (!s.empty()) s.erase(pos, std::min<std::size_t>(s.size() - std::min(pos, s.size()), 1 + next() % 16));
        break;
      case 2:
        s.insert(pos, kTokens[next() % (sizeof kTokens / sizeof *kTokens)]);
        break;
      case 3: {
        std::size_t from = in.empty() ? 0 : next() % in.size();
        s.insert(pos, in.substr(from, 1 + next() % 64));
        break;
      }
      default:
        s.resize(pos);
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int mutations = 200;
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--mutations=", 0) == 0) {
      mutations = std::atoi(a.c_str() + 12);
      continue;
    }
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(a, ec)) {
      for (auto& e : std::filesystem::recursive_directory_iterator(a, ec))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.push_back(a);
    }
    std::sort(files.begin(), files.end());
    for (auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      corpus.push_back(ss.str());
    }
  }
  std::size_t runs = 0;
  for (const auto& c : corpus) {
    runOne(c);
    ++runs;
    for (int m = 0; m < mutations; ++m) {
      runOne(mutate(c));
      ++runs;
    }
  }
  std::printf("fuzz replay: %zu inputs from %zu corpus files, no crash\n", runs, corpus.size());
  return 0;
}
