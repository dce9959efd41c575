#!/usr/bin/env python3
"""Multi-process loopback test of publish/subscribe across the nodes of a cluster (docs/language.md
section 16, "Societies"), with both back ends.

    run_pubsub_test.py FNDC WORKDIR

Builds tests/programs/cluster_pubsub with --target=cpp and --target=llvm (skipped when fndc has no
LLVM back end) and checks, with exact expected output:
  1. alone (no --node), each binary: the program's expected_stdout;
  2. as two node processes on free loopback ports, a started 300 ms before b, for every pair of
     back ends (cpp/cpp, llvm/llvm, llvm/cpp, cpp/llvm): node a (the publisher, readers 0 and 2)
     prints expected_stdout, node b (reader 1) nothing, both exit 0. Reader 1 on b only gets the
     ticks published on a, and the publisher on a only gets reader 1's published ack, through the
     cluster-wide subscriptions: without them node a never finishes (timeout);
  3. b started first (its reader subscribes before a is up: a learns of it when the nodes meet).
"""
import os
import subprocess
import sys
import time

from checks import check, failures
from loopback_ports import free_ports

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
PROGRAM = os.path.join(ROOT, "tests", "programs", "cluster_pubsub")
TIMEOUT = 30


def run_pair(binaries, first, second):
    """Starts node `first`, then `second` 300 ms later; returns {node: (status, stdout, stderr)}."""
    pa, pb = free_ports(2)
    addrs = ["--addr", "a=tcp://127.0.0.1:%d,b=tcp://127.0.0.1:%d" % (pa, pb)]
    procs = {}
    for i, node in enumerate((first, second)):
        if i:
            time.sleep(0.3)
        procs[node] = subprocess.Popen([binaries[node], "--node", node] + addrs, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
    out = {}
    for node, p in procs.items():
        try:
            o, e = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for q in procs.values():
                q.kill()
            o, e = p.communicate()
            o += "\n<timed out>"
        out[node] = (p.returncode, o, e)
    return out


def main():
    fndc, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(PROGRAM, "expected_stdout")) as f:
        expected = f.read()
    binaries = {}
    for target in ("cpp", "llvm"):
        binary = os.path.join(work, "cluster_pubsub_" + target)
        b = subprocess.run([fndc, "build", "--target=" + target, os.path.join(PROGRAM, "main.fnd"), "-o", binary],
                           capture_output=True, text=True)
        if b.returncode != 0 and target == "llvm" and "no back end" in b.stdout + b.stderr:
            print("no LLVM back end in this fndc: llvm runs skipped")
            continue
        check(b.returncode == 0, "fndc build --target=%s: %s" % (target, b.stdout + b.stderr))
        if b.returncode == 0:
            binaries[target] = binary

    # 1. alone
    for target, binary in binaries.items():
        r = subprocess.run([binary], capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == 0 and r.stdout == expected, "%s alone: status %d, output %r" % (target, r.returncode, r.stdout))

    # 2. two nodes, every pair of back ends; 3. b first
    pairs = [(ta, tb) for ta in binaries for tb in binaries]
    runs = [(ta, tb, "a", "b") for ta, tb in pairs] + [(ta, tb, "b", "a") for ta, tb in pairs if ta == tb]
    for ta, tb, first, second in runs:
        res = run_pair({"a": binaries[ta], "b": binaries[tb]}, first, second)
        what = "a=%s b=%s, %s first" % (ta, tb, first)
        for node, want in (("a", expected), ("b", "")):
            st, o, e = res[node]
            check(st == 0 and o == want, "%s: node %s: status %s, stdout %r, stderr %r" % (what, node, st, o, e[-600:]))

    print("pub/sub cluster test: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
