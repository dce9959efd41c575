#!/usr/bin/env python3
"""Every VS Code snippet, expanded with each combination of its choices, parses: `fndc check`
reports no lexical or syntax diagnostic (E00xx: syntax, characters, strings, settings, handlers).
Names the snippet leaves as placeholders (`Other`, `Worker`) may be unknown: sema errors are fine.

    check_snippets.py --fndc PATH/TO/fndc
"""
import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SNIPPETS = os.path.join(ROOT, "editors", "vscode", "snippets", "fnd.json")
CHOICE = re.compile(r"\$\{(\d+)\|([^}]*)\|\}")
# Snippets that are not top-level declarations, and what to wrap them in.
WRAP = {"on": "actor Wrapper {\n%s\n}\n"}


def expansions(body):
    """All expansions of a snippet body: one per combination of its ${n|a,b|} choices."""
    text = "\n".join(body) if isinstance(body, list) else body
    choices = CHOICE.findall(text)
    for combo in itertools.product(*[c[1].split(",") for c in choices]) if choices else [()]:
        t = text
        for (num, _), pick in zip(choices, combo):
            t = t.replace("${%s|%s|}" % (num, dict(choices)[num]), pick, 1)
        t = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", t)
        t = re.sub(r"\$\{\d+\}|\$\d+", "", t)
        yield t.replace("\t", "  "), combo


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fndc", required=True)
    args = ap.parse_args()
    with open(SNIPPETS, encoding="utf-8") as f:
        snippets = json.load(f)
    failures, checked = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, snip in sorted(snippets.items()):
            for text, combo in expansions(snip["body"]):
                src = "module snippet_%s\n\n%s\n" % (name, WRAP.get(snip["prefix"], "%s") % text)
                path = os.path.join(tmp, "snippet_%s.fnd" % name)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(src)
                r = subprocess.run([args.fndc, "check", "--diagnostics=json", path],
                                   capture_output=True, text=True)
                try:
                    diags = json.loads(r.stdout)["diagnostics"]
                except (ValueError, KeyError):
                    failures.append("%s %s: fndc gave no JSON (exit %d): %s" % (name, combo, r.returncode, r.stderr.strip()))
                    continue
                checked += 1
                for d in diags:
                    if re.fullmatch(r"E00\d\d", d.get("code", "")):
                        failures.append("snippet %r %s: %s %s at line %s of\n%s" % (
                            name, list(combo), d["code"], d["message"], d.get("location", {}).get("line"), src))
    for f in failures:
        print("FAIL: " + f)
    print("snippets: %d expansion(s) checked, %d failure(s)" % (checked, len(failures)))
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
