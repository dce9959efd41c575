#include "diag/diagnostic.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

namespace fnd::diag {

DiagBuilder::~DiagBuilder() {
  if (engine_) engine_->emit(std::move(diag_));
}

DiagnosticEngine::DiagnosticEngine(const SourceManager& sources, std::ostream& out)
    : sources_(sources), out_(out) {}

DiagnosticEngine::~DiagnosticEngine() = default;

DiagBuilder DiagnosticEngine::report(Code code, SourceRange range, std::string message) {
  Diagnostic d;
  d.code = code;
  d.severity = isWarning(code) ? Severity::Warning : Severity::Error;
  d.range = range;
  d.message = std::move(message);
  return DiagBuilder(this, std::move(d));
}

void DiagnosticEngine::emit(Diagnostic d) {
  // The same message at the same place twice is always a cascade (e.g. a name used in a loop
  // body that two passes visit); keep the first.
  auto key = std::make_tuple(d.range.file, d.range.begin, d.range.end, static_cast<int>(d.code),
                             d.message);
  if (!seen_.insert(key).second) return;
  if (d.severity == Severity::Warning && werror_) d.severity = Severity::Error;
  if (d.severity == Severity::Error) ++errors_;
  else ++warnings_;
  all_.push_back(std::move(d));
}

void DiagnosticEngine::renderLocation(SourceRange r, const char* label, const std::string& msg,
                                      Code code) {
  if (r.valid()) {
    LineCol lc = sources_.lineCol(r.file, r.begin);
    out_ << sources_.path(r.file) << ':' << lc.line << ':' << lc.column << ": ";
  } else if (code != Code::None) {
    out_ << "fndc: ";
  }
  out_ << label << ": " << msg;
  if (code != Code::None) {
    out_ << " [" << codeName(code);
    if (isWarning(code) && werror_) out_ << ", -Werror";
    out_ << ']';
  }
  out_ << '\n';
}

namespace {
// The line as printable text: bytes that are not valid UTF-8 become '?' (same width, so the caret
// still lines up).
std::string printable(std::string_view in) {
  std::string s(in);
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      s[i++] = '?';
      continue;
    }
    i += len;
  }
  return s;
}

// Whether the UTF-8 character at s[i] is East Asian wide (two terminal columns): the CJK, Hangul,
// full-width and emoji blocks (the common cases of wcwidth() == 2, without the locale).
bool isWide(const std::string& s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  char32_t cp;
  if (b(0) >= 0xF0 && i + 3 < s.size()) cp = ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  else if (b(0) >= 0xE0 && i + 2 < s.size()) cp = ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  else return false;
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}
}  // namespace

void DiagnosticEngine::renderSnippet(SourceRange r) {
  if (!r.valid()) return;
  LineCol begin = sources_.lineCol(r.file, r.begin);
  std::string_view line = sources_.lineText(r.file, begin.line);
  std::uint32_t lineBegin = sources_.lineStart(r.file, begin.line);
  std::uint32_t lineEnd = lineBegin + static_cast<std::uint32_t>(line.size());
  // Long lines: show a window around the caret (on UTF-8 boundaries), marked with "...".
  std::uint32_t from = lineBegin, to = lineEnd;
  constexpr std::uint32_t kWidth = 140, kBefore = 60;
  if (line.size() > kWidth) {
    if (r.begin > lineBegin + kBefore) from = r.begin - kBefore;
    to = std::min(lineEnd, from + kWidth);
    auto isCont = [&](std::uint32_t at) {
      return at < lineEnd && (static_cast<unsigned char>(line[at - lineBegin]) & 0xC0) == 0x80;
    };
    while (from > lineBegin && isCont(from)) --from;
    while (to < lineEnd && isCont(to)) ++to;
  }
  std::string prefix = from > lineBegin ? "..." : "";
  out_ << prefix << printable(line.substr(from - lineBegin, to - from)) << (to < lineEnd ? "..." : "") << '\n';
  // Underline from the caret to the end of the range, clipped to the shown text.
  std::uint32_t end = std::min(r.end, to);
  // One mark per character, not per byte (columns in the location stay bytes): the text is
  // printable()'s, where an invalid byte is one '?' and a UTF-8 sequence one character.
  auto isCont = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
  const std::string before = printable(line.substr(from - lineBegin, std::min(r.begin, to) - from));
  std::string marks(prefix.size(), ' ');
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (isCont(before[i])) continue;
    if (before[i] == '\t') {
      marks += '\t';
      continue;
    }
    marks += ' ';
    if (isWide(before, i)) marks += ' ';  // a terminal gives East Asian wide characters two columns
  }
  marks += '^';
  if (end > r.begin + 1) {
    // the range's first character is the caret (skip its continuation bytes), the rest is '~'
    const std::string under = printable(line.substr(r.begin - lineBegin, end - r.begin));
    bool first = true;
    for (char c : under) {
      if (isCont(c)) continue;
      if (!first) marks += '~';
      first = false;
    }
  }
  out_ << marks << '\n';
}

void DiagnosticEngine::renderText(const Diagnostic& d) {
  renderLocation(d.range, d.severity == Severity::Error ? "error" : "warning", d.message, d.code);
  renderSnippet(d.range);
  for (const Note& n : d.notes) {
    renderLocation(n.range, "note", n.message, Code::None);
    renderSnippet(n.range);
  }
}

namespace {
nlohmann::json locationJson(const SourceManager& sm, SourceRange r) {
  nlohmann::json j = nlohmann::json::object();
  if (!r.valid()) return j;
  LineCol b = sm.lineCol(r.file, r.begin), e = sm.lineCol(r.file, r.end);
  j["file"] = sm.path(r.file);
  j["line"] = b.line;
  j["column"] = b.column;
  j["end_line"] = e.line;
  j["end_column"] = e.column;
  return j;
}
}  // namespace

void DiagnosticEngine::flush() {
  if (flushed_) return;
  flushed_ = true;
  // Passes find problems in their own order; users read files top to bottom. So the error limit
  // applies in that order too: what is shown is everything up to the limit's last error, wherever
  // in the passes it was found (a warning early in the file is not lost to a later pass's order).
  std::vector<const Diagnostic*> sorted;
  for (const Diagnostic& d : all_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return std::make_pair(a->range.file, a->range.begin) < std::make_pair(b->range.file, b->range.begin);
  });
  unsigned shownErrors = 0, shownWarnings = 0;
  std::size_t shown = 0;
  for (; shown < sorted.size(); ++shown) {
    if (errorLimit_ != 0 && shownErrors == errorLimit_) break;
    if (sorted[shown]->severity == Severity::Error) ++shownErrors;
    else ++shownWarnings;
  }
  const bool limitReached = shown < sorted.size();
  sorted.resize(shown);
  if (format_ == OutputFormat::Json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const Diagnostic* dp : sorted) {
      const Diagnostic& d = *dp;
      nlohmann::json j;
      j["severity"] = d.severity == Severity::Error ? "error" : "warning";
      j["code"] = std::string(codeName(d.code));
      j["message"] = d.message;
      j["location"] = locationJson(sources_, d.range);
      nlohmann::json notes = nlohmann::json::array();
      for (const Note& n : d.notes) notes.push_back({{"message", n.message},
                                                      {"location", locationJson(sources_, n.range)}});
      j["notes"] = notes;
      arr.push_back(j);
    }
    nlohmann::json root;
    root["diagnostics"] = arr;
    root["errors"] = shownErrors;
    root["warnings"] = shownWarnings;
    out_ << root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return;
  }
  for (const Diagnostic* d : sorted) renderText(*d);
  if (limitReached) out_ << "fatal: too many errors emitted, stopping now (limit " << errorLimit_ << ")\n";
  if (shownErrors == 0 && shownWarnings == 0) return;
  auto plural = [](unsigned n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  if (shownWarnings && shownErrors) out_ << plural(shownWarnings, "warning") << " and " << plural(shownErrors, "error");
  else if (shownErrors) out_ << plural(shownErrors, "error");
  else out_ << plural(shownWarnings, "warning");
  out_ << " generated.\n";
}

}  // namespace fnd::diag
