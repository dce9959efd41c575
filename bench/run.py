#!/usr/bin/env python3
"""Builds and runs the Savina benchmarks for every implementation and prints a Markdown table.

    python3 bench/run.py                      # configure + build build-bench/, 3 runs each, table
    python3 bench/run.py --runs 5 --write-doc # also put the table into docs/performance.md
    python3 bench/run.py --only ping_pong big --no-build

Each binary <prefix><workload> in <build>/bench-bin prints `RESULT <name> <checksum>` and
`TIME <name> <seconds>`; the runner takes the median time of --runs runs, the peak resident memory
of each run (wait4's ru_maxrss), and checks that every implementation reports the same checksum
(and the one expected for the default sizes). Standard library only.

Adding an implementation kind (say the .fnd versions) is one entry in IMPLEMENTATIONS plus CMake
code that builds `<prefix><workload>` into bench-bin: the table grows a time, ratio and memory
column for it.
"""

import argparse
import datetime
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Impl:
    key: str  # binary prefix without the underscore: <key>_<workload>
    label: str  # column heading
    cmake_args: list = field(default_factory=list)  # what the build needs to produce its binaries
    sources: str = None  # folder under bench/ whose presence (non-empty) enables this implementation
    compare_to: str = None  # key of another implementation it also gets a ratio column against

    def enabled(self):
        if self.sources is None:
            return True
        d = os.path.join(ROOT, "bench", self.sources)
        return os.path.isdir(d) and any(not n.startswith(".") for n in os.listdir(d))


# The first is the baseline every other is divided by.
IMPLEMENTATIONS = [
    Impl("caf", "CAF"),
    Impl("fnd", "fnd"),
    # The same workloads written in .fnd (bench/fnd/<workload>.fnd), built by fndc: appear once the
    # folder has sources; the build then includes the compiler.
    Impl("fndl", ".fnd", ["-DFND_BUILD_COMPILER=ON"], sources="fnd", compare_to="fnd"),
]

# Workloads in table order, with the checksum their default sizes must give (see bench/README.md).
WORKLOADS = [
    ("ping_pong", 1_000_000),
    ("counting", 5_000_000),
    ("fork_join_throughput", 196_590_936_567),
    ("fork_join_tree", 34_359_607_296),
    ("thread_ring", 5_000_000),
    ("chameneos", 400_000),
    ("big", 1_000_000),
    ("idle_actors", 100_000),
]

# Reported values that are measurements, not checksums.
METRICS = {"idle_actor_bytes"}

BEGIN_MARK = "<!-- bench-table:begin -->"
END_MARK = "<!-- bench-table:end -->"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def configure_and_build(build_dir, jobs, impls):
    """Release build of the whole project with benchmarks; falls back to bench/ alone (CAF only)."""
    args = [
        "-G", "Ninja",
        "-DCMAKE_BUILD_TYPE=Release",
        "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -g -DNDEBUG",  # -O2 as Debian builds CAF; -g for perf
        "-DFND_BUILD_BENCH=ON",
        "-DFND_BUILD_TESTS=OFF",
        "-DFND_BUILD_EXAMPLES=OFF",
    ]
    extra = [a for impl in impls for a in impl.cmake_args]
    if not any(a.startswith("-DFND_BUILD_COMPILER=") for a in extra):
        extra.append("-DFND_BUILD_COMPILER=OFF")
    attempts = [
        ("project", [ROOT, build_dir]),
        ("bench/ alone (CAF peers only)", [os.path.join(ROOT, "bench"), os.path.join(build_dir, "peers-only")]),
    ]
    for what, (src, bld) in attempts:
        log(f"== configure {what} in {bld}")
        r = subprocess.run(["cmake", "-S", src, "-B", bld] + args + extra,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            log(r.stdout[-3000:])
            log(f"configure of {what} failed")
            continue
        bin_dir = os.path.join(bld, "bench-bin")
        if os.path.isdir(bin_dir):  # no stale binary may stand in for one that no longer builds
            for name in os.listdir(bin_dir):  # (fndc's <bin>.fnd-build folders stay: its cache)
                path = os.path.join(bin_dir, name)
                if os.path.isfile(path):
                    os.remove(path)
        log(f"== build (-j{jobs})")
        r = subprocess.run(["cmake", "--build", bld, "--target", "fnd_bench", "-j", str(jobs)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            # A broken implementation must not hide the others: keep whatever linked.
            log(r.stdout[-1500:])
            log("build failed for some targets; running what was built")
            subprocess.run(["cmake", "--build", bld, "--target", "fnd_bench", "-j", str(jobs), "--", "-k", "0"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return bin_dir
    sys.exit("bench: could not configure any build")


def vm_hwm_kib(pid):
    """The high-water resident size of a running process, or 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_once(binary, args, timeout, env):
    """Runs one binary; returns (results, times, peak_kib, error).

    Peak memory: wait4's ru_maxrss is exact when the child outgrows this Python process, but
    Linux seeds it with the pre-exec image (a copy of this interpreter), so smaller children
    would all show Python's size. For them the runner uses VmHWM, polled every few milliseconds
    (it only grows, so at most the last poll interval is missed).
    """
    own_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryFile(mode="w+") as out:
        proc = subprocess.Popen([binary] + args, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        status, usage, error, polled_kib = None, None, None, 0
        while True:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                status, usage = st, ru
                break
            polled_kib = max(polled_kib, vm_hwm_kib(proc.pid))
            if time.monotonic() > deadline:
                proc.send_signal(signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                error = f"timeout {timeout:.0f}s"
                break
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen quiet
        peak_kib = usage.ru_maxrss if usage.ru_maxrss > own_kib else polled_kib
        out.seek(0)
        text = out.read()
    if error is None and proc.returncode != 0:
        error = f"exit {proc.returncode}"
    results, times = {}, {}
    for line in text.splitlines():
        m = re.match(r"^(RESULT|TIME)\s+(\S+)\s+(\S+)\s*$", line)
        if not m:
            continue
        if m.group(1) == "RESULT":
            results[m.group(2)] = int(m.group(3))
        else:
            times[m.group(2)] = float(m.group(3))
    if error:
        log(f"   {os.path.basename(binary)}: {error}; output tail:\n{text[-800:]}")
    return results, times, peak_kib, error


@dataclass
class Cell:
    time: float = None
    peak_mib: float = None
    checksum: int = None
    metrics: dict = field(default_factory=dict)
    error: str = None
    spread: tuple = None  # (fastest, slowest) run


def measure(bin_dir, impls, workload, runs, timeout, env):
    """Runs every implementation's binary `runs` times, interleaved (a, b, a, b, ...) so that load
    from elsewhere on a shared machine hits all of them alike. Returns {impl key: Cell or None}."""
    binaries = {i.key: os.path.join(bin_dir, f"{i.key}_{workload}") for i in impls}
    live = {k for k, b in binaries.items() if os.path.exists(b)}
    cells = {i.key: None for i in impls}
    samples = {k: {"times": [], "peaks": [], "checksums": set(), "metrics": {}} for k in live}
    for _ in range(runs):
        for key in sorted(live, key=lambda k: [i.key for i in impls].index(k)):
            results, t, peak_kib, error = run_once(binaries[key], [], timeout, env)
            if not error and (workload not in results or workload not in t):
                error = "no RESULT/TIME line"
            if error:
                cells[key] = Cell(error=error)
                live.discard(key)
                continue
            s = samples[key]
            s["checksums"].add(results[workload])
            s["times"].append(t[workload])
            s["peaks"].append(peak_kib / 1024.0)
            for k, v in results.items():
                if k in METRICS:
                    s["metrics"].setdefault(k, []).append(v)
    for key in live:
        s = samples[key]
        if len(s["checksums"]) != 1:
            cells[key] = Cell(error=f"checksum varies across runs: {sorted(s['checksums'])}")
            continue
        cells[key] = Cell(time=statistics.median(s["times"]), peak_mib=statistics.median(s["peaks"]),
                          checksum=next(iter(s["checksums"])),
                          metrics={k: statistics.median(v) for k, v in s["metrics"].items()},
                          spread=(min(s["times"]), max(s["times"])))
    return cells


def fmt_time(cell):
    if cell is None:
        return "—"
    if cell.error:
        return f"**{cell.error}**"
    if cell.spread and cell.spread[0] != cell.spread[1]:
        return f"{cell.time:.3f} ({cell.spread[0]:.3g}–{cell.spread[1]:.3g})"
    return f"{cell.time:.3f}"


def fmt_peak(cell):
    if cell is None or cell.error:
        return "—"
    return f"{cell.peak_mib:.1f}"


def fmt_ratio(cell, base):
    if cell is None or base is None or cell.error or base.error or not base.time:
        return "—"
    return f"{cell.time / base.time:.2f}"


def checksum_verdict(cells, expected):
    got = {k: c.checksum for k, c in cells.items() if c is not None and c.error is None}
    if not got:
        return "—"
    bad = {k: v for k, v in got.items() if v != expected}
    if not bad and len(set(got.values())) == 1:
        return f"yes ({expected})"
    return "**MISMATCH** " + ", ".join(f"{k}={v}" for k, v in got.items()) + f" (expected {expected})"


def build_table(impls, table, expected):
    base = impls[0]
    others = impls[1:]
    head = ["workload"]
    head += [f"{i.label} time s (range)" for i in others] + [f"{base.label} time s (range)"]
    head += [f"{i.label}/{base.label}" for i in others]
    keys = {i.key for i in impls}
    extra = [(i, next(j for j in impls if j.key == i.compare_to)) for i in others if i.compare_to in keys]
    head += [f"{i.label}/{j.label}" for i, j in extra]
    head += [f"{i.label} peak MiB" for i in others] + [f"{base.label} peak MiB"]
    head += ["checksum ok"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for workload, cells in table.items():
        row = [workload]
        row += [fmt_time(cells[i.key]) for i in others] + [fmt_time(cells[base.key])]
        row += [fmt_ratio(cells[i.key], cells[base.key]) for i in others]
        row += [fmt_ratio(cells[i.key], cells[j.key]) for i, j in extra]
        row += [fmt_peak(cells[i.key]) for i in others] + [fmt_peak(cells[base.key])]
        row.append(checksum_verdict(cells, expected[workload]))
        lines.append("| " + " | ".join(row) + " |")
    idle = table.get("idle_actors")
    if idle:
        parts = []
        for i in others + [base]:
            c = idle[i.key]
            v = c.metrics.get("idle_actor_bytes") if c is not None and c.error is None else None
            parts.append(f"{i.label} {v:.0f} B" if v is not None else f"{i.label} —")
        lines.append("")
        lines.append("Idle event-driven actor (resident memory per actor, 100,000 actors): " + ", ".join(parts) + ".")
    return "\n".join(lines)


def machine_line(runs, threads):
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"Measured {when} at commit {commit} on {os.cpu_count()} CPUs ({cpu}), "
            f"{threads} scheduler threads, median of {runs} interleaved runs; load average before: {load}.")


def write_doc(path, block):
    text = open(path).read() if os.path.exists(path) else "# Performance\n\n"
    if BEGIN_MARK in text and END_MARK in text:
        pre, rest = text.split(BEGIN_MARK, 1)
        _, post = rest.split(END_MARK, 1)
        text = pre + BEGIN_MARK + "\n" + block + "\n" + END_MARK + post
    else:
        text = text.rstrip("\n") + "\n\n" + BEGIN_MARK + "\n" + block + "\n" + END_MARK + "\n"
    with open(path, "w") as f:
        f.write(text)
    log(f"== wrote the table into {path}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3, help="runs per binary; the median is reported")
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    p.add_argument("--jobs", type=int, default=2, help="parallel compile jobs")
    p.add_argument("--no-build", action="store_true", help="use the binaries already built")
    p.add_argument("--only", nargs="+", metavar="WORKLOAD", help="run these workloads only")
    p.add_argument("--impl", nargs="+", metavar="KEY", help="implementations to run (keys: "
                   + ", ".join(i.key for i in IMPLEMENTATIONS) + "); the first listed in the script is the baseline")
    p.add_argument("--threads", type=int, default=2, help="scheduler threads (FND_BENCH_THREADS)")
    p.add_argument("--timeout", type=float, default=300, help="seconds per run before it counts as hung")
    p.add_argument("--write-doc", action="store_true", help="replace the table in docs/performance.md")
    a = p.parse_args()

    impls = [i for i in IMPLEMENTATIONS
             if i is IMPLEMENTATIONS[0] or (i.enabled() and (a.impl is None or i.key in a.impl))]
    workloads = [(w, e) for w, e in WORKLOADS if a.only is None or w in a.only]
    if a.no_build:
        bin_dir = os.path.join(a.build_dir, "bench-bin")
        if not os.path.isdir(bin_dir):
            bin_dir = os.path.join(a.build_dir, "peers-only", "bench-bin")
    else:
        bin_dir = configure_and_build(a.build_dir, a.jobs, impls)

    env = dict(os.environ, FND_BENCH_THREADS=str(a.threads))
    header = machine_line(a.runs, a.threads)
    table, expected = {}, {}
    for workload, exp in workloads:
        expected[workload] = exp
        log(f"== {workload}")
        table[workload] = measure(bin_dir, impls, workload, a.runs, a.timeout, env)
        for key, cell in table[workload].items():
            if cell is not None and cell.error is None:
                log(f"   {key}: {cell.time:.3f} s ({cell.spread[0]:.3f}-{cell.spread[1]:.3f}), "
                    f"{cell.peak_mib:.1f} MiB, checksum {cell.checksum}")

    block = header + "\n\n" + build_table(impls, table, expected)
    print(block)
    if a.write_doc:
        write_doc(os.path.join(ROOT, "docs", "performance.md"), block)

    bad = any(c is not None and (c.error or c.checksum != expected[w])
              for w, cells in table.items() for c in cells.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
