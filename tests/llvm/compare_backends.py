#!/usr/bin/env python3
"""Side-by-side measurement of the two back ends on bench/fnd (issue #4's benchmark targets).

    compare_backends.py FNDC SOURCE_ROOT WORKDIR [--runs N] [--threads T] [--only NAME]

For every bench/fnd/*.fnd: times `fndc build --target=cpp` and `fndc build --target=llvm -O2`
(wall clock, one build each into a fresh directory), then runs both binaries N times interleaved
(default 5, `--threads T`, default 2) and reads their `TIME <name> <seconds>` lines. Prints a
Markdown table: median seconds of each, the ratio llvm/cpp of the medians (<= 1.0 meets the
target), the median of the per-round ratios (each llvm run over the cpp run beside it, which
cancels slow drifts of a shared machine) with a 95% bootstrap interval for it, and the build
times, with the load average before and after. Not a test: no thresholds; the numbers go to
docs/performance.md.
"""
import os
import random
import statistics
import subprocess
import sys
import time


def build(fndc, target, src, out):
    args = [fndc, "build", "--target=" + target, src, "-o", out]
    if target == "llvm":
        args.insert(3, "-O2")
    t0 = time.monotonic()
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit("build failed: " + " ".join(args) + "\n" + r.stdout)
    return time.monotonic() - t0


def run(binary, threads):
    r = subprocess.run([binary, "--threads", str(threads)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True, timeout=300)
    for line in r.stdout.splitlines():
        if line.startswith("TIME "):
            return float(line.split()[2])
    sys.exit(binary + ": no TIME line (exit %d)" % r.returncode)


def paired_ratio(cpp, llvm, resamples=2000):
    """Median of the per-round ratios llvm[i] / cpp[i] and a 95% bootstrap interval for it."""
    ratios = [l / c for c, l in zip(cpp, llvm)]
    rng = random.Random(4)  # fixed: the same times give the same interval
    meds = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(resamples))
    return statistics.median(ratios), meds[int(0.025 * resamples)], meds[int(0.975 * resamples) - 1]


def main():
    argv = sys.argv[1:]
    opt = lambda name, default: argv[argv.index(name) + 1] if name in argv else default
    runs, threads, only = int(opt("--runs", "5")), int(opt("--threads", "2")), opt("--only", None)
    fndc, root, work = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or not argv[i - 1].startswith("--"))][:3]
    bench = os.path.join(root, "bench", "fnd")
    names = sorted(f[:-4] for f in os.listdir(bench) if f.endswith(".fnd") and (not only or f[:-4] == only))
    load0 = os.getloadavg()
    rows = []
    for name in names:
        src = os.path.join(bench, name + ".fnd")
        bins, builds = {}, {}
        for target in ("cpp", "llvm"):
            d = os.path.join(work, name + "." + target)
            os.makedirs(d, exist_ok=True)
            bins[target] = os.path.join(d, name)
            builds[target] = build(fndc, target, src, bins[target])
        times = {"cpp": [], "llvm": []}
        for _ in range(runs):
            for target in ("cpp", "llvm"):
                times[target].append(run(bins[target], threads))
        c, l = statistics.median(times["cpp"]), statistics.median(times["llvm"])
        pr, lo, hi = paired_ratio(times["cpp"], times["llvm"])
        rows.append((name, c, min(times["cpp"]), max(times["cpp"]), l, min(times["llvm"]), max(times["llvm"]),
                     l / c, pr, lo, hi, builds["cpp"], builds["llvm"]))
    load1 = os.getloadavg()
    print("load average before %.1f %.1f %.1f, after %.1f %.1f %.1f; %d runs, --threads %d" % (*load0, *load1, runs, threads))
    print()
    print("| workload | cpp s (range) | llvm -O2 s (range) | llvm/cpp | paired (95%) | build cpp s | build llvm s |")
    print("|---|---|---|---|---|---|---|")
    for n, c, cl, ch, l, ll, lh, ratio, pr, lo, hi, bc, bl in rows:
        print("| %s | %.3f (%.3f–%.3f) | %.3f (%.3f–%.3f) | %.2f | %.2f (%.2f–%.2f) | %.1f | %.1f |"
              % (n, c, cl, ch, l, ll, lh, ratio, pr, lo, hi, bc, bl))


if __name__ == "__main__":
    main()
