#!/usr/bin/env python3
"""Runs `fndc check` on one test program and compares with its golden file.

  run_golden.py FNDC diag FILE.fnd   output must equal FILE.expected byte for byte; the exit status
                                     must be 1 if it contains an error, else 0
  run_golden.py FNDC ok FILE.fnd     must check clean: exit 0, no output
  run_golden.py FNDC show FILE.fnd   prints what `diag` compares (used by update_goldens.sh)

fndc runs in the file's directory with the bare file name, so paths in the output are stable; the
checkout's own location is written as <root> (goldens must not depend on where the tree is cloned).
A first line `// fndc-args: ...` adds arguments (e.g. -Werror, --diagnostics=json, -I modules).
"""
import os
import subprocess
import sys


def run(fndc, path):
    directory, name = os.path.split(os.path.abspath(path))
    with open(path, encoding="utf-8", errors="replace") as f:
        first = f.readline()
    args = []
    if first.startswith("// fndc-args:"):
        args = first[len("// fndc-args:"):].split()
    proc = subprocess.run([os.path.abspath(fndc), "check", *args, name], cwd=directory,
                          capture_output=True, timeout=60)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return proc.returncode, out.replace(root + os.sep, "<root>" + os.sep)


def main():
    fndc, mode, path = sys.argv[1:4]
    code, out = run(fndc, path)
    if mode == "show":
        sys.stdout.write(out)
        return 0
    if mode == "ok":
        if code != 0 or out:
            sys.stdout.write(f"{path}: expected a clean check, got exit {code}:\n{out}")
            return 1
        return 0
    expected_path = os.path.splitext(path)[0] + ".expected"
    try:
        with open(expected_path, encoding="utf-8") as f:
            expected = f.read()
    except FileNotFoundError:
        sys.stdout.write(f"{expected_path} is missing; run tests/compiler/update_goldens.sh\n")
        return 1
    want_code = 1 if ("error:" in expected or '"severity": "error"' in expected) else 0
    ok = out == expected and code == want_code
    if not ok:
        import difflib
        sys.stdout.write(f"{path}: exit {code} (expected {want_code})\n")
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), out.splitlines(True),
                                                   "expected", "actual"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
