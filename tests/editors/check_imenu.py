#!/usr/bin/env python3
"""Checks Emacs's imenu index: for each file, exactly the names declared by `message`, `actor`,
`supervisor`, `society` and `cluster` at the start of a line (by the reference lexer), in any order.

    check_imenu.py --dump DUMP.json FILE..."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflexer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", required=True)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    with open(args.dump, encoding="utf-8") as f:
        dump = json.load(f)
    lexer = reflexer.Lexer()
    failures = 0
    for path in args.files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except UnicodeDecodeError:
            continue
        toks = [t for t in lexer.tokens(text) if t.type not in ("WS", "NL", "LINE_COMMENT", "BLOCK_COMMENT")]
        want = sorted(b.text for a, b in zip(toks, toks[1:])
                      if a.type in ("KW_MESSAGE", "KW_ACTOR", "KW_SUPERVISOR", "KW_SOCIETY", "KW_CLUSTER")
                      and b.type in ("ID", "TYPE_NAME")
                      and text[text.rfind("\n", 0, a.start) + 1:a.start].strip() in ("", "extern"))
        got = sorted(dump.get(path, []))
        if got != want:
            failures += 1
            print("%s: imenu lists %s, the file declares %s" % (path, got, want))
    print("emacs imenu: %d file(s), %d failure(s)" % (len(args.files), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
