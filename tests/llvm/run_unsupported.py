#!/usr/bin/env python3
"""`fndc build --target=llvm` of a program using a construct not lowered yet: exit status 1, no
crash, and exactly the expected clang-style E0601 diagnostic (file:line:col, source line, caret).

    run_unsupported.py FNDC PROGRAM.fnd WORKDIR
"""
import os
import subprocess
import sys

EXPECTED = """{file}:15:5: error: 'an extern actor as a society member' is not yet supported by --target=llvm [E0601]
    probes: Probe x 2
    ^~~~~~~~~~~~~~~~~
1 error generated.
"""


def main():
    fndc, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    r = subprocess.run([fndc, "build", "--target=llvm", src, "-o", os.path.join(work, "program")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    expected = EXPECTED.format(file=src)
    ok = r.returncode == 1 and r.stderr == expected
    if not ok:
        print(f"exit {r.returncode}\n--- expected\n{expected}--- actual\n{r.stderr}---")
        sys.exit("FAIL")
    print("ok")


if __name__ == "__main__":
    main()
