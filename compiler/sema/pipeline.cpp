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
    {"check-handlers", checkHandlers},
    {"check-protect", checkProtect},                // protect items: messages, handlers              // handler bodies: names, types, reply/sender
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

Result analyzeFiles(const std::vector<diag::FileId>& files, const Options& options,
                    diag::SourceManager& sources, diag::DiagnosticEngine& diags) {
  Result result;
  result.program = std::make_unique<ast::Program>();
  Options opts = options;
  if (opts.stdlibDir.empty()) opts.stdlibDir = defaultStdlibDir();
  Context cx{*result.program, sources, diags, opts, {}, {}, {}, {}};
  unsigned errorsBefore = diags.errorCount();
  if (!loadProgram(cx, files)) {
    result.ok = false;
    return result;
  }
  for (const PassEntry& pass : kPipeline) pass.run(cx);
  result.ok = diags.errorCount() == errorsBefore;
  return result;
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
  if (missing) {
    Result r;
    r.program = std::make_unique<ast::Program>();
    return r;
  }
  return analyzeFiles(ids, options, sources, diags);
}

}  // namespace fnd::sema
