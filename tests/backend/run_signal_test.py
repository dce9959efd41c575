#!/usr/bin/env python3
"""A generated program stopped by SIGTERM or SIGINT (docs/language.md section 12), both back ends.

    run_signal_test.py FNDC WORKDIR

Builds signals/main.fnd (witnesses in C++ print their start and their stop) with --target=cpp and
--target=llvm; for each:
  1. SIGTERM once everything has started: the tree stops cleanly (children in reverse start order,
     each stopped with reason shutdown), exit status 0, no crash report on stderr;
  2. SIGINT: the same, exit status 130;
  3. `--set stall=true`: a witness hangs in its stop; after the first SIGTERM the stop is under way
     (the children after it have stopped), and a second SIGTERM ends the process by the signal's
     default action (status -SIGTERM as Python reports it) instead of waiting for the stuck witness.
"""
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 30
STARTED = ["first started", "second started", "x started", "y started"]
STOPPED = ["y stopped: shutdown", "x stopped: shutdown", "second stopped: shutdown", "first stopped: shutdown"]
BAD_STDERR = ["CRASH REPORT", "SUPERVISOR REPORT", "did not stop within", "killing it"]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def default_sigint():
    # A job started in the background by a non-interactive shell inherits SIGINT ignored, and the
    # program rightly keeps it so: give the program the default disposition this test is about.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(binary, extra=()):
    return subprocess.Popen([binary, "--threads", "2", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=default_sigint)


def read_until(proc, line):
    """Reads proc's stdout up to and including `line`; returns the lines read."""
    seen = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        got = proc.stdout.readline()
        if not got:
            break
        seen.append(got.rstrip("\n"))
        if seen[-1] == line:
            break
    return seen


def finish(proc):
    try:
        o, e = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        o, e = proc.communicate()
        o += "\n<timed out>"
    return proc.returncode, o.splitlines(), e


def run_stop(binary, label, sig, status):
    p = start(binary)
    seen = read_until(p, "ready")
    check(seen == STARTED + ["ready"], "%s %s: started %r" % (label, sig.name, seen))
    p.send_signal(sig)
    st, out, err = finish(p)
    check(st == status, "%s %s: exit status %d, expected %d; stderr %r" % (label, sig.name, st, status, err[-600:]))
    check(out == STOPPED, "%s %s: stop output %r" % (label, sig.name, out))
    for bad in BAD_STDERR:
        check(bad not in err, "%s %s: stderr has %r: %r" % (label, sig.name, bad, err[-600:]))
    check("received %s: stopping" % sig.name in err, "%s %s: stderr lacks the stop notice: %r" % (label, sig.name, err[-600:]))


def run_second_signal(binary, label):
    p = start(binary, ["--set", "stall=true"])
    seen = read_until(p, "second will stall")
    check(seen == STARTED + ["second will stall"], "%s stall: started %r" % (label, seen))
    p.send_signal(signal.SIGTERM)
    seen = read_until(p, "second stopped: shutdown")
    check(seen == STOPPED[:3], "%s stall: stop output before the hang %r" % (label, seen))
    p.send_signal(signal.SIGTERM)
    st, out, err = finish(p)
    check(st == -signal.SIGTERM, "%s stall: exit status %d after the second SIGTERM, expected %d; stdout %r, stderr %r"
          % (label, st, -signal.SIGTERM, out, err[-600:]))
    check(out == [], "%s stall: output after the second SIGTERM %r" % (label, out))
    check("ending at once" in err, "%s stall: stderr lacks the notice %r" % (label, err[-600:]))


def main():
    fndc, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    d = os.path.join(HERE, "signals")
    for target in ("cpp", "llvm"):
        binary = os.path.join(work, "signals_" + target)
        b = subprocess.run([fndc, "build", "--target=" + target, os.path.join(d, "main.fnd"), "-I", d, "-o", binary],
                           capture_output=True, text=True)
        check(b.returncode == 0, "fndc build --target=%s signals/main.fnd: %s" % (target, b.stdout + b.stderr))
        if b.returncode != 0:
            continue
        run_stop(binary, target, signal.SIGTERM, 0)
        run_stop(binary, target, signal.SIGINT, 130)
        run_second_signal(binary, target)
    print("signal test: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
