#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole test suite,
# then the sanitizer builds (ASan+UBSan on everything they can check, TSan on the lock-free parts).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup-deps.sh"

# Line-table debug info (-g1) is enough for test failures and sanitizer reports and compiles much
# faster; sanitizer builds also use -O1 (ASan at -O2 -g took 2x as long on the heaviest files).
ci_flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG")
san_flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG")

echo "== build (RelWithDebInfo, -g1)"
FND_BUILD_DIR="$root/build" bash "$root/scripts/build.sh" "${ci_flags[@]}"
echo "== tests"
(cd "$root/build" && ctest --output-on-failure -j "$(nproc)" --timeout 300)

echo "== ASan + UBSan"
FND_BUILD_DIR="$root/build-asan" bash "$root/scripts/build.sh" "${san_flags[@]}" -DFND_SANITIZE=address,undefined \
  -DFND_BUILD_EXAMPLES=OFF -DFND_LLVM_BACKEND=OFF  # the LLVM back end's tests carry no sanitize label
# Programs the tests compile with fndc get -O1 too (FND_CXXFLAGS comes after fndc's -O2).
(cd "$root/build-asan" && FND_CXXFLAGS="-O1" ctest --output-on-failure -j "$(nproc)" --timeout 600 -L sanitize)

echo "== TSan (scheduler, mailbox)"
FND_BUILD_DIR="$root/build-tsan" bash "$root/scripts/build.sh" "${san_flags[@]}" -DFND_SANITIZE=thread \
  -DFND_BUILD_COMPILER=OFF -DFND_BUILD_EXAMPLES=OFF
(cd "$root/build-tsan" && TSAN_OPTIONS="halt_on_error=1" ctest --output-on-failure -j "$(nproc)" --timeout 600 -L tsan)
