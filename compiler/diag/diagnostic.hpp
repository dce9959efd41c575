// The diagnostic engine: every error, warning and note of fndc goes through here.
//  - clang-style text (`file:line:col: error: message [E0102]`, the source line, a caret/tilde
//    underline, then `note:`s) or JSON (`--diagnostics=json`, one array of objects on flush()).
//  - stable codes from diag/codes.def; -Werror; an error limit; identical repeats are dropped.
//  - output is written by flush(), sorted by position (passes report in pass order).
// Passes avoid cascades themselves (the Error type, Cap'n Proto-style "hadErrors" on nodes); the
// engine only adds a last guard: nothing is shown after the error limit (in file order).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "diag/codes.hpp"
#include "diag/source_manager.hpp"

namespace fnd::diag {

enum class Severity { Note, Warning, Error };

struct Note {
  SourceRange range;  // may be invalid (a note without a location)
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  Code code = Code::None;
  SourceRange range;
  std::string message;
  std::vector<Note> notes;
};

enum class OutputFormat { Text, Json };

class DiagnosticEngine;

// Returned by DiagnosticEngine::error()/warning(); the diagnostic is emitted when it is destroyed,
// so notes can be chained: diags.error(Code::E0101, r, "...").note(prev, "declared here");
class DiagBuilder {
 public:
  DiagBuilder(DiagnosticEngine* engine, Diagnostic d) : engine_(engine), diag_(std::move(d)) {}
  DiagBuilder(DiagBuilder&& o) noexcept : engine_(o.engine_), diag_(std::move(o.diag_)) {
    o.engine_ = nullptr;
  }
  DiagBuilder(const DiagBuilder&) = delete;
  DiagBuilder& operator=(const DiagBuilder&) = delete;
  ~DiagBuilder();
  DiagBuilder& note(SourceRange range, std::string message) {
    diag_.notes.push_back({range, std::move(message)});
    return *this;
  }

 private:
  DiagnosticEngine* engine_;
  Diagnostic diag_;
};

class DiagnosticEngine {
 public:
  DiagnosticEngine(const SourceManager& sources, std::ostream& out);
  ~DiagnosticEngine();

  void setFormat(OutputFormat f) { format_ = f; }
  void setWarningsAsErrors(bool on) { werror_ = on; }
  void setColor(bool on) { color_ = on; }
  // Show no more than this many errors, the first ones in file order (0: unlimited). Default 50.
  void setErrorLimit(unsigned n) { errorLimit_ = n; }

  // The severity comes from the code's table entry (E = error, W = warning).
  DiagBuilder report(Code code, SourceRange range, std::string message);
  DiagBuilder error(Code code, SourceRange range, std::string message) {
    return report(code, range, std::move(message));
  }
  DiagBuilder warning(Code code, SourceRange range, std::string message) {
    return report(code, range, std::move(message));
  }

  // Emits a finished diagnostic (used by DiagBuilder).
  void emit(Diagnostic d);
  // Writes everything reported, sorted by file and position: JSON mode one document, text mode
  // each diagnostic and then the "N errors generated." summary if any. Idempotent.
  void flush();

  unsigned errorCount() const { return errors_; }
  unsigned warningCount() const { return warnings_; }
  bool hadErrors() const { return errors_ != 0; }
  // Everything reported so far (tests inspect this).
  const std::vector<Diagnostic>& diagnostics() const { return all_; }
  const SourceManager& sources() const { return sources_; }

 private:
  void renderText(const Diagnostic& d);
  void renderLocation(SourceRange r, const char* label, const std::string& msg, Code code);
  void renderSnippet(SourceRange r);

  const SourceManager& sources_;
  std::ostream& out_;
  OutputFormat format_ = OutputFormat::Text;
  bool werror_ = false;
  bool color_ = false;
  bool flushed_ = false;
  unsigned errorLimit_ = 50;
  unsigned errors_ = 0, warnings_ = 0;
  std::vector<Diagnostic> all_;
  std::set<std::tuple<FileId, std::uint32_t, std::uint32_t, int, std::string>> seen_;
};

}  // namespace fnd::diag
