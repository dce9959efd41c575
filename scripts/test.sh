#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole test suite,
# then the sanitizer builds (ASan+UBSan on everything they can check, TSan on the lock-free parts).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup-deps.sh"

echo "== build (RelWithDebInfo)"
FND_BUILD_DIR="$root/build" bash "$root/scripts/build.sh"
echo "== tests"
(cd "$root/build" && ctest --output-on-failure -j "$(nproc)" --timeout 300)

echo "== ASan + UBSan"
FND_BUILD_DIR="$root/build-asan" bash "$root/scripts/build.sh" -DFND_SANITIZE=address,undefined \
  -DFND_BUILD_EXAMPLES=OFF -DFND_LLVM_BACKEND=OFF  # the LLVM back end's tests carry no sanitize label
(cd "$root/build-asan" && ctest --output-on-failure -j "$(nproc)" --timeout 600 -L sanitize)

echo "== TSan (scheduler, mailbox)"
FND_BUILD_DIR="$root/build-tsan" bash "$root/scripts/build.sh" -DFND_SANITIZE=thread \
  -DFND_BUILD_COMPILER=OFF -DFND_BUILD_EXAMPLES=OFF
(cd "$root/build-tsan" && TSAN_OPTIONS="halt_on_error=1" ctest --output-on-failure -j "$(nproc)" --timeout 600 -L tsan)
