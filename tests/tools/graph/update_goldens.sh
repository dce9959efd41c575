#!/usr/bin/env bash
# Regenerates tests/tools/graph/expected/*.dot from the current fndc, for the programs listed in
# tests/tools/graph/programs.txt. Usage: tests/tools/graph/update_goldens.sh [path/to/fndc]
# (default: build/bin/fndc). Review the diff before committing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
fndc="${1:-$root/build/bin/fndc}"
[ -x "$fndc" ] || { echo "update_goldens: no fndc at $fndc (build first, or pass its path)" >&2; exit 2; }
n=0
while read -r rel; do
  [ -z "$rel" ] || [ "${rel:0:1}" = "#" ] && continue
  name="$(echo "${rel%.fnd}" | tr '/.' '__')"
  python3 "$here/run_graph_test.py" "$fndc" show "$root/$rel" > "$here/expected/$name.dot"
  n=$((n + 1))
done < "$here/programs.txt"
echo "update_goldens: wrote $n golden files"
