#!/usr/bin/env bash
# VS Code extension: package layout, scope assertions (vscode-tmgrammar-test), no invalid.illegal
# in runnable code, and every .fnd file checked against the reference lexer built from Fnd.g4.
set -euo pipefail
source "$(dirname "$0")/fnd_files.sh"
ext="$ROOT/editors/vscode"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: node/npm not installed (scripts/setup-deps.sh installs them)"
  exit $SKIP
fi
if [ ! -x "$ext/node_modules/.bin/vscode-tmgrammar-test" ]; then
  echo "== npm ci (editors/vscode, from package-lock.json)"
  if ! (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "FAIL: 'npm ci' in editors/vscode failed; it needs the npm registry (registry.npmjs.org)" >&2
    echo "      once per clone. Run it by hand when online, then re-run the tests." >&2
    exit 1
  fi
fi

echo "== package layout"
python3 "$ROOT/tests/editors/check_vscode_package.py"

echo "== scope assertions (tests/unit/*.test.fnd)"
(cd "$ext" && node_modules/.bin/vscode-tmgrammar-test --compact "tests/unit/*.test.fnd")

echo "== no invalid.illegal in runnable code (examples/, stdlib/, tests/programs/)"
clean=()
for f in "${FND_FILES[@]}"; do
  case "$f" in examples/*|stdlib/*|tests/programs/*) clean+=("$f");; esac
done
(cd "$ROOT" && node editors/vscode/tests/check-no-illegal.js "${clean[@]}")

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== vscode-tmgrammar-test over every .fnd file (assertions generated from the reference lexer)"
(cd "$ROOT" && python3 tests/editors/make_tm_assertions.py "$tmp/assertions" "${FND_FILES[@]}" >/dev/null)
if ! out="$(cd "$ext" && node_modules/.bin/vscode-tmgrammar-test --compact "$tmp/assertions/*.test.fnd" 2>&1)"; then
  printf '%s\n' "$out" | grep -v '^✓'
  exit 1
fi
echo "$(printf '%s\n' "$out" | grep -c '^✓') file(s) passed"

echo "== every .fnd file, and the .fnd code blocks of docs/*.md, against the reference lexer"
mapfile -t docs < <(python3 "$ROOT/tests/editors/doc_blocks.py" "$tmp/docs")
mapfile -t fuzz < <(python3 "$ROOT/tests/editors/fuzz_fnd.py" "$tmp/fuzz" 1 20)
(cd "$ROOT" && node editors/vscode/tests/dump-scopes.js "${FND_FILES[@]}" "${docs[@]}" "${UNIT_FILES[@]}" "${fuzz[@]}" >"$tmp/dump.json")
(cd "$ROOT" && python3 tests/editors/check_tokens.py --editor vscode --dump "$tmp/dump.json" \
  "${FND_FILES[@]}" "${docs[@]}" "${UNIT_FILES[@]}" "${fuzz[@]}")
