#!/usr/bin/env bash
# The demo command: installs what is missing, builds, and runs the main demo.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup-deps.sh"
FND_BUILD_DIR="$root/build" bash "$root/scripts/build.sh"
exec "$root/build/examples/supervision_demo"
