#!/usr/bin/env bash
# Interleaved rounds of fnd_dist_bench, for the docs/performance.md "Distribution" table: in each round
# raw ZeroMQ, then fnd_dist as built now, then (optionally) fnd_dist as built from an older commit, so
# that load changes during the series hit every column alike. Prints the RESULT/STATS lines per round
# with the load average.
#   bench/dist/interleave.sh BENCH_BIN ROUNDS PATTERN N [BASELINE_BENCH_BIN]
#   bench/dist/interleave.sh build-bench/bench-bin/fnd_dist_bench 3 throughput 1000000
#   bench/dist/interleave.sh build-bench/bench-bin/fnd_dist_bench 3 pingpong 20000 /tmp/old/fnd_dist_bench
# On a busy machine, `chrt -f 10 bench/dist/interleave.sh ...` (root) comes close to an idle one for
# throughput (every thread gets a core as soon as it wakes); not for pingpong (spinning threads at
# real-time priority keep the core from the thread they wait for).
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,11p' "$0"
  exit 2
fi
bin=$1 rounds=$2 pattern=$3 n=$4 base=${5:-}
for r in $(seq 1 "$rounds"); do
  echo "# round $r load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
  echo "zmq  $(timeout 300 "$bin" zmq "$pattern" "$n" | tr '\n' ' ')"
  echo "fnd  $(timeout 300 "$bin" fnd "$pattern" "$n" | tr '\n' ' ')"
  if [ -n "$base" ]; then echo "base $(timeout 300 "$base" fnd "$pattern" "$n" | tr '\n' ' ')"; fi
done
