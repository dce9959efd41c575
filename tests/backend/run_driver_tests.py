#!/usr/bin/env python3
"""End-to-end tests of `fndc build/run/emit` and of a generated program's command line.

    run_driver_tests.py FNDC WORKDIR
"""
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def run(args, env=None, timeout=240, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=timeout, **kw)


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name)
    if not cond:
        failures.append(name)
        if detail:
            print(detail)


def main():
    fndc, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
    pingpong = os.path.join(ROOT, "examples/pingpong/pingpong.fnd")
    shutdown = os.path.join(ROOT, "tests/programs/shutdown_code/main.fnd")

    # build: a binary, sources kept next to it
    binary = os.path.join(work, "pingpong")
    r = run([fndc, "build", pingpong, "-o", binary], env)
    check("build exits 0", r.returncode == 0, r.stderr)
    check("build writes the binary", os.access(binary, os.X_OK))
    check("build keeps the sources", os.path.exists(binary + ".fnd-build/pingpong.fnd.hpp"))
    r = run([fndc, "build", "--target=nosuch", pingpong, "-o", binary + "-nosuch"], env)
    check("build with an unknown --target exits 2", r.returncode == 2 and "no back end 'nosuch'" in r.stderr, r.stderr)

    # the generated program's command line
    r = run([binary, "--help"])
    check("program --help exits 0", r.returncode == 0 and "--threads" in r.stdout, r.stdout + r.stderr)
    r = run([binary, "--threads"])
    check("program usage error exits 2", r.returncode == 2 and "needs a value" in r.stderr, r.stderr)
    r = run([binary, "--bogus"])
    check("program unknown option exits 2 and points to --help",
          r.returncode == 2 and r.stderr == "pingpong: unknown option '--bogus'\nrun '%s --help' to see the options\n" % binary,
          r.stderr)
    r = run([binary, "--metrics-port", "x"])
    check("a services option's error reads the same",
          r.returncode == 2 and r.stderr.endswith("\nrun '%s --help' to see the options\n" % binary), r.stderr)
    r = run([binary, "--threads", "1", "--log-level", "error"])
    check("program runs with --threads 1", r.returncode == 0 and "done after 3 rounds" in r.stdout, r.stdout + r.stderr)
    cfg = os.path.join(work, "node.conf")
    with open(cfg, "w") as f:
        f.write("# settings\nthreads = 1\nthroughput = 10\nname = pp\n")
    r = run([binary, "--config", cfg])
    check("program reads --config", r.returncode == 0 and "done after 3 rounds" in r.stdout, r.stderr)
    with open(cfg, "w") as f:
        f.write("threads = lots\n")
    r = run([binary, "--config", cfg])
    check("program rejects a bad config with 2", r.returncode == 2 and "node.conf:1" in r.stderr, r.stderr)

    # run: the program's exit status and arguments; the cache
    r = run([fndc, "run", shutdown], env)
    check("run returns the program's status", r.returncode == 7 and r.stdout == "exiting with 7\n", r.stdout + r.stderr)
    cache = os.path.join(work, "cache", "fndc")
    entries = os.listdir(cache) if os.path.isdir(cache) else []
    check("run caches one binary", len(entries) == 1, str(entries))
    r = run([fndc, "run", shutdown], env)
    check("a cached run gives the same result", r.returncode == 7 and len(os.listdir(cache)) == 1)
    r = run([fndc, "run", pingpong, "--", "--help"], env)
    check("run passes arguments after --", r.returncode == 0 and "usage: pingpong" in r.stdout, r.stdout + r.stderr)

    # emit: the files of every module plus main.cpp
    out = os.path.join(work, "emit")
    r = run([fndc, "emit", "--target=cpp", "-o", out, pingpong])
    files = sorted(os.listdir(out)) if os.path.isdir(out) else []
    check("emit writes header, source and main", r.returncode == 0 and files == ["main.cpp", "pingpong.fnd.cpp", "pingpong.fnd.hpp"], str(files) + r.stderr)

    # errors
    lib = os.path.join(work, "lib.fnd")
    with open(lib, "w") as f:
        f.write("module lib\nmessage A {}\nactor X {\n  on A {\n  }\n}\n")
    r = run([fndc, "build", lib, "-o", os.path.join(work, "lib")])
    check("build without main exits 1", r.returncode == 1 and "main" in r.stderr, r.stderr)
    r = run([fndc, "build", pingpong])
    check("build without -o exits 2", r.returncode == 2, r.stderr)
    r = run([fndc, "check", "--bogus", pingpong])
    check("an unknown fndc option exits 2, in plain quotes",
          r.returncode == 2 and r.stderr.startswith("fndc: error: option 'bogus' does not exist\n"), r.stderr)
    # an extern actor's header that no include directory holds: E0121 at the `from` string, from
    # fndc (both back ends), not the C++ compiler's error about a generated file
    nohdr = os.path.join(work, "nohdr.fnd")
    with open(nohdr, "w") as f:
        f.write('module nohdr\nmessage P {}\nextern actor Parser from "no_such_parser.hpp" {\n  on P\n}\n'
                'actor M {\n  on start {\n    let p = spawn Parser\n    send p P {}\n  }\n}\nmain M\n')
    for target in ("cpp", "llvm"):
        r = run([fndc, "build", "--target=" + target, nohdr, "-o", os.path.join(work, "nohdr_" + target)])
        check("missing extern header is E0121 (%s)" % target,
              r.returncode == 1 and "nohdr.fnd:3:26: error: header 'no_such_parser.hpp' of extern actor 'Parser' "
              "not found [E0121]" in r.stderr and "fatal error" not in r.stderr, r.stderr)
    bad_dir = os.path.join(work, "bad")
    os.makedirs(bad_dir)
    with open(os.path.join(bad_dir, "main.fnd"), "w") as f:
        f.write('module bad\nextern actor E from "e.hpp"\nactor M {\n  on start {\n    let e = spawn E\n  }\n}\nmain M\n')
    with open(os.path.join(bad_dir, "e.hpp"), "w") as f:
        f.write("#pragma once\nnamespace bad { this is not C++ }\n")
    r = run([fndc, "build", os.path.join(bad_dir, "main.fnd"), "-o", os.path.join(bad_dir, "m")])
    check("a C++ error in an extern header exits 1 and says where the sources are",
          r.returncode == 1 and "m.fnd-build" in r.stderr, r.stderr[-2000:])
    r = run([fndc, "run", os.path.join(work, "missing.fnd")], env)
    check("run of a missing file exits 1", r.returncode == 1, r.stderr)
    syntax = os.path.join(work, "syntax.fnd")
    with open(syntax, "w") as f:
        f.write("module syntax\nactor A {\n  on start {\n    let = 1\n  }\n}\nmain A\n")
    r = run([fndc, "check", os.path.join(work, "missing.fnd"), syntax])
    check("a missing file does not hide another file's syntax errors",
          r.returncode == 1 and "E0014" in r.stderr and "syntax.fnd:4:9: error: expected a name" in r.stderr, r.stderr)
    r = run([fndc, "check", work])
    check("a directory is E0014 with the reason", r.returncode == 1 and "cannot read file '" + work +
          "': it is a directory [E0014]" in r.stderr, r.stderr)
    # one file named three ways is read once: no E0106/E0103 for its declarations
    r = run([fndc, "check", lib, os.path.join(work, ".", "lib.fnd"), os.path.relpath(lib)])
    check("a file named several ways is read once", r.returncode == 0 and r.stderr == "", r.stderr)

    # ints wrap, constants too: no warning from the C++ compiler reaches the user
    wrap = os.path.join(ROOT, "tests/programs/constant_wrap/main.fnd")
    for target in ("cpp", "llvm"):
        r = run([fndc, "build", "--target=" + target, wrap, "-o", os.path.join(work, "wrap_" + target)])
        check("an overflowing constant builds silently (%s)" % target, r.returncode == 0 and r.stderr == "", r.stderr)

    stuck_handlers(fndc, work)

    if failures:
        sys.exit(f"{len(failures)} failure(s)")


def stuck_handlers(fndc, work):
    """A handler that never returns keeps its worker, but not the rest of the program (issue #2: stopping
    never hangs on a stuck actor): a process it woke runs on another worker, and shutdown(code) or
    SIGTERM during the tree's start ends the program with its code. Each would hang without the fix,
    so the checks are on output and exit status, not on time."""
    conf = os.path.join(work, "quick_stop.conf")
    with open(conf, "w") as f:
        f.write("stop_grace_ms = 300\n")
    # Busy's start acknowledgement wakes the supervisor into Busy's worker's run-next slot, then
    # Busy's Go handler loops for ever: the supervisor must still start Next (on the other worker).
    stranded = os.path.join(work, "stranded.fnd")
    with open(stranded, "w") as f:
        f.write("module stranded\nmessage Go {}\nactor Busy {\n  state n: int = 0\n"
                "  on start {\n    print(\"busy start\")\n    send self Go {}\n  }\n"
                "  on Go {\n    while true { n = n + 1 }\n  }\n}\n"
                "actor Next {\n  on start {\n    print(\"next start\")\n    shutdown(4)\n  }\n}\n"
                "supervisor app {\n  child b: Busy\n  child n: Next\n}\nmain app\n")
    # A child whose on start never returns: the tree never finishes starting, and shutdown(3) from an
    # earlier child still ends the program with 3 (no "could not start" error).
    startloop = os.path.join(work, "startloop.fnd")
    with open(startloop, "w") as f:
        f.write("module startloop\nactor Busy {\n  state n: int = 0\n"
                "  on start {\n    print(\"busy start\")\n    while true { n = n + 1 }\n  }\n}\n"
                "actor Ender {\n  every 100ms {\n    shutdown(3)\n  }\n}\n"
                "actor After {\n  on start {\n    print(\"after start\")\n  }\n}\n"
                "supervisor app {\n  child e: Ender\n  child b: Busy\n  child a: After\n}\nmain app\n")
    # The same without the ender: SIGTERM must end it (status 0, as SIGTERM's is).
    sigloop = os.path.join(work, "sigloop.fnd")
    with open(startloop) as f, open(sigloop, "w") as g:
        g.write(f.read().replace("module startloop", "module sigloop").replace("  child e: Ender\n", ""))
    def build(src, target):
        name = os.path.basename(src)[:-len(".fnd")]
        b = os.path.join(work, name + "_" + target)
        r = run([fndc, "build", "--target=" + target, src, "-o", b])
        check("%s builds (%s)" % (name, target), r.returncode == 0, r.stderr)
        return b

    for target in ("cpp", "llvm"):
        b = build(stranded, target)
        r = run([b, "--threads", "2", "--config", conf], timeout=60)
        check("a process woken by a stuck handler runs elsewhere (%s)" % target,
              r.returncode == 4 and r.stdout == "busy start\nnext start\n" and "abandoning it" in r.stderr,
              "exit %d\n%s%s" % (r.returncode, r.stdout, r.stderr))
        b = build(startloop, target)
        r = run([b, "--threads", "2", "--config", conf], timeout=60)
        check("shutdown(code) while the tree is starting ends the program (%s)" % target,
              r.returncode == 3 and r.stdout == "busy start\n" and "could not start" not in r.stderr,
              "exit %d\n%s%s" % (r.returncode, r.stdout, r.stderr))
        b = build(sigloop, target)
        p = subprocess.Popen([b, "--threads", "2", "--config", conf],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        p.stdout.readline()  # "busy start": the tree is starting and Busy is stuck
        p.terminate()
        try:
            out, err = p.communicate(timeout=60)
            code = p.returncode
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            code = None
        check("SIGTERM while the tree is starting ends the program with 0 (%s)" % target,
              code == 0 and "could not start" not in err, "exit %s\n%s" % (code, err))


if __name__ == "__main__":
    main()
