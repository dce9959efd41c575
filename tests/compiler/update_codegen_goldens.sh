#!/usr/bin/env bash
# Regenerates the codegen goldens: tests/compiler/codegen/NAME.fnd -> NAME.expected/ (the files
# `fndc emit --target=cpp` writes). Review the diff (git diff tests/compiler/codegen) before committing.
#   tests/compiler/update_codegen_goldens.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
for f in "$root"/tests/compiler/codegen/*.fnd; do
  python3 "$root/tests/backend/run_codegen.py" "$build/bin/fndc" "$f" --update
done
