#!/usr/bin/env python3
"""Codegen golden test: `fndc emit --target=cpp` of NAME.fnd must equal the files in NAME.expected/.

    run_codegen.py FNDC FILE.fnd [--update]

--update rewrites the expected files (tests/compiler/update_codegen_goldens.sh does it for all);
review the diff like any other change.
"""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    fndc, src = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    expected_dir = src[:-len(".fnd")] + ".expected"
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([fndc, "emit", "--target=cpp", "-o", out, src, "-I", os.path.dirname(src)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            print(r.stdout)
            sys.exit(f"FAIL: fndc emit exited {r.returncode}")
        if update:
            shutil.rmtree(expected_dir, ignore_errors=True)
            shutil.copytree(out, expected_dir)
            print(f"updated {expected_dir}")
            return
        got = sorted(os.listdir(out))
        want = sorted(os.listdir(expected_dir)) if os.path.isdir(expected_dir) else []
        ok = got == want
        if not ok:
            print(f"FAIL: files {got}, expected {want}")
        for name in sorted(set(got) & set(want)):
            with open(os.path.join(out, name)) as f:
                a = f.read().splitlines(keepends=True)
            with open(os.path.join(expected_dir, name)) as f:
                b = f.read().splitlines(keepends=True)
            if a != b:
                ok = False
                sys.stdout.writelines(difflib.unified_diff(b, a, "expected/" + name, "generated/" + name))
        if not ok:
            sys.exit("FAIL: generated code differs (run tests/compiler/update_codegen_goldens.sh and review)")
        print("ok")


if __name__ == "__main__":
    main()
