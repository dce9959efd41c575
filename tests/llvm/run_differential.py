#!/usr/bin/env python3
"""Differential test of the two back ends (issue #4).

    run_differential.py FNDC SOURCE_ROOT WORKDIR EXPECTED_UNSUPPORTED [--update] [--only NAME]

Builds every program folder under tests/programs/, every example folder under examples/ and every
bench/fnd/*.fnd with `--target=cpp` and with `--target=llvm`, runs both binaries (same arguments,
60 s timeout) and requires identical stdout and exit status. Benchmark lines starting with `TIME `
(wall-clock) are not compared.

A case whose LLVM build reports E0601 (a construct --target=llvm does not lower yet) is
"unsupported". EXPECTED_UNSUPPORTED lists those cases, one name per line (`#` comments): the test
fails when a listed case now works (remove it from the list: progress) or an unlisted case is
unsupported (a regression), so the list is always the exact state of the back end. Any other
failure (an LLVM build error other than E0601, a crash, different output) always fails.
--update rewrites the list from this run.
"""
import os
import shlex
import subprocess
import sys


def cases(root):
    out = []
    for group in ("tests/programs", "examples"):
        base = os.path.join(root, group)
        for name in sorted(os.listdir(base)):
            d = os.path.join(base, name)
            if not os.path.isdir(d):
                continue
            fnds = sorted(f for f in os.listdir(d) if f.endswith(".fnd"))
            main = "main.fnd" if "main.fnd" in fnds else (fnds[0] if len(fnds) == 1 else None)
            if main is None:
                continue
            args = ""
            if os.path.exists(os.path.join(d, "args")):
                with open(os.path.join(d, "args")) as f:
                    args = f.read().strip()
            cpps = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith((".cpp", ".cc")))
            out.append((group.split("/")[-1] + "/" + name, [os.path.join(d, main), *cpps, "-I", d], shlex.split(args)))
    bench = os.path.join(root, "bench", "fnd")
    if os.path.isdir(bench):
        for f in sorted(os.listdir(bench)):
            if f.endswith(".fnd"):
                out.append(("bench/" + f[:-4], [os.path.join(bench, f)], []))
    return out


def build(fndc, target, inputs, binary):
    r = subprocess.run([fndc, "build", "--target=" + target, *inputs, "-o", binary],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode, r.stdout


def run(binary, args):
    try:
        r = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "", "timeout"
    out = "".join(l for l in r.stdout.splitlines(True) if not l.startswith("TIME "))
    return r.returncode, out, r.stderr


def main():
    argv = sys.argv[1:]
    update = "--update" in argv
    only = None
    if "--only" in argv:
        only = argv[argv.index("--only") + 1]
    fndc, root, work, listfile = [a for a in argv if not a.startswith("--") and a != only][:4]
    expected = set()
    if os.path.exists(listfile):
        with open(listfile) as f:
            expected = {l.split("#")[0].strip() for l in f if l.split("#")[0].strip()}
    failures, unsupported, passed = [], [], []
    for name, inputs, args in cases(root):
        if only and name != only:
            continue
        d = os.path.join(work, name.replace("/", "_"))
        os.makedirs(d, exist_ok=True)
        code, text = build(fndc, "llvm", inputs, os.path.join(d, "llvm"))
        if code != 0:
            if "[E0601]" in text and "internal compiler error" not in text:
                unsupported.append(name)
                continue
            failures.append(f"{name}: fndc build --target=llvm failed:\n{text}")
            continue
        code, text = build(fndc, "cpp", inputs, os.path.join(d, "cpp"))
        if code != 0:
            failures.append(f"{name}: fndc build --target=cpp failed:\n{text}")
            continue
        c_code, c_out, c_err = run(os.path.join(d, "cpp"), args)
        l_code, l_out, l_err = run(os.path.join(d, "llvm"), args)
        if c_code != l_code or c_out != l_out:
            failures.append(f"{name}: outputs differ\n--- cpp (exit {c_code})\n{c_out}--- llvm (exit {l_code})\n{l_out}"
                            f"--- llvm stderr\n{l_err[-2000:]}")
            continue
        passed.append(name)
    if update:
        with open(listfile, "w") as f:
            f.write("# Programs that --target=llvm does not lower yet (E0601), kept exact by\n"
                    "# tests/llvm/run_differential.py (--update rewrites this file).\n")
            for n in sorted(unsupported):
                f.write(n + "\n")
    elif not only:
        for n in sorted(set(unsupported) - expected):
            failures.append(f"{n}: newly unsupported by --target=llvm (not in {os.path.basename(listfile)})")
        for n in sorted(expected - set(unsupported)):
            failures.append(f"{n}: listed as unsupported but now builds with --target=llvm: remove it from the list")
    print(f"differential: {len(passed)} identical, {len(unsupported)} unsupported, {len(failures)} failures")
    for n in passed:
        print("  same: " + n)
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
