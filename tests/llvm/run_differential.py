#!/usr/bin/env python3
"""Differential test of the two back ends (issue #4).

    run_differential.py FNDC SOURCE_ROOT WORKDIR EXPECTED_UNSUPPORTED [--update] [--only NAME]

Builds every program folder under tests/programs/, every example folder under examples/ and every
bench/fnd/*.fnd with `--target=cpp` and with `--target=llvm`, runs both binaries (same arguments,
60 s timeout) and requires identical stdout and exit status. Benchmark lines starting with `TIME `
(wall-clock) are not compared.

A program with a `cluster` declaration (docs/language.md section 16) also runs as a cluster: one
process per declared node (`--node N`, every node's `--addr` on free loopback ports, started in
declaration order 300 ms apart), once with both back ends' binaries alone and once mixed (the first
node built by --target=llvm, the others by --target=cpp: the two back ends' nodes talk); each node's
stdout and exit status must match the all-cpp run's.

A case whose LLVM build reports E0601 (a construct --target=llvm does not lower yet) is
"unsupported". EXPECTED_UNSUPPORTED lists those cases, one name per line (`#` comments): the test
fails when a listed case now works (remove it from the list: progress) or an unlisted case is
unsupported (a regression), so the list is always the exact state of the back end. Any other
failure (an LLVM build error other than E0601, a crash, different output) always fails.
--update rewrites the list from this run.

A case that passes has its binaries and generated sources deleted (disk: CI builds both back ends of
every case); a failing case keeps them in WORKDIR/NAME, and FND_KEEP_TEST_BUILDS=1 keeps them all.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compiler", "cluster"))
from loopback_ports import free_ports  # noqa: E402


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


def cluster_nodes(fnd_file):
    """The node names of the program's cluster declaration, in order; [] without one."""
    with open(fnd_file) as f:
        text = f.read()
    m = re.search(r"^cluster\s+\w+\s*\{(.*?)^\}", text, re.S | re.M)
    return re.findall(r"^\s*node\s+(\w+)", m.group(1), re.M) if m else []


def run_cluster(binaries, nodes, args):
    """Runs node i from binaries[i]; returns [(status, stdout)] per node."""
    addrs = ",".join(f"{n}=tcp://127.0.0.1:{p}" for n, p in zip(nodes, free_ports(len(nodes))))
    procs = []
    for i, (binary, node) in enumerate(zip(binaries, nodes)):
        if i:
            time.sleep(0.3)
        procs.append(subprocess.Popen([binary, "--node", node, "--addr", addrs, *args], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    out = []
    for p in procs:
        try:
            o, _ = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            o, _ = p.communicate()
            o += "<timed out>\n"
        out.append((p.returncode, o))
    return out


def compare_cluster(name, d, main_fnd, args):
    """Failures of the cluster runs (see the module comment), or []."""
    nodes = cluster_nodes(main_fnd)
    if not nodes:
        return []
    cpp, llvm = os.path.join(d, "cpp"), os.path.join(d, "llvm")
    want = run_cluster([cpp] * len(nodes), nodes, args)
    fails = []
    for label, binaries in (("llvm", [llvm] * len(nodes)), ("llvm+cpp", [llvm] + [cpp] * (len(nodes) - 1))):
        got = run_cluster(binaries, nodes, args)
        for node, w, g in zip(nodes, want, got):
            if w != g:
                fails.append(f"{name}: as a cluster ({label}), node {node} differs\n--- cpp (exit {w[0]})\n{w[1]}"
                             f"--- {label} (exit {g[0]})\n{g[1]}")
    return fails


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
        cluster_failures = compare_cluster(name, d, inputs[0], args)
        if cluster_failures:
            failures.extend(cluster_failures)
            continue
        passed.append(name)
        if not os.environ.get("FND_KEEP_TEST_BUILDS"):
            shutil.rmtree(d, ignore_errors=True)
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
