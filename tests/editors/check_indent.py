#!/usr/bin/env python3
"""Checks an editor's re-indentation (whole buffer) of .fnd files.

    check_indent.py --editor NAME --dump DUMP.json [--strict GLOB ...] FILE...

DUMP.json maps each file to its lines after the editor re-indented the whole buffer. Lines whose
indentation the block structure fixes (see line_contexts) must keep it: code in this repository is
written two spaces per block, as the editors indent it. Files matching a --strict glob must come out unchanged, every line.
"""
import argparse
import fnmatch
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflexer  # noqa: E402

OPEN = {"LBRACE": "{", "LPAREN": "(", "LBRACK": "["}
CLOSE = {"RBRACE", "RPAREN", "RBRACK"}
# Emacs's parser tracks at most 100 nested brackets; deeper files (nesting-limit tests) are free.
MAX_DEPTH = 100


def line_contexts(lexer, text):
    """For each line: True if its indentation is fixed by the block structure, else False.

    Fixed: top-level lines and lines whose innermost open bracket is a `{` that ends its line (a
    block, or a literal written one entry per line). Free: continuations of `(...)`, `[...]` and of
    a `{` with more on its line (alignment is a matter of style), lines in block comments, and every
    line of a file whose brackets do not balance (a syntax-error test) or nest deeper than MAX_DEPTH."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    toks = lexer.tokens(text)
    ctx = [True] * len(starts)
    stack = []  # (bracket, ends its line)
    li = 0
    for k, t in enumerate(toks + [reflexer.Token("EOF", len(text), len(text), "")]):
        while li < len(starts) and starts[li] <= t.start:
            ctx[li] = (stack[-1] == ("{", True)) if stack else True
            li += 1
        while li < len(starts) and starts[li] < t.end:  # lines inside a multi-line token
            ctx[li] = False
            li += 1
        if t.type in OPEN:
            if len(stack) >= MAX_DEPTH:
                return [False] * len(starts)
            rest = [u for u in toks[k + 1:] if u.type not in ("WS", "LINE_COMMENT", "BLOCK_COMMENT")]
            stack.append((OPEN[t.type], not rest or rest[0].type == "NL"))
        elif t.type in CLOSE:
            if not stack:
                return [False] * len(starts)
            stack.pop()
    if stack:
        return [False] * len(starts)
    return ctx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--editor", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--strict", action="append", default=[])
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    with open(args.dump, encoding="utf-8") as f:
        dump = json.load(f)
    lexer = reflexer.Lexer()
    failures = []
    strict_files = 0
    for path in args.files:
        try:
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
        except UnicodeDecodeError:
            continue
        got = dump.get(path)
        if got is None:
            failures.append("%s: missing from the %s dump" % (path, args.editor))
            continue
        want = text.split("\n")
        if want and want[-1] == "":
            want.pop()
        want = [w.rstrip("\r") for w in want]
        strict = any(fnmatch.fnmatch(path, g) for g in args.strict)
        strict_files += strict
        contexts = line_contexts(lexer, text)
        if len(got) != len(want):
            failures.append("%s: %d lines after indenting, %d before" % (path, len(got), len(want)))
            continue
        for i, (w, g) in enumerate(zip(want, got)):
            if w == g or not w.strip():
                continue
            if strict or contexts[i]:
                failures.append("%s:%d: %s indents\n    %r\n  as\n    %r" % (path, i + 1, args.editor, w, g))
    if args.strict and not strict_files:
        failures.append("no file matches --strict %s" % " ".join(args.strict))
    for f in failures[:30]:
        print(f)
    if len(failures) > 30:
        print("... and %d more" % (len(failures) - 30))
    print("%s indent: %d file(s), %d failure(s)" % (args.editor, len(args.files), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
