#!/usr/bin/env python3
"""Tests of `fndc fmt` (see tests/tools/README.md).

  run_fmt_test.py FNDC corpus FILE.fnd   formatting is idempotent and keeps the program's meaning:
                                         the C++ that `fndc emit --target=cpp` writes for the
                                         formatted file (and its formatted sibling .fnd files) is
                                         byte-identical to the original's, except the
                                         `// from FILE:LINE` location comments
  run_fmt_test.py FNDC golden CASE.fnd   `fndc fmt CASE.fnd` prints exactly CASE.expected, which is
                                         itself formatted; the comments survive
  run_fmt_test.py FNDC show CASE.fnd     prints what the golden is compared with (update_goldens.sh)
  run_fmt_test.py FNDC cli DIR           --check / --write / stdin / syntax errors
"""
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile


def run(cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True)


def fmt(fndc, path):
    r = run([fndc, "fmt", path])
    if r.returncode != 0:
        sys.exit(f"FAIL: fndc fmt {path} exited {r.returncode}\n{r.stderr}")
    return r.stdout


def comments(text):
    """Comment texts in order (a rough scan that skips strings)."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while j < len(text) and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = len(text) if j < 0 else j
            out.append(text[i:j].rstrip())
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = len(text) if j < 0 else j + 2
            out.append(text[i:j])
            i = j
        else:
            i += 1
    return out


LOCATION = re.compile(r"// from (\S+\.fnd):\d+")


def extra_args(path):
    """`// fndc-args: -I DIR` on the first line (tests/compiler/parse_ok): DIR relative to the file."""
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    m = re.match(r"//\s*fndc-args:(.*)", first)
    args = m.group(1).split() if m else []
    base = os.path.dirname(os.path.abspath(path))
    return [a if a.startswith("-") else os.path.join(base, a) for a in args]


def emitted(fndc, files, outdir, extra):
    r = run([fndc, "emit", "--target=cpp", "-o", outdir, "-I", os.path.dirname(files[0])] + extra + files)
    if r.returncode != 0:
        sys.exit(f"FAIL: fndc emit {' '.join(files)}\n{r.stderr}")
    result = {}
    for root, _, names in os.walk(outdir):
        for n in names:
            p = os.path.join(root, n)
            with open(p, encoding="utf-8", errors="replace") as f:
                result[os.path.relpath(p, outdir)] = LOCATION.sub(r"// from \1:LINE", f.read())
    return result


def corpus(fndc, path):
    once = fmt(fndc, path)
    with tempfile.TemporaryDirectory() as tmp:
        # The file's directory, formatted (imports resolve to siblings, as in tests/programs/imports).
        src_dir = os.path.dirname(os.path.abspath(path))
        fmt_dir = os.path.join(tmp, "src")
        os.mkdir(fmt_dir)
        for n in os.listdir(src_dir):
            if n.endswith(".fnd"):
                with open(os.path.join(fmt_dir, n), "w") as f:
                    f.write(fmt(fndc, os.path.join(src_dir, n)))
        twice = fmt(fndc, os.path.join(fmt_dir, os.path.basename(path)))
        if twice != once:
            sys.exit(f"FAIL: formatting {path} twice differs from once")
        with open(path, encoding="utf-8") as f:
            original = f.read()
        if comments(original) != comments(once):
            sys.exit(f"FAIL: {path}: comments changed")
        # Programs with `main` (and their imports) are emitted; modules without it are checked.
        name = os.path.basename(path)
        has_main = re.search(r"^\s*main\s", original, re.M) is not None
        if not has_main:
            extra = extra_args(path)
            r1 = run([fndc, "check"] + extra + [path])
            r2 = run([fndc, "check"] + extra + [os.path.join(fmt_dir, name)])
            if r1.returncode != r2.returncode:
                sys.exit(f"FAIL: {path}: check status {r1.returncode} became {r2.returncode}\n{r2.stderr}")
            print(f"ok: {path} (idempotent, comments kept, checks the same)")
            return
        extra = extra_args(path)
        a = emitted(fndc, [path], os.path.join(tmp, "a"), extra)
        b = emitted(fndc, [os.path.join(fmt_dir, name)], os.path.join(tmp, "b"), extra)
        if a.keys() != b.keys():
            sys.exit(f"FAIL: {path}: emitted files differ: {sorted(a)} vs {sorted(b)}")
        for k in a:
            if a[k] != b[k]:
                import difflib
                diff = "".join(difflib.unified_diff(a[k].splitlines(True), b[k].splitlines(True), k, k + " (formatted)"))
                sys.exit(f"FAIL: {path}: emitted {k} differs after formatting\n{diff[:4000]}")
        print(f"ok: {path} (idempotent, comments kept, {len(a)} emitted files identical)")


def golden(fndc, case, show):
    out = fmt(fndc, case)
    if show:
        sys.stdout.write(out)
        return
    expected_path = case[:-4] + ".expected"
    with open(expected_path, encoding="utf-8") as f:
        expected = f.read()
    if out != expected:
        import difflib
        diff = "".join(difflib.unified_diff(expected.splitlines(True), out.splitlines(True), expected_path, "fndc fmt"))
        sys.exit(f"FAIL: {case}\n{diff}\n(regenerate with tests/tools/fmt/update_goldens.sh and review the diff)")
    with open(case, encoding="utf-8") as f:
        if comments(f.read()) != comments(out):
            sys.exit(f"FAIL: {case}: comments changed")
    with tempfile.NamedTemporaryFile("w", suffix=".fnd", delete=False) as t:
        t.write(expected)
    try:
        if fmt(fndc, t.name) != expected:
            sys.exit(f"FAIL: {expected_path} is not a fixed point of fndc fmt")
    finally:
        os.unlink(t.name)
    print(f"ok: {case}")


def cli(fndc, cases):
    ugly = os.path.join(cases, "ugly_pingpong.fnd")
    with tempfile.TemporaryDirectory() as tmp:
        a = os.path.join(tmp, "a.fnd")
        b = os.path.join(tmp, "b.fnd")
        shutil.copy(ugly, a)
        with open(b, "w") as f:
            f.write(fmt(fndc, ugly))
        # --check: lists the files that would change, exit 1; silent and 0 when all are formatted.
        r = run([fndc, "fmt", "--check", a, b])
        assert r.returncode == 1 and r.stdout.split() == [a], (r.returncode, r.stdout, r.stderr)
        assert filecmp.cmp(a, ugly, shallow=False), "--check modified a file"
        r = run([fndc, "fmt", "--check", b])
        assert r.returncode == 0 and r.stdout == "", (r.returncode, r.stdout)
        # --write / -i rewrites in place; the second run changes nothing.
        r = run([fndc, "fmt", "--write", a])
        assert r.returncode == 0 and r.stdout == "", r.stderr
        assert filecmp.cmp(a, b, shallow=False), "--write did not produce the formatted text"
        shutil.copy(ugly, a)
        r = run([fndc, "fmt", "-i", a])
        assert r.returncode == 0 and filecmp.cmp(a, b, shallow=False)
        # Standard input.
        with open(ugly) as f:
            r = run([fndc, "fmt", "-"], stdin=f.read())
        with open(b) as f:
            assert r.returncode == 0 and r.stdout == f.read(), r.stderr
        # A file with a syntax error: diagnostics, exit 1, nothing printed, file untouched.
        bad = os.path.join(tmp, "bad.fnd")
        text = "module bad\n\nactor A {\n  on start { print(\"x\") print(\"y\") }\n}\n"
        with open(bad, "w") as f:
            f.write(text)
        for mode in ([], ["--write"], ["--check"]):
            r = run([fndc, "fmt"] + mode + [bad])
            assert r.returncode == 1, (mode, r.returncode)
            assert "bad.fnd:4:" in r.stderr and "[E0001]" in r.stderr, r.stderr
            assert r.stdout == "", r.stdout
            with open(bad) as f:
                assert f.read() == text, "a file with errors was modified"
        # Usage errors.
        r = run([fndc, "fmt", "--check", "--write", b])
        assert r.returncode == 2, r.returncode
        r = run([fndc, "fmt", os.path.join(tmp, "missing.fnd")])
        assert r.returncode == 1 and "E0014" in r.stderr, r.stderr
    print("ok: fmt command line")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    fndc, mode, arg = sys.argv[1:]
    if mode == "corpus":
        corpus(fndc, arg)
    elif mode in ("golden", "show"):
        golden(fndc, arg, mode == "show")
    elif mode == "cli":
        cli(fndc, arg)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
