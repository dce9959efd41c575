#!/usr/bin/env bash
# The demo command: installs what is missing, builds, and runs the main demo.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup-deps.sh"
FND_BUILD_DIR="$root/build" bash "$root/scripts/build.sh"
# The main demo is a .fnd program: fndc compiles examples/supervision/supervision.fnd to C++, builds
# it against the runtime (cached in ~/.cache/fndc) and runs it. Its stdout is the program's output;
# the crash and supervisor reports of the children it crashes on purpose go to stderr.
# (The runtime's C++ demo is build/examples/supervision_demo.)
echo "== fndc run examples/supervision/supervision.fnd" >&2
exec "$root/build/bin/fndc" run "$root/examples/supervision/supervision.fnd"
