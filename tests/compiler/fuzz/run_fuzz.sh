#!/usr/bin/env bash
# Runs the libFuzzer front-end target for SECONDS over the seed directories; new inputs go to a
# scratch directory (the seeds stay untouched). Exit status: libFuzzer's (non-zero on a crash; the
# crashing input is kept as ./crash-* in the working directory).
# Usage: run_fuzz.sh FUZZER SECONDS SEED_DIR...
set -euo pipefail
fuzzer="$1"; seconds="$2"; shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$fuzzer" -max_total_time="$seconds" -max_len=8192 -timeout=10 -print_final_stats=1 "$work" "$@"
