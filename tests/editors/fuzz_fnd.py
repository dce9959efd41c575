#!/usr/bin/env python3
"""Writes COUNT random .fnd files to OUTDIR (deterministic for a SEED) and prints their paths.

Not programs: lines of random tokens (every keyword of Fnd.g4, names, numbers and durations,
strings with escapes and interpolations, unterminated strings, comments, operators, characters the
lexer rejects), glued or spaced. The token check then compares each editor with the reference
lexer on them, which finds divergences no hand-written example would show.

    fuzz_fnd.py OUTDIR [SEED [COUNT]]
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "editors", "keywords"))
import extract  # noqa: E402

NAMES = ["x", "foo", "Ping", "Worker", "a_b", "_z", "x1", "ms", "s", "per", "members", "gateway", "start"]
PUNCT = ["(", ")", "{", "}", "[", "]", ",", ":", ";", ".", "..", "->", "==", "!=", "<=", ">=", "<", ">",
         "=", "+", "-", "*", "/", "%"]
BAD = ["@", "#", "$", "!", "&", "|", "\\", "?", "`", "'", "\u00e9"]


def main(outdir, seed=1, count=20):
    data = extract.load()
    kws, units = data["keywords"], data["duration_units"]
    rnd = random.Random(seed)

    def number():
        r = rnd.random()
        if r < 0.3:
            return str(rnd.randint(0, 999))
        if r < 0.5:
            return "%d%s" % (rnd.randint(1, 99), rnd.choice(units))
        if r < 0.6:
            return "0x%X" % rnd.randint(0, 4095)
        if r < 0.8:
            return "%d.%d" % (rnd.randint(0, 99), rnd.randint(0, 99))
        return "%de%d" % (rnd.randint(1, 9), rnd.randint(1, 9))

    def string():
        parts = []
        for _ in range(rnd.randint(0, 4)):
            r = rnd.random()
            if r < 0.3:
                parts.append(rnd.choice(["abc", " ", "x y", "// no", "/* no"]))
            elif r < 0.45:
                parts.append(rnd.choice(["\\n", "\\t", '\\"', "\\\\", "\\0", "\\q"]))
            elif r < 0.6:
                parts.append(rnd.choice(["{{", "}}"]))
            elif r < 0.8:
                parts.append("{" + rnd.choice(["x", "a.b", "f(1)", "x + 1", "self", "not ok", "xs[0]",
                                                "Ping { n: 1 }", "{1}"]) + "}")
            else:
                parts.append(rnd.choice(["{}", "}", "{ }"]))
        return '"' + "".join(parts) + ('"' if rnd.random() < 0.93 else "")

    def token():
        r = rnd.random()
        if r < 0.3:
            return rnd.choice(kws)
        if r < 0.5:
            return rnd.choice(NAMES)
        if r < 0.6:
            return number()
        if r < 0.72:
            return string()
        if r < 0.95:
            return rnd.choice(PUNCT)
        return rnd.choice(BAD)

    os.makedirs(outdir, exist_ok=True)
    for n in range(count):
        lines = []
        for _ in range(30):
            toks = [token() for _ in range(rnd.randint(0, 8))]
            line = rnd.choice([" ", "  ", ""]).join(toks) if rnd.random() < 0.5 else " ".join(toks)
            if rnd.random() < 0.1:
                line += " // comment " + rnd.choice(kws)
            if rnd.random() < 0.03:
                line += " /* block " + rnd.choice(["*/ x", "still"])
            lines.append("  " * rnd.randint(0, 3) + line)
        path = os.path.join(outdir, "fuzz%02d.fnd" % n)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(path)
    return 0


if __name__ == "__main__":
    a = sys.argv[1:]
    sys.exit(main(a[0], int(a[1]) if len(a) > 1 else 1, int(a[2]) if len(a) > 2 else 20))
