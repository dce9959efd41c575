# Sourced by the editor tests: sets ROOT and FND_FILES (every .fnd file of examples/, tests/ and
# stdlib/, found when the test runs so that new files are covered without reconfiguring).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# tests/tools/fmt/cases/ is left out: the formatter's inputs are deliberately mis-indented and put
# comments where no one writes them (between a keyword and its name, which the editor grammars,
# matching line by line, do not follow: see docs/editors.md, "Known limits").
# tests/compiler/diagnostics/e0006_string_in_interpolation.fnd is left out too: it puts string
# literals inside interpolations, an error (E0006) that editors colour as a nested string while the
# grammar's STRING token ends at the inner quote (docs/editors.md, "Known limits").
# So is e0001_unclosed_declaration.fnd: its declarations lack their '}'. fndc supplies them where
# the next declaration starts a line; an editor grammar, matching line by line, reads the next
# declaration as part of the open one (docs/editors.md, "Known limits").
mapfile -t FND_FILES < <(cd "$ROOT" && find examples tests stdlib -name '*.fnd' -type f -not -path 'tests/tools/fmt/cases/*' \
  -not -path 'tests/compiler/diagnostics/e0006_string_in_interpolation.fnd' \
  -not -path 'tests/compiler/diagnostics/e0001_unclosed_declaration.fnd' 2>/dev/null | LC_ALL=C sort)
if [ ${#FND_FILES[@]} -eq 0 ]; then
  echo "no .fnd files found under $ROOT/{examples,tests,stdlib}" >&2
  exit 1
fi
# The VS Code scope-assertion files: more code (and lexical errors) for the token checks.
mapfile -t UNIT_FILES < <(cd "$ROOT" && find editors/vscode/tests/unit -name '*.test.fnd' -type f | LC_ALL=C sort)
# Exit code that CTest reports as "skipped" (SKIP_RETURN_CODE in CMakeLists.txt).
SKIP=77
