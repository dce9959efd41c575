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


def run(args, env=None, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=240, **kw)


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
    check("program unknown option exits 2", r.returncode == 2, r.stderr)
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
    r = run([fndc, "check", work])
    check("a directory is E0014 with the reason", r.returncode == 1 and "cannot read file '" + work +
          "': it is a directory [E0014]" in r.stderr, r.stderr)
    # one file named three ways is read once: no E0106/E0103 for its declarations
    r = run([fndc, "check", lib, os.path.join(work, ".", "lib.fnd"), os.path.relpath(lib)])
    check("a file named several ways is read once", r.returncode == 0 and r.stderr == "", r.stderr)

    if failures:
        sys.exit(f"{len(failures)} failure(s)")


if __name__ == "__main__":
    main()
