#!/usr/bin/env python3
"""Monitors and links across nodes in a generated program (docs/language.md section 16), both back ends.

    run_watch_test.py FNDC WORKDIR

Builds watch.fnd with --target=cpp and --target=llvm; for each, node a's watcher monitors and links
node b's target through a pid ref, then:
  1. b is SIGKILLed: a's `on down` and `on exit` run with the reason "noconnection: node b is down:
     ..." (detected by membership or the link's silence), and a exits with status 3;
  2. the target calls shutdown(0) (`--set target.leave=true`): both fire with "shutdown" (the
     target's own exit reached a before b left), a exits 3 and b 0, and b's stop does not wait out
     the grace period (it did when a remote monitor's ref equalled the supervisor's own monitor ref
     on the target: the supervisor's monitor was lost and its stop waited 2 s, then killed);
  3. b gets SIGTERM: b stops as in 2 (its tree stops, the target's exit reaches a, b leaves the
     cluster) and exits 0 — both fire on a with "shutdown", not "noconnection" as for a kill;
  4. a gets SIGTERM (status 0): b, still running, sees a leave ("dist: node a down (left the
     cluster)", not a failed probe), then b gets SIGTERM too and exits 0.
"""
import os
import signal
import subprocess
import sys
import time

from checks import check, failures
from loopback_ports import free_ports

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 30
GRACE_WARNING = "did not stop within the grace period"


def start(binary, node, addrs, extra=()):
    return subprocess.Popen([binary, "--node", node, "--addr", addrs] + list(extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(proc, line):
    """Reads proc's stdout until `line`; returns what was read."""
    seen = ""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        got = proc.stdout.readline()
        if not got:
            break
        seen += got
        if got.rstrip("\n") == line:
            break
    return seen


def finish(proc):
    try:
        o, e = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        o, e = proc.communicate()
        o += "\n<timed out>"
    return proc.returncode, o, e


def run_kill(binary, label):
    pa, pb = free_ports(2)
    addrs = "a=tcp://127.0.0.1:%d,b=tcp://127.0.0.1:%d" % (pa, pb)
    a = start(binary, "a", addrs)
    b = start(binary, "b", addrs)
    seen = wait_for_line(b, "target: acked")
    check(seen == "target: acked\n", "%s kill: b printed %r" % (label, seen))
    b.send_signal(signal.SIGKILL)
    b.wait()
    st, o, e = finish(a)
    lines = o.splitlines()
    ok = (st == 3 and len(lines) == 3 and lines[0] == "watcher: watching"
          and lines[1].startswith("watcher: down noconnection: node b is down: ")
          and lines[2].startswith("watcher: exit noconnection: node b is down: ")
          and lines[1][len("watcher: down "):] == lines[2][len("watcher: exit "):])
    check(ok, "%s kill: node a: status %d, stdout %r, stderr %r" % (label, st, o, e[-400:]))


def run_leave(binary, label):
    pa, pb = free_ports(2)
    addrs = "a=tcp://127.0.0.1:%d,b=tcp://127.0.0.1:%d" % (pa, pb)
    a = start(binary, "a", addrs)
    b = start(binary, "b", addrs, ["--set", "target.leave=true"])
    sa, oa, ea = finish(a)
    sb, ob, eb = finish(b)
    check(sa == 3 and oa == "watcher: watching\nwatcher: exit shutdown\nwatcher: down shutdown\n",
          "%s leave: node a: status %d, stdout %r, stderr %r" % (label, sa, oa, ea[-400:]))
    check(sb == 0 and ob == "target: acked\n" and GRACE_WARNING not in eb,
          "%s leave: node b: status %d, stdout %r, stderr %r" % (label, sb, ob, eb[-400:]))


def run_sigterm(binary, label):
    pa, pb = free_ports(2)
    addrs = "a=tcp://127.0.0.1:%d,b=tcp://127.0.0.1:%d" % (pa, pb)
    a = start(binary, "a", addrs)
    b = start(binary, "b", addrs)
    seen = wait_for_line(b, "target: acked")
    check(seen == "target: acked\n", "%s sigterm: b printed %r" % (label, seen))
    b.send_signal(signal.SIGTERM)
    sb, ob, eb = finish(b)
    sa, oa, ea = finish(a)
    check(sa == 3 and oa == "watcher: watching\nwatcher: exit shutdown\nwatcher: down shutdown\n",
          "%s sigterm: node a: status %d, stdout %r, stderr %r" % (label, sa, oa, ea[-400:]))
    check(sb == 0 and ob == "" and GRACE_WARNING not in eb and "received SIGTERM: stopping" in eb,
          "%s sigterm: node b: status %d, stdout %r, stderr %r" % (label, sb, ob, eb[-400:]))


def run_sigterm_watcher(binary, label):
    pa, pb = free_ports(2)
    addrs = "a=tcp://127.0.0.1:%d,b=tcp://127.0.0.1:%d" % (pa, pb)
    a = start(binary, "a", addrs)
    b = start(binary, "b", addrs)
    seen = wait_for_line(b, "target: acked")
    check(seen == "target: acked\n", "%s sigterm a: b printed %r" % (label, seen))
    a.send_signal(signal.SIGTERM)
    sa, oa, ea = finish(a)
    check(sa == 0 and oa == "watcher: watching\n" and "received SIGTERM: stopping" in ea,
          "%s sigterm a: node a: status %d, stdout %r, stderr %r" % (label, sa, oa, ea[-400:]))
    # b learns of a's end from membership (left) or, were a to fail, from failed probes: wait for either.
    down = ""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        line = b.stderr.readline()
        if not line or "dist: node a down" in line:
            down = line
            break
    check("dist: node a down (left the cluster)" in down, "%s sigterm a: node b saw %r" % (label, down))
    b.send_signal(signal.SIGTERM)
    sb, ob, eb = finish(b)
    check(sb == 0 and ob == "" and "received SIGTERM: stopping" in eb,
          "%s sigterm a: node b after SIGTERM: status %d, stdout %r, stderr %r" % (label, sb, ob, eb[-400:]))


def main():
    fndc, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    for target in ("cpp", "llvm"):
        binary = os.path.join(work, "watch_" + target)
        b = subprocess.run([fndc, "build", "--target=" + target, os.path.join(HERE, "watch.fnd"), "-o", binary],
                           capture_output=True, text=True)
        check(b.returncode == 0, "fndc build --target=%s watch.fnd: %s" % (target, b.stdout + b.stderr))
        if b.returncode != 0:
            continue
        run_kill(binary, target)
        run_leave(binary, target)
        run_sigterm(binary, target)
        run_sigterm_watcher(binary, target)
    print("watch test: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
