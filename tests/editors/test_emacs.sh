#!/usr/bin/env bash
# Emacs: fnd-mode.el loads (byte-compiles without warnings), every .fnd file opens in fnd-mode and
# fontifies and indents without error (batch mode); the faces agree with the reference lexer built
# from Fnd.g4; re-indenting keeps the repository's block indentation, and the indent fixture exactly.
set -euo pipefail
source "$(dirname "$0")/fnd_files.sh"
if ! command -v emacs >/dev/null; then
  echo "SKIP: emacs not installed (scripts/setup-deps.sh installs emacs-nox)"
  exit $SKIP
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
files=("${FND_FILES[@]}")  # includes tests/editors/indent/indent.fnd
mapfile -t docs < <(python3 "$ROOT/tests/editors/doc_blocks.py" "$tmp/docs")
mapfile -t fuzz < <(python3 "$ROOT/tests/editors/fuzz_fnd.py" "$tmp/fuzz" 1 20)
cd "$ROOT"

echo "== byte-compile editors/emacs/fnd-mode.el"
cp editors/emacs/fnd-mode.el "$tmp/"
emacs --batch -Q --eval '(setq byte-compile-error-on-warn t)' -f batch-byte-compile "$tmp/fnd-mode.el"

echo "== open, fontify and indent ${#files[@]} files and ${#docs[@]} code blocks of docs/*.md (and the VS Code unit test files, ${#fuzz[@]} random files)"
FND_SYNTAX_DUMP="$tmp/syntax.json" FND_INDENT_DUMP="$tmp/indent.json" FND_IMENU_DUMP="$tmp/imenu.json" \
  emacs --batch -Q -L editors/emacs -l tests/editors/emacs_check.el "${files[@]}" "${docs[@]}" "${UNIT_FILES[@]}" "${fuzz[@]}"

echo "== faces against the reference lexer (files and docs)"
python3 tests/editors/check_tokens.py --editor emacs --dump "$tmp/syntax.json" "${files[@]}" "${docs[@]}" "${UNIT_FILES[@]}" "${fuzz[@]}"
echo "== indentation (files)"
python3 tests/editors/check_indent.py --editor emacs --dump "$tmp/indent.json" \
  --strict 'tests/editors/indent/*' "${files[@]}"
echo "== imenu index (files)"
python3 tests/editors/check_imenu.py --dump "$tmp/imenu.json" "${files[@]}"
