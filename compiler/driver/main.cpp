// fndc: the Foundation compiler's command line. Thin: parses options (cxxopts) and dispatches to
// the subcommands of commands.hpp.
#include <cxxopts.hpp>
#include <cstring>
#include <iostream>

#include "driver/commands.hpp"
#include "tools/keygen/keygen_command.hpp"

namespace {

using namespace fnd::driver;

const char* kUsage =
    "usage: fndc <command> [options] FILE...\n"
    "\n"
    "commands:\n"
    "  check FILE...                 parse and check; report diagnostics\n"
    "  build FILE... -o BIN          compile to an executable\n"
    "  run FILE... [-- ARGS...]      build into a temporary directory and run\n"
    "  emit --target=cpp -o DIR FILE...  write the generated sources\n"
    "  emit --target=llvm [--emit=ll|bc|obj] -o DIR FILE...\n"
    "                                write LLVM IR, bitcode or an object file\n"
    "  fmt [--check] [-i] FILE...    print the files in canonical form (-: standard input);\n"
    "                                -i/--write rewrites them, --check lists those that would\n"
    "                                change and exits 1\n"
    "  graph FILE... [--format dot|svg] [-o OUT]\n"
    "                                the supervision trees, societies and main as Graphviz DOT,\n"
    "                                or SVG (runs Graphviz 'dot')\n"
    "  lsp                           a language server on standard input/output (LSP, JSON-RPC)\n"
    "  keygen NAME [--force]         a cluster key pair: NAME.key_secret (mode 0600) and NAME.key\n"
    "                                (public); --force overwrites existing files\n"
    "\n"
    "options (all commands):\n"
    "  -I DIR                        also search DIR for imported modules\n"
    "  --stdlib DIR                  the standard library directory\n"
    "  --diagnostics=text|json       diagnostic format (json goes to stdout)\n"
    "  -Werror                       treat warnings as errors\n"
    "  --error-limit N               stop after N errors (0: no limit; default 50)\n"
    "  --target=cpp|llvm, -O0..-O3   back end and optimization level (build, run, emit)\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 ok, 1 errors in the program (or a failed build), 2 usage errors\n";

// cxxopts writes "Option ‘x’ does not exist": the quotes and case of fndc's other messages instead.
std::string plainCxxoptsMessage(std::string m) {
  for (const char* curly : {"\u2018", "\u2019"})
    for (std::size_t at; (at = m.find(curly)) != std::string::npos;) m.replace(at, std::strlen(curly), "'");
  if (!m.empty() && m[0] >= 'A' && m[0] <= 'Z') m[0] = static_cast<char>(m[0] - 'A' + 'a');
  return m;
}

int usageError(const std::string& msg) {
  std::cerr << "fndc: error: " << msg << "\n(run 'fndc --help' for usage)\n";
  return kUsageError;
}

int realMain(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kUsageError;
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return kOk;
  }
  if (cmd == "--version") {
    std::cout << "fndc " << FND_VERSION << "\n";
    return kOk;
  }
  if (cmd != "check" && cmd != "build" && cmd != "run" && cmd != "emit" && cmd != "fmt" &&
      cmd != "graph" && cmd != "lsp" && cmd != "keygen")
    return usageError(cmd[0] == '-' ? "expected a command before '" + cmd + "'" : "unknown command '" + cmd + "'");

  // -Werror is not a cxxopts-style option (it would read as -W -e -r ...): take it out first;
  // for `run`, everything after `--` belongs to the program.
  CommonOptions common;
  std::vector<std::string> programArgs;
  std::vector<char*> args = {argv[0]};
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--" && cmd == "run") {
      for (int j = i + 1; j < argc; ++j) programArgs.push_back(argv[j]);
      break;
    }
    if (a == "-Werror") {
      common.werror = true;
      continue;
    }
    if ((cmd == "build" || cmd == "run" || cmd == "emit") && a.size() == 3 && a[0] == '-' && a[1] == 'O' &&
        a[2] >= '0' && a[2] <= '3') {
      common.optLevel = a[2] - '0';
      continue;
    }
    args.push_back(argv[i]);
  }

  cxxopts::Options options("fndc " + cmd, "");
  options.add_options()
      ("I,include", "module search directory", cxxopts::value<std::vector<std::string>>())
      ("stdlib", "standard library directory", cxxopts::value<std::string>())
      ("diagnostics", "text or json", cxxopts::value<std::string>()->default_value("text"))
      ("error-limit", "maximum errors", cxxopts::value<unsigned>()->default_value("50"))
      ("h,help", "help")
      ("files", "input files", cxxopts::value<std::vector<std::string>>());
  if (cmd == "build" || cmd == "emit" || cmd == "graph")
    options.add_options()("o,output", "output", cxxopts::value<std::string>());
  if (cmd == "fmt") options.add_options()("check", "check only")("i,write", "rewrite the files");
  if (cmd == "keygen") options.add_options()("force", "overwrite existing key files");
  if (cmd == "graph") options.add_options()("format", "dot or svg", cxxopts::value<std::string>()->default_value("dot"));
  if (cmd == "build" || cmd == "run" || cmd == "emit") options.add_options()("target", "back end", cxxopts::value<std::string>()->default_value("cpp"));
  if (cmd == "emit") options.add_options()("emit", "output kind (llvm: ll, bc, obj)", cxxopts::value<std::string>());
  options.parse_positional({"files"});

  int n = static_cast<int>(args.size());
  auto result = options.parse(n, args.data());
  if (result.count("help")) {
    std::cout << kUsage;
    return kOk;
  }
  if (result.count("files")) common.files = result["files"].as<std::vector<std::string>>();
  if (result.count("I")) common.includeDirs = result["I"].as<std::vector<std::string>>();
  if (result.count("stdlib")) common.stdlibDir = result["stdlib"].as<std::string>();
  common.errorLimit = result["error-limit"].as<unsigned>();
  std::string fmt = result["diagnostics"].as<std::string>();
  if (fmt == "json") common.format = fnd::diag::OutputFormat::Json;
  else if (fmt != "text") return usageError("--diagnostics must be 'text' or 'json', not '" + fmt + "'");
  if (cmd == "keygen") {
    if (common.files.size() != 1) return usageError("'keygen' takes one NAME (writes NAME.key_secret and NAME.key)");
    return fnd::tools::keygen::runKeygen(common.files[0], result.count("force") > 0, std::cout, std::cerr);
  }
  if (cmd == "lsp") {
    if (!common.files.empty()) return usageError("'lsp' takes no files (it talks LSP on standard input/output)");
    return runLsp(common);
  }
  if (common.files.empty()) return usageError("no input files");
  for (const auto& f : common.files)
    if (!f.empty() && f[0] == '-' && !(f == "-" && cmd == "fmt")) return usageError("unknown option '" + f + "'");

  if (cmd == "check") return runCheck(common);
  if (cmd == "fmt") {
    if (result.count("check") && result.count("write")) return usageError("--check and --write exclude each other");
    return runFmt(common, result.count("check") ? FmtMode::Check : result.count("write") ? FmtMode::Write : FmtMode::Print);
  }
  if (cmd == "graph") {
    std::string format = result["format"].as<std::string>();
    if (format != "dot" && format != "svg") return usageError("--format must be 'dot' or 'svg', not '" + format + "'");
    return runGraph(common, format, result.count("output") ? result["output"].as<std::string>() : std::string());
  }

  std::string target = result["target"].as<std::string>();
  if (result.count("emit")) common.emitKind = result["emit"].as<std::string>();
  if (cmd == "run") return runRun(common, programArgs, target);
  if (!result.count("output")) return usageError("'" + cmd + "' needs -o " + (cmd == "build" ? "BIN" : "DIR"));
  std::string out = result["output"].as<std::string>();
  if (cmd == "build") return runBuild(common, out, target);
  return runEmit(common, out, target);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return realMain(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    return usageError(plainCxxoptsMessage(e.what()));
  } catch (const std::exception& e) {
    std::cerr << "fndc: internal error: " << e.what() << "\n";
    return kUserError;
  } catch (...) {
    std::cerr << "fndc: internal error\n";
    return kUserError;
  }
}
