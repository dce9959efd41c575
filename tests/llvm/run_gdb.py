#!/usr/bin/env python3
"""gdb breaks on a .fnd line of a program built with `fndc build --target=llvm -O0`.

    run_gdb.py FNDC GDB PROGRAM.fnd WORKDIR

The line is the one marked `BREAK HERE`. gdb (batch mode) sets `break FILE.fnd:LINE`, runs the
program and must stop there, naming the .fnd file and line; the program then continues to its end.
"""
import os
import subprocess
import sys


def main():
    fndc, gdb, src, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    with open(src) as f:
        line = next(i for i, l in enumerate(f, 1) if l.rstrip().endswith("// BREAK HERE"))
    binary = os.path.join(work, "program")
    b = subprocess.run([fndc, "build", "--target=llvm", "-O0", src, "-o", binary],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if b.returncode != 0:
        sys.exit("FAIL: fndc build --target=llvm:\n" + b.stdout)
    name = os.path.basename(src)
    r = subprocess.run([gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set debuginfod enabled off",
                        "-ex", f"break {name}:{line}", "-ex", "run --threads 1", "-ex", "bt 1",
                        "-ex", "continue", binary],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=100)
    out = r.stdout
    want = f"{name}:{line}"
    ok = f"Breakpoint 1 at" in out and "Breakpoint 1, " in out and want in out.split("Breakpoint 1, ", 1)[-1]
    if not ok:
        print(out)
        sys.exit(f"FAIL: gdb did not stop at {want}")
    print(f"ok: stopped at {want}")


if __name__ == "__main__":
    main()
