#!/usr/bin/env bash
# Installs every Debian 12 package Foundation needs. Idempotent; silent when all are present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  antlr4 libantlr4-runtime-dev default-jre-headless   # grammar -> parser (tool 4.7.2, runtime 4.9)
  llvm-14-dev clang-14 libclang-rt-14-dev              # LLVM back end; libFuzzer and sanitizer runtimes
  zlib1g-dev libzstd-dev libedit-dev libtinfo-dev libxml2-dev libffi-dev  # what LLVMConfig links
  libboost-fiber-dev libboost-context-dev              # stackful processes
  libzmq3-dev cppzmq-dev                               # distribution
  libcxxopts-dev nlohmann-json3-dev libfmt-dev         # command lines, JSON, formatting
  catch2                                               # tests (Catch2 v2)
  librapidcheck-dev                                    # property-based tests (membership)
  libcaf-dev                                           # benchmark peer (CAF 0.17)
  libsqlite3-dev prometheus-cpp-dev libtoml11-dev      # core services: event store, /metrics, TOML config
  python3                                              # test drivers
  vim emacs-nox nodejs                                 # editor support tests (editors/)
  graphviz                                             # fndc graph --format svg (dot)
  gdb                                                  # debug-info test of the LLVM back end
  iptables                                             # partitions between network namespaces (tests/dist/netns)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm: Debian ships it as its own package; NodeSource's nodejs bundles it (and conflicts with it).
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
