#!/usr/bin/env bash
# Times `fndc check` on a generated program: best of 5 runs. Usage: run.sh FNDC [LINES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fndc="${1:?usage: run.sh path/to/fndc [LINES]}"
lines="${2:-20000}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_large.py" "$lines" > "$tmp/large.fnd"
echo "generated $(wc -l < "$tmp/large.fnd") lines"
"$fndc" check "$tmp/large.fnd" || { echo "fndc check failed on the generated program" >&2; exit 1; }
best=""
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$fndc" check "$tmp/large.fnd"
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc -l)
  if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
printf 'fndc check: best of 5 = %.3f s\n' "$best"
