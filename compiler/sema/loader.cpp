// Loading: parses the root files and, transitively, the modules they import. `import a.b` resolves
// to a root file declaring `module a.b`, else to `<dir>/a/b.fnd` in the -I directories, then the
// stdlib directory. Checks: E0101 (no module line), E0104, E0105, E0106. Sema does not run after
// a syntax error or an import that failed.
#include <filesystem>
#include <set>

#include "parse/parser.hpp"
#include "sema/context.hpp"

namespace fnd::sema {

namespace {

std::string modulePath(const std::string& dir, const std::string& name) {
  std::string rel = name;
  for (char& c : rel)
    if (c == '.') c = '/';
  return (std::filesystem::path(dir) / (rel + ".fnd")).string();
}

}  // namespace

bool loadProgram(Context& cx, const std::vector<diag::FileId>& roots) {
  auto& program = cx.program;
  bool syntaxOk = true;
  bool importsOk = true;  // names from a missing module would only cause "unknown" cascades
  std::map<std::string, ast::Module*> byName;

  auto add = [&](diag::FileId file, bool isRoot) -> ast::Module* {
    parse::ParseResult pr = parse::parseFile(file, cx.sources, cx.diags);
    if (pr.hadSyntaxErrors) syntaxOk = false;
    pr.module->isRoot = isRoot;
    ast::Module* m = pr.module.get();
    program.modules.push_back(std::move(pr.module));
    if (m->name.empty()) {
      if (!pr.hadSyntaxErrors)
        cx.error(diag::Code::E0101, diag::SourceRange::point(file, 0),
                 "file does not start with a module declaration")
            .note({}, "every file starts with 'module NAME', e.g. 'module pingpong'");
      return m;
    }
    auto [it, fresh] = byName.emplace(m->name, m);
    if (!fresh)
      cx.error(diag::Code::E0106, m->nameRange, "module '" + m->name + "' is declared twice")
          .note(it->second->nameRange, "also declared here");
    return m;
  };

  std::set<diag::FileId> seenRoots;
  for (diag::FileId f : roots)
    if (seenRoots.insert(f).second) add(f, true);  // a file named twice is one file

  // Breadth-first over imports; modules are appended as they are found.
  for (std::size_t i = 0; i < program.modules.size(); ++i) {
    ast::Module* m = program.modules[i].get();
    for (ast::ImportDecl& imp : m->imports) {
      if (auto it = byName.find(imp.name); it != byName.end()) {
        imp.module = it->second;
        continue;
      }
      std::vector<std::string> dirs = cx.options.includeDirs;
      if (!cx.options.stdlibDir.empty()) dirs.push_back(cx.options.stdlibDir);
      std::optional<diag::FileId> found;
      for (const std::string& d : dirs) {
        std::string p = modulePath(d, imp.name);
        std::error_code ec;
        if (std::filesystem::is_regular_file(p, ec)) {
          found = cx.sources.loadFile(p);
          if (found) break;
        }
      }
      if (!found) {
        auto d = cx.error(diag::Code::E0104, imp.range, "module '" + imp.name + "' not found");
        std::string searched;
        for (const std::string& dir : dirs) searched += (searched.empty() ? "" : ", ") + modulePath(dir, imp.name);
        d.note({}, "searched " + (searched.empty() ? std::string("no directories") : searched));
        importsOk = false;
        continue;
      }
      // A file already loaded under another module name: find it.
      ast::Module* target = nullptr;
      for (auto& existing : program.modules)
        if (existing->file == *found) target = existing.get();
      if (!target) target = add(*found, false);
      if (target->name != imp.name && !target->name.empty()) {
        cx.error(diag::Code::E0105, imp.range,
                 "file '" + cx.sources.path(*found) + "' declares module '" + target->name +
                     "', not '" + imp.name + "'")
            .note(target->nameRange, "declared here");
        importsOk = false;
        continue;
      }
      imp.module = target;
      byName.emplace(imp.name, target);
    }
  }
  return syntaxOk && importsOk;
}

}  // namespace fnd::sema
