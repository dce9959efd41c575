#!/usr/bin/env python3
"""Checks of the VS Code extension that need the compiler:

- every snippet, expanded with each combination of its choices, parses: `fndc check` reports no
  lexical or syntax diagnostic (E00xx: syntax, characters, strings, settings, handlers). Names the
  snippet leaves as placeholders (`Other`, `Worker`) may be unknown: sema errors are fine;
- the `fndc` problem matcher (package.json) reads every diagnostic `fndc check` prints for the
  files of tests/compiler/diagnostics/: line, column, severity and code.

    check_fndc.py --fndc PATH/TO/fndc
"""
import argparse
import glob
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
    print("snippets: %d expansion(s) checked" % checked)
    if not checked:
        failures.append("no snippet was checked")
    failures += check_problem_matcher(args.fndc)
    for f in failures:
        print("FAIL: " + f)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


def check_problem_matcher(fndc):
    with open(os.path.join(ROOT, "editors", "vscode", "package.json"), encoding="utf-8") as f:
        matchers = {m["name"]: m for m in json.load(f)["contributes"].get("problemMatchers", [])}
    if "fndc" not in matchers:
        return ["package.json: no `fndc` problem matcher"]
    pat = matchers["fndc"]["pattern"]
    rx = re.compile(pat["regexp"])
    failures, seen = [], 0
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "compiler", "diagnostics", "*.fnd")))
    for path in files:
        text = subprocess.run([fndc, "check", path], capture_output=True, text=True, errors="replace")
        js = subprocess.run([fndc, "check", "--diagnostics=json", path], capture_output=True, text=True,
                            errors="replace")
        try:
            diags = json.loads(js.stdout)["diagnostics"]
        except (ValueError, KeyError):
            continue  # nothing to compare with
        got = []
        for line in (text.stdout + text.stderr).splitlines():
            m = rx.match(line)
            if m:
                got.append((int(m.group(pat["line"])), int(m.group(pat["column"])),
                            m.group(pat["severity"]), m.group(pat["code"])))
        want = [(d["location"]["line"], d["location"]["column"], d["severity"], d["code"])
                for d in diags if d.get("location")]
        missing = [w for w in want if w not in got]
        if missing:
            failures.append("problem matcher misses %s in the output of `fndc check %s`"
                            % (missing, os.path.relpath(path, ROOT)))
        seen += len(got)
    print("problem matcher: %d diagnostic(s) read from %d file(s)" % (seen, len(files)))
    if files and not seen:
        failures.append("the problem matcher read no diagnostic at all")
    return failures


if __name__ == "__main__":
    sys.exit(main())
