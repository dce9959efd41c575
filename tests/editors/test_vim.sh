#!/usr/bin/env bash
# Vim: ftdetect, ftplugin, indent and syntax load without error on every .fnd file (batch mode);
# the highlighting agrees with the reference lexer built from Fnd.g4; re-indenting keeps the
# repository's block indentation, and the indent fixture exactly.
set -euo pipefail
source "$(dirname "$0")/fnd_files.sh"
if ! command -v vim >/dev/null; then
  echo "SKIP: vim not installed (scripts/setup-deps.sh installs it)"
  exit $SKIP
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
files=("${FND_FILES[@]}")  # includes tests/editors/indent/indent.fnd
mapfile -t docs < <(python3 "$ROOT/tests/editors/doc_blocks.py" "$tmp/docs")
mapfile -t fuzz < <(python3 "$ROOT/tests/editors/fuzz_fnd.py" "$tmp/fuzz" 1 20)

echo "== load, highlight and indent ${#files[@]} files and ${#docs[@]} code blocks of docs/*.md (and the VS Code unit test files, ${#fuzz[@]} random files)"
cd "$ROOT"
FND_SYNTAX_DUMP="$tmp/syntax.json" FND_INDENT_DUMP="$tmp/indent.json" \
  vim -n -u NONE -i NONE -N -Es --cmd "set rtp^=$ROOT/editors/vim" \
  -S tests/editors/vim_check.vim -- "${files[@]}" "${docs[@]}" "${UNIT_FILES[@]}" "${fuzz[@]}" </dev/null
for f in syntax indent; do
  [ -s "$tmp/$f.json" ] || { echo "FAIL: vim wrote no $f dump" >&2; exit 1; }
done

echo "== highlighting against the reference lexer (files and docs)"
python3 tests/editors/check_tokens.py --editor vim --dump "$tmp/syntax.json" "${files[@]}" "${docs[@]}" "${UNIT_FILES[@]}" "${fuzz[@]}"
echo "== indentation (files)"
python3 tests/editors/check_indent.py --editor vim --dump "$tmp/indent.json" \
  --strict 'tests/editors/indent/*' "${files[@]}"
