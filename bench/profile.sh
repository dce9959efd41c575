#!/usr/bin/env bash
# Where a benchmark spends its time: perf profile of one binary built by bench/run.py.
#   bash bench/profile.sh fnd_ping_pong [sizes...]     # flat profile, top symbols
#   CALLERS=1 bash bench/profile.sh fnd_counting       # with caller chains
#   CALLGRIND=1 bash bench/profile.sh fnd_counting 500000
#       # instruction counts (valgrind): stable on a loaded machine, unlike times; use smaller sizes
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${FND_BENCH_BIN:-$root/build-bench/bench-bin}/$1"
shift
data="$(mktemp /tmp/fnd-bench-perf.XXXXXX)"
trap 'rm -f "$data"' EXIT
if [ -n "${CALLGRIND:-}" ]; then
  valgrind --tool=callgrind --callgrind-out-file="$data" "$bin" "$@" 2>&1 | grep -E '^(RESULT|TIME)|Collected'
  callgrind_annotate "$data" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '3,32p' | cut -c1-160
  exit 0
fi
perf record -q -F 4000 -g -o "$data" "$bin" "$@"
if [ -n "${CALLERS:-}" ]; then
  perf report -i "$data" --no-children --stdio --percent-limit 2 -G 2>/dev/null | sed '/^$/d' | head -120
else
  perf report -i "$data" --no-children --stdio --percent-limit 0.5 -g none --sort dso,symbol 2>/dev/null \
    | grep -v '^#' | sed -e '/^$/d' -e 's/[ -]*$//' | cut -c1-160 | head -40
fi
