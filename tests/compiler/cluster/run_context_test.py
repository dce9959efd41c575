#!/usr/bin/env python3
"""A request context across nodes in a generated program (docs/language.md sections 16 and 18).

    run_context_test.py FNDC WORKDIR

Builds context.fnd (its C++ gateway starts a request with correlation id 4242) with --target=cpp and
--target=llvm, and runs it alone and as three node processes (a: gateway and kick, b: hop 1, c: hop 2)
built by one back end, then by both (b with the other back end). With --log-level debug every
event a hop emits while handling the request is logged with `correlation_id=4242.000000`: the
context crossed a -> b -> c -> a without being passed by hand. Every node exits 0 with its line.
"""
import os
import subprocess
import sys

from checks import check, failures
from loopback_ports import free_ports

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 30
EVENTS = {"a": ["kick.done correlation_id=4242.000000"],
          "b": ["hop.one n=1.000000 correlation_id=4242.000000"],
          "c": ["hop.two n=2.000000 correlation_id=4242.000000"]}
OUTPUT = {"a": "a: done\n", "b": "b: quit\n", "c": "c: quit\n"}


def events(stderr, prefix):
    """The telemetry lines of events named prefix.* (without the log prefix), deduplicated in order."""
    seen = []
    for line in stderr.splitlines():
        tail = line.partition("] telemetry ")[2]
        if tail.startswith(prefix) and tail not in seen:
            seen.append(tail)
    return seen


def run_nodes(binaries, label):
    ports = free_ports(3)
    addrs = ",".join("%s=tcp://127.0.0.1:%d" % (n, p) for n, p in zip("abc", ports))
    procs = {n: subprocess.Popen([binaries[n], "--node", n, "--addr", addrs, "--log-level", "debug"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in "abc"}
    for n, p in procs.items():
        try:
            o, e = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for q in procs.values():
                q.kill()
            o, e = p.communicate()
            o += "\n<timed out>"
        prefix = {"a": "kick.", "b": "hop.", "c": "hop."}[n]
        got = events(e, prefix)
        check(p.returncode == 0 and o == OUTPUT[n] and got == EVENTS[n],
              "%s: node %s: status %d, stdout %r, events %r" % (label, n, p.returncode, o, got))


def main():
    fndc, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    built = {}
    for target in ("cpp", "llvm"):
        binary = os.path.join(work, "context_" + target)
        b = subprocess.run([fndc, "build", "--target=" + target, os.path.join(HERE, "context.fnd"), "-o", binary],
                           capture_output=True, text=True)
        check(b.returncode == 0, "fndc build --target=%s context.fnd: %s" % (target, b.stdout + b.stderr))
        if b.returncode != 0:
            continue
        built[target] = binary
        r = subprocess.run([binary, "--log-level", "debug"], capture_output=True, text=True, timeout=TIMEOUT)
        got = events(r.stderr, "hop.") + events(r.stderr, "kick.")
        check(r.returncode == 0 and got == EVENTS["b"] + EVENTS["c"] + EVENTS["a"],
              "%s alone: status %d, events %r" % (target, r.returncode, got))
        run_nodes({n: binary for n in "abc"}, target)
    if len(built) == 2:
        run_nodes({"a": built["cpp"], "b": built["llvm"], "c": built["cpp"]}, "mixed")
    print("context test: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
