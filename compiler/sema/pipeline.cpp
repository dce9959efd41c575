// The fixed order of the semantic passes. A rule lives in exactly one pass, so "where is this
// checked?" has one answer (ponyc-style). Each pass tolerates the Error type and unresolved
// pointers left by earlier passes and reports nothing about them (no cascades).
#include "sema/context.hpp"

namespace fnd::sema {

namespace {

struct PassEntry {
  const char* name;
  Pass run;
};

constexpr PassEntry kPipeline[] = {
    {"collect-declarations", collectDeclarations},  // program-wide names, duplicates, main
    {"resolve-types", resolveTypes},                // message fields, params, states
    {"check-config", checkConfig},                  // config settings: paths, types, defaults, ranges
    {"check-start-sites", checkStartSites},         // children, roles, main: targets and arguments
    {"check-handlers", checkHandlers},              // handler bodies: names, types, reply/sender
    {"check-protect", checkProtect},                // protect items: messages, handlers
    {"check-supervision", checkSupervision},        // strategies, intensities, cycles, pools
    {"check-societies", checkSocieties},            // roles, counts, pub/sub consistency
    {"check-reachability", checkReachability},      // unreachable code and handlers (warnings)
    {"check-cluster", checkCluster},                // nodes, addresses, placements, security
};

}  // namespace

std::string defaultStdlibDir() {
#ifdef FND_STDLIB_DIR
  return FND_STDLIB_DIR;
#else
  return "stdlib";
#endif
}

namespace {
// Loads (parses, follows imports) and, if `checkAll`, runs every pass.
Result loadAndCheck(const std::vector<diag::FileId>& files, const Options& options, diag::SourceManager& sources,
                    diag::DiagnosticEngine& diags, bool checkAll) {
  Result result;
  result.program = std::make_unique<ast::Program>();
  Options opts = options;
  if (opts.stdlibDir.empty()) opts.stdlibDir = defaultStdlibDir();
  Context cx{*result.program, sources, diags, opts, {}, {}, {}, {}};
  unsigned errorsBefore = diags.errorCount();
  if (!loadProgram(cx, files) || !checkAll) {
    result.ok = false;
    return result;
  }
  for (const PassEntry& pass : kPipeline) pass.run(cx);
  result.ok = diags.errorCount() == errorsBefore;
  return result;
}
}  // namespace

Result analyzeFiles(const std::vector<diag::FileId>& files, const Options& options,
                    diag::SourceManager& sources, diag::DiagnosticEngine& diags) {
  return loadAndCheck(files, options, sources, diags, true);
}

Result analyze(const std::vector<std::string>& files, const Options& options,
               diag::SourceManager& sources, diag::DiagnosticEngine& diags) {
  std::vector<diag::FileId> ids;
  bool missing = false;
  for (const std::string& f : files) {
    std::string why;
    auto id = sources.loadFile(f, &why);
    if (!id) {
      diags.error(diag::Code::E0014, {}, "cannot read file '" + f + "': " + why);
      missing = true;
      continue;
    }
    ids.push_back(*id);
  }
  // Without a missing file's declarations every name from it would be unknown: the files that
  // could be read are parsed (their syntax errors reported) and not checked further.
  return loadAndCheck(ids, options, sources, diags, !missing);
}

}  // namespace fnd::sema
