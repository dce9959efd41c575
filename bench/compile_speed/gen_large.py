#!/usr/bin/env python3
"""Generates a valid .fnd program of about N lines (default 20000) for the `fndc check` benchmark.

Usage: gen_large.py [LINES] > big.fnd
Every form of the handler language appears, so the benchmark exercises the whole front end.
"""
import sys

def main():
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    out = ["module bench_large", ""]
    i = 0
    while len(out) < target - 12:
        out += [
            f"message Req{i} {{ id: int, name: string, tags: list<string>, weights: map<string, float> }}",
            f"message Resp{i} {{ id: int, ok: bool }}",
            "",
            f"actor Worker{i} {{",
            "  param limit: int = 10",
            f"  param peer: ref<Worker{i}>",
            "  state count: int = 0",
            "  state names: list<string> = []",
            "  state totals: map<string, int> = {}",
            "  mailbox: bounded(1000, drop_oldest)",
            "",
            "  on start {",
            "    count = 0",
            f"    send peer Req{i} {{ id: 1, name: \"first\", tags: [\"a\", \"b\"], weights: {{ \"x\": 1.5 }} }}",
            "  }",
            f"  on Req{i}(r) {{",
            "    count = count + 1",
            "    names.push(r.name)",
            "    totals[r.name] = totals.get(r.name, 0) + r.id * 2 - 1",
            "    var acc = 0.0",
            "    for k, w in r.weights { acc = acc + w }",
            "    for j in 0..limit {",
            "      if j % 2 == 0 and not (j > 7) { continue } else if j == 9 { break }",
            "    }",
            "    let msg = \"got {r.name} #{count} acc={acc}\"",
            "    if count >= limit { log info msg } else { emit worker.seen(count, r.id) }",
            f"    reply Resp{i} {{ id: r.id, ok: count < limit }}",
            "  }",
            f"  on Resp{i}(r) {{",
            "    if not r.ok { print(\"done {r.id}\"); stop }",
            f"    send sender Req{i} {{ id: r.id + 1, name: string(r.id), tags: [], weights: {{}} }}",
            "  }",
            "  every 250ms { emit worker.tick(count) }",
            "}",
            "",
        ]
        i += 1
    out += ["supervisor app {", "  strategy: one_for_one", "  intensity: 5 per 10s"]
    for j in range(min(i, 3)):
        out.append(f"  child w{j}: Worker{j}(peer: w{j})")
    out += ["}", "", "main app"]
    sys.stdout.write("\n".join(out) + "\n")

main()
