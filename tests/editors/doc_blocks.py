#!/usr/bin/env python3
"""Writes the code blocks of docs/*.md that are untagged or tagged `fnd` to OUTDIR, one .fnd file
each (named <doc>.L<line>.fnd after the block's first line), and prints their paths.

The editor tests check their highlighting against the reference lexer too: whatever the docs show
as .fnd code must highlight the way the compiler reads it."""
import glob
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    for doc in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
        with open(doc, encoding="utf-8") as f:
            lines = f.read().split("\n")
        i = 0
        while i < len(lines):
            m = re.match(r"^(\s*)```(\w*)\s*$", lines[i])
            if not m:
                i += 1
                continue
            j = i + 1
            while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
                j += 1
            if m.group(2) in ("", "fnd"):
                indent = len(m.group(1))
                body = "\n".join(l[indent:] if l[:indent].strip() == "" else l for l in lines[i + 1:j])
                path = os.path.join(outdir, "%s.L%d.fnd" % (os.path.basename(doc), i + 2))
                with open(path, "w", encoding="utf-8") as f:
                    f.write(body + "\n")
                print(path)
            i = j + 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
