#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "diag/diagnostic.hpp"

using namespace fnd::diag;

TEST_CASE("SourceManager maps offsets to lines and columns", "[diag]") {
  SourceManager sm;
  FileId f = sm.addBuffer("a.fnd", "ab\ncde\n\nx");
  CHECK(sm.lineCount(f) == 4);
  CHECK(sm.lineCol(f, 0).line == 1);
  CHECK(sm.lineCol(f, 1).column == 2);
  CHECK(sm.lineCol(f, 3).line == 2);
  CHECK(sm.lineCol(f, 3).column == 1);
  CHECK(sm.lineCol(f, 8).line == 4);
  CHECK(sm.lineText(f, 2) == "cde");
  CHECK(sm.lineText(f, 3).empty());
  CHECK(sm.lineText(f, 99).empty());
  CHECK(sm.lineCol(f, 1000).line == 4);  // clamped, never out of bounds
}

TEST_CASE("text rendering: location, code, caret and tildes, notes, summary", "[diag]") {
  SourceManager sm;
  FileId f = sm.addBuffer("a.fnd", "let x = foo + 1\n");
  std::ostringstream out;
  DiagnosticEngine d(sm, out);
  d.error(Code::E0102, SourceRange{f, 8, 11}, "unknown name 'foo'").note({}, "did you mean 'for'?");
  d.flush();
  CHECK(out.str() ==
        "a.fnd:1:9: error: unknown name 'foo' [E0102]\n"
        "let x = foo + 1\n"
        "        ^~~\n"
        "note: did you mean 'for'?\n"
        "1 error generated.\n");
  CHECK(d.errorCount() == 1);
}

TEST_CASE("tabs are kept in the caret line so the caret lines up", "[diag]") {
  SourceManager sm;
  FileId f = sm.addBuffer("a.fnd", "\tx = 1\n");
  std::ostringstream out;
  DiagnosticEngine d(sm, out);
  d.error(Code::E0102, SourceRange{f, 1, 2}, "m");
  d.flush();
  CHECK(out.str().find("\tx = 1\n\t^\n") != std::string::npos);
}

TEST_CASE("Werror mode turns warnings into errors and says so", "[diag]") {
  SourceManager sm;
  FileId f = sm.addBuffer("a.fnd", "x\n");
  std::ostringstream out;
  DiagnosticEngine d(sm, out);
  d.setWarningsAsErrors(true);
  d.warning(Code::W0001, SourceRange{f, 0, 1}, "code will never be executed");
  d.flush();
  CHECK(d.errorCount() == 1);
  CHECK(d.warningCount() == 0);
  CHECK(out.str().rfind("a.fnd:1:1: error: code will never be executed [W0001, -Werror]\n", 0) == 0);
}

TEST_CASE("identical diagnostics are reported once; the error limit stops output", "[diag]") {
  SourceManager sm;
  FileId f = sm.addBuffer("a.fnd", "abc\n");
  std::ostringstream out;
  DiagnosticEngine d(sm, out);
  d.setErrorLimit(3);
  d.error(Code::E0102, SourceRange{f, 0, 1}, "same");
  d.error(Code::E0102, SourceRange{f, 0, 1}, "same");
  CHECK(d.errorCount() == 1);
  for (int i = 0; i < 10; ++i) d.error(Code::E0102, SourceRange{f, 1, 2}, "n" + std::to_string(i));
  CHECK(d.errorCount() == 11);  // the exit status counts all; output stops at the limit
  d.flush();
  const std::string s = out.str();
  CHECK(s.find("error: n1 ") != std::string::npos);
  CHECK(s.find("error: n2 ") == std::string::npos);
  CHECK(s.find("too many errors emitted") != std::string::npos);
  CHECK(s.find("3 errors generated.") != std::string::npos);
}

TEST_CASE("the error limit counts in file order, not in the order passes report", "[diag]") {
  SourceManager sm;
  FileId f = sm.addBuffer("a.fnd", "one\ntwo\nthree\n");
  std::ostringstream out;
  DiagnosticEngine d(sm, out);
  d.setErrorLimit(1);
  d.error(Code::E0102, SourceRange{f, 8, 13}, "late error");      // found first (the parser)
  d.warning(Code::W0001, SourceRange{f, 0, 3}, "early warning");  // found later (a later pass)
  d.error(Code::E0102, SourceRange{f, 4, 7}, "middle error");
  d.flush();
  const std::string s = out.str();
  CHECK(s.find("a.fnd:1:1: warning: early warning") != std::string::npos);
  CHECK(s.find("a.fnd:2:1: error: middle error") != std::string::npos);
  CHECK(s.find("late error") == std::string::npos);
  CHECK(s.find("1 warning and 1 error generated.") != std::string::npos);
}

TEST_CASE("JSON output is one document with codes, ranges and notes", "[diag]") {
  SourceManager sm;
  FileId f = sm.addBuffer("a.fnd", "one\ntwo three\n");
  std::ostringstream out;
  DiagnosticEngine d(sm, out);
  d.setFormat(OutputFormat::Json);
  d.error(Code::E0201, SourceRange{f, 8, 13}, "expected 'int', found 'string'")
      .note(SourceRange{f, 0, 3}, "declared here");
  d.warning(Code::W0003, SourceRange{f, 4, 7}, "expression result unused");
  CHECK(out.str().empty());  // nothing before flush()
  d.flush();
  auto j = nlohmann::json::parse(out.str());
  CHECK(j["errors"] == 1);
  CHECK(j["warnings"] == 1);
  REQUIRE(j["diagnostics"].size() == 2);
  CHECK(j["diagnostics"][0]["code"] == "W0003");  // sorted by position
  auto& e = j["diagnostics"][1];
  CHECK(e["code"] == "E0201");
  CHECK(e["severity"] == "error");
  CHECK(e["location"]["line"] == 2);
  CHECK(e["location"]["column"] == 5);
  CHECK(e["location"]["end_column"] == 10);
  CHECK(e["notes"][0]["message"] == "declared here");
  CHECK(e["notes"][0]["location"]["line"] == 1);
}

TEST_CASE("JSON: a diagnostic or note without a place has an empty location object", "[diag]") {
  SourceManager sm;
  std::ostringstream out;
  DiagnosticEngine d(sm, out);
  d.setFormat(OutputFormat::Json);
  d.error(Code::E0014, {}, "cannot read file 'x.fnd'").note({}, "hint");
  d.flush();
  auto j = nlohmann::json::parse(out.str());
  CHECK(j["diagnostics"][0]["location"].is_object());
  CHECK(j["diagnostics"][0]["location"].empty());
  CHECK(j["diagnostics"][0]["notes"][0]["location"].is_object());
}

TEST_CASE("output is sorted by file and position", "[diag]") {
  SourceManager sm;
  FileId f = sm.addBuffer("a.fnd", "one\ntwo\n");
  std::ostringstream out;
  DiagnosticEngine d(sm, out);
  d.error(Code::E0102, SourceRange{f, 4, 7}, "second");
  d.error(Code::E0102, SourceRange{f, 0, 3}, "first");
  d.flush();
  CHECK(out.str().find("first") < out.str().find("second"));
}

TEST_CASE("every code has a name and a title", "[diag]") {
  CHECK(codeName(Code::E0001) == "E0001");
  CHECK(codeName(Code::W0003) == "W0003");
  CHECK(isWarning(Code::W0001));
  CHECK_FALSE(isWarning(Code::E0501));
  CHECK(codeTitle(Code::E0501) == "reply outside a message handler");
}
