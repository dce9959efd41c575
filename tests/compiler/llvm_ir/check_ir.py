#!/usr/bin/env python3
"""Golden test of the IR `fndc emit --target=llvm -O0 --emit=ll` writes for one program.

    check_ir.py FNDC PROGRAM.fnd WORKDIR [--update]

Compares with PROGRAM.ll.expected. Host-specific lines (target triple and data layout) and the
absolute source directory in debug info are normalized first. update_goldens.sh regenerates all.
"""
import difflib
import os
import subprocess
import sys


def normalize(text, src_dir):
    out = []
    for line in text.splitlines(True):
        if line.startswith(("target datalayout", "target triple", "source_filename")):
            continue
        out.append(line.replace(src_dir, "<srcdir>"))
    return "".join(out)


def main():
    fndc, src, work = sys.argv[1:4]
    update = "--update" in sys.argv[4:]
    name = os.path.splitext(os.path.basename(src))[0]
    out_dir = os.path.join(work, name)
    os.makedirs(out_dir, exist_ok=True)
    r = subprocess.run([fndc, "emit", "--target=llvm", "-O0", "--emit=ll", src, "-o", out_dir],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: fndc emit:\n" + r.stdout)
    lls = [f for f in os.listdir(out_dir) if f.endswith(".ll")]
    with open(os.path.join(out_dir, lls[0])) as f:
        actual = normalize(f.read(), os.path.dirname(os.path.abspath(src)))
    golden = os.path.splitext(src)[0] + ".ll.expected"
    if update:
        with open(golden, "w") as f:
            f.write(actual)
        print("updated " + golden)
        return
    with open(golden) as f:
        expected = f.read()
    if actual != expected:
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                   golden, "actual"))
        sys.exit("FAIL: IR differs from the golden (review, then run update_goldens.sh)")
    print("ok")


if __name__ == "__main__":
    main()
