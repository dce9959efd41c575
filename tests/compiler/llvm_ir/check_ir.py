#!/usr/bin/env python3
"""Golden test of the IR `fndc emit --target=llvm -O0 --emit=ll` writes for one program.

    check_ir.py FNDC PROGRAM.fnd WORKDIR [--update]

Compares with PROGRAM.ll.expected. Host-specific lines (target triple and data layout) and the
absolute source directory in debug info are normalized first. A program with extern actors also
has its C++ glue (cxx/fnd_glue.cpp) compared with PROGRAM.glue.expected. update_goldens.sh
regenerates all.
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
        pairs = [(normalize(f.read(), os.path.dirname(os.path.abspath(src))), os.path.splitext(src)[0] + ".ll.expected")]
    glue = os.path.join(out_dir, "cxx", "fnd_glue.cpp")
    if os.path.exists(glue):
        with open(glue) as f:
            pairs.append((f.read(), os.path.splitext(src)[0] + ".glue.expected"))
    failed = False
    for actual, golden in pairs:
        if update:
            with open(golden, "w") as f:
                f.write(actual)
            print("updated " + golden)
            continue
        with open(golden) as f:
            expected = f.read()
        if actual != expected:
            sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                       golden, "actual"))
            failed = True
    if failed:
        sys.exit("FAIL: output differs from the golden (review, then run update_goldens.sh)")
    if not update:
        print("ok")


if __name__ == "__main__":
    main()
