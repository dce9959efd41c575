#!/usr/bin/env python3
"""Compile-and-run test of one program folder (ponyc-style full-program tests).

    run_program.py FNDC DIR WORKDIR

DIR holds the program: `main.fnd` (or the only .fnd file; other .fnd files are modules it may
import through -I DIR), any C++ sources (*.cpp: extern actors), and the expectations:
  expected_stdout (or expected_output.txt)  exact stdout
  expected_exit_code                        default 0
  expected_stderr_contains                  optional: lines that must each appear in stderr
  expected_stderr_lacks                     optional: lines none of which may appear in stderr
  args                                      optional: command-line arguments, one line
The program is built with `fndc build` into WORKDIR and run with a 60 s timeout. After a pass the
binary and its generated sources are deleted (a sanitizer build of one program is ~36 MB, and CI
builds some 200 of them); a failure keeps them for a look, and so does FND_KEEP_TEST_BUILDS=1.
"""
import os
import shlex
import shutil
import subprocess
import sys


def main():
    fndc, d, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    fnds = sorted(f for f in os.listdir(d) if f.endswith(".fnd"))
    main_fnd = "main.fnd" if "main.fnd" in fnds else (fnds[0] if len(fnds) == 1 else None)
    if main_fnd is None:
        sys.exit(f"{d}: needs main.fnd or exactly one .fnd file")
    cpps = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith((".cpp", ".cc")))
    binary = os.path.join(work, "program")
    build = subprocess.run([fndc, "build", os.path.join(d, main_fnd), *cpps, "-I", d, "-o", binary],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if build.returncode != 0:
        print(build.stdout)
        sys.exit(f"FAIL: fndc build exited {build.returncode}")

    def read(name, default=None):
        p = os.path.join(d, name)
        if not os.path.exists(p):
            return default
        with open(p) as f:
            return f.read()

    args = shlex.split(read("args", "").strip())
    expected_out = read("expected_stdout")
    if expected_out is None:
        expected_out = read("expected_output.txt", "")
    expected_code = int(read("expected_exit_code", "0").strip() or "0")
    try:
        run = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             timeout=60)
    except subprocess.TimeoutExpired:
        sys.exit("FAIL: the program did not finish within 60 s")
    ok = True
    if run.stdout != expected_out:
        ok = False
        print("FAIL: stdout differs")
        print("--- expected\n" + expected_out + "--- actual\n" + run.stdout + "---")
    if run.returncode != expected_code:
        ok = False
        print(f"FAIL: exit code {run.returncode}, expected {expected_code}")
    for line in (read("expected_stderr_contains", "") or "").splitlines():
        if line.strip() and line.strip() not in run.stderr:
            ok = False
            print(f"FAIL: stderr lacks: {line.strip()}")
    for line in (read("expected_stderr_lacks", "") or "").splitlines():
        if line.strip() and line.strip() in run.stderr:
            ok = False
            print(f"FAIL: stderr has: {line.strip()}")
    if not ok:
        print("--- stderr\n" + run.stderr[-4000:])
        sys.exit(1)
    if not os.environ.get("FND_KEEP_TEST_BUILDS"):
        os.remove(binary)
        shutil.rmtree(binary + ".fnd-build", ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
