#!/usr/bin/env bash
# Regenerates the IR goldens: update_goldens.sh [FNDC] (default: build-llvm/bin/fndc). Review the diff.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fndc="${1:-$here/../../../build-llvm/bin/fndc}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for f in "$here"/*.fnd; do
  python3 "$here/check_ir.py" "$fndc" "$f" "$work" --update
done
