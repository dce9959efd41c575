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
  3. b started first (its reader subscribes before a is up: a learns of it when the nodes meet);
  4. tests/compiler/cluster/pubsub_restart.fnd: once the publisher on a has an answer from reader 1
     (on b) and watches it, node b is killed (SIGKILL) and started again at once; the publisher sees
     reader 1 down (noconnection) and then an answer of the new incarnation, from a pid unequal to
     the old one (== and list.contains), whose subscription reached a when the new node met it
     (cpp/cpp, llvm/llvm, llvm/cpp).
"""
import os
import subprocess
import sys
import time

from checks import check, failures
from loopback_ports import free_ports

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
PROGRAM = os.path.join(ROOT, "tests", "programs", "cluster_pubsub")
RESTART = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pubsub_restart.fnd")
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


def run_restart(binaries):
    """Node a; node b until a's publisher has its first answer from reader 1; b killed and started again."""
    pa, pb = free_ports(2)
    addrs = ["--addr", "a=tcp://127.0.0.1:%d,b=tcp://127.0.0.1:%d" % (pa, pb)]

    def start(node):
        return subprocess.Popen([binaries[node], "--node", node] + addrs, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    a = start("a")
    time.sleep(0.3)
    b = start("b")
    lines = []
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:  # a prints line by line; readline returns "" when a ends
        line = a.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("publisher: reader 1 answered"):
            break
    b.kill()
    b.wait()
    b2 = start("b")
    try:
        o, e = a.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        a.kill()
        o, e = a.communicate()
        o += "\n<timed out>"
    b2.terminate()  # it runs until stopped
    o2, _ = b2.communicate()
    return a.returncode, "".join(lines) + o, e, o2


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

    # 4. node b killed and started again
    restart = {}
    for target in binaries:
        binary = os.path.join(work, "pubsub_restart_" + target)
        b = subprocess.run([fndc, "build", "--target=" + target, RESTART, "-o", binary], capture_output=True, text=True)
        check(b.returncode == 0, "fndc build --target=%s pubsub_restart.fnd: %s" % (target, b.stdout + b.stderr))
        if b.returncode == 0:
            restart[target] = binary
    want_a = ["publisher: reader 1 answered", "publisher: reader 1 answered again, a new pid: true",
              "publisher: reader 1 is down",
              "reader 0: got a tick"]
    for ta, tb in (("cpp", "cpp"), ("llvm", "llvm"), ("llvm", "cpp")):
        if ta in restart and tb in restart:
            st, o, e, o2 = run_restart({"a": restart[ta], "b": restart[tb]})
            check(st == 0 and sorted(o.splitlines()) == want_a and o2 == "reader 1: got a tick\n",
                  "restart a=%s b=%s: status %s, a %r, new b %r, stderr %r" % (ta, tb, st, o, o2, e[-600:]))

    print("pub/sub cluster test: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
