#!/usr/bin/env bash
# Regenerates tests/tools/fmt/cases/*.expected from the current fndc.
# Usage: tests/tools/fmt/update_goldens.sh [path/to/fndc]   (default: build/bin/fndc)
# Review the diff (git diff tests/tools/fmt/cases) before committing: it is the change in
# what `fndc fmt` prints.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
fndc="${1:-$root/build/bin/fndc}"
[ -x "$fndc" ] || { echo "update_goldens: no fndc at $fndc (build first, or pass its path)" >&2; exit 2; }
n=0
for f in "$here"/cases/*.fnd; do
  python3 "$here/run_fmt_test.py" "$fndc" show "$f" > "${f%.fnd}.expected"
  n=$((n + 1))
done
echo "update_goldens: wrote $n golden files"
