#include "tools/lsp/analysis.hpp"

#include <filesystem>

namespace fnd::tools::lsp {

std::unique_ptr<Analysis> analyze(const std::string& path, const std::string& text,
                                  const std::map<std::string, std::string>& overlays,
                                  const std::vector<std::string>& includeDirs,
                                  const std::string& stdlibDir) {
  auto a = std::make_unique<Analysis>();
  a->diags = std::make_unique<diag::DiagnosticEngine>(a->sources, a->sink);
  a->diags->setErrorLimit(0);
  a->file = a->sources.addBuffer(path, text);
  // The loader reads an import through SourceManager::loadFile, which returns a buffer already
  // added under the same path: open documents win over their saved contents.
  for (auto& [p, t] : overlays)
    if (p != path) a->sources.addBuffer(p, t);
  sema::Options opts;
  opts.includeDirs = includeDirs;
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!dir.empty()) opts.includeDirs.push_back(dir);
  opts.stdlibDir = stdlibDir.empty() ? sema::defaultStdlibDir() : stdlibDir;
  a->result = sema::analyzeFiles({a->file}, opts, a->sources, *a->diags);
  for (auto& m : a->result.program->modules)
    if (m->file == a->file) a->module = m.get();
  return a;
}

namespace {

// UTF-16 code units of the UTF-8 bytes [b, e).
int utf16Units(std::string_view s) {
  int n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += c >= 0xF0 ? 2 : 1;            // 4-byte sequences are surrogate pairs
  }
  return n;
}

}  // namespace

Position toPosition(const diag::SourceManager& sm, diag::FileId f, std::uint32_t offset, bool utf8) {
  if (f == 0) return {};
  diag::LineCol lc = sm.lineCol(f, offset);
  Position p;
  p.line = static_cast<int>(lc.line) - 1;
  std::string_view line = sm.lineText(f, lc.line);
  std::size_t col = std::min<std::size_t>(lc.column - 1, line.size());
  p.character = utf8 ? static_cast<int>(col) : utf16Units(line.substr(0, col));
  return p;
}

std::uint32_t toOffset(const diag::SourceManager& sm, diag::FileId f, Position p, bool utf8) {
  std::uint32_t lines = sm.lineCount(f);
  if (p.line < 0) return 0;
  if (static_cast<std::uint32_t>(p.line) >= lines) return static_cast<std::uint32_t>(sm.contents(f).size());
  std::uint32_t start = sm.lineStart(f, static_cast<std::uint32_t>(p.line) + 1);
  std::string_view line = sm.lineText(f, static_cast<std::uint32_t>(p.line) + 1);
  if (utf8) return start + static_cast<std::uint32_t>(std::min<std::size_t>(std::max(p.character, 0), line.size()));
  int units = 0;
  std::size_t i = 0;
  while (i < line.size() && units < p.character) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += static_cast<std::size_t>(len);
  }
  return start + static_cast<std::uint32_t>(std::min(i, line.size()));
}

}  // namespace fnd::tools::lsp
