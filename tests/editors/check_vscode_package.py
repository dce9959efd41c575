#!/usr/bin/env python3
"""Checks the VS Code extension's manifest: what it contributes exists and agrees with itself,
the snippets are valid and start with keywords of grammar/Fnd.g4, and the fields vsce needs are set."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflexer  # noqa: E402
import extract  # noqa: E402

EXT = os.path.join(reflexer.ROOT, "editors", "vscode")
errors = []


def load(rel):
    try:
        with open(os.path.join(EXT, rel), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        errors.append("%s: %s" % (rel, e))
        return {}


pkg = load("package.json")
for field in ("name", "publisher", "version", "engines", "displayName", "description", "contributes"):
    if field not in pkg:
        errors.append("package.json: missing %r (vsce needs it)" % field)
if "vscode" not in pkg.get("engines", {}):
    errors.append("package.json: engines.vscode is missing")
contributes = pkg.get("contributes", {})
langs = {l.get("id"): l for l in contributes.get("languages", [])}
if "fnd" not in langs or ".fnd" not in langs["fnd"].get("extensions", []):
    errors.append("package.json: no `fnd` language for .fnd files")
for g in contributes.get("grammars", []):
    grammar = load(g["path"])
    if grammar.get("scopeName") != g.get("scopeName"):
        errors.append("%s: scopeName %r != package.json's %r" % (g["path"], grammar.get("scopeName"), g.get("scopeName")))
    if g.get("language") not in langs:
        errors.append("package.json: grammar for unknown language %r" % g.get("language"))
for l in langs.values():
    conf = load(l["configuration"]) if "configuration" in l else {}
    if conf.get("comments", {}).get("lineComment") != "//":
        errors.append("language-configuration.json: lineComment must be //")
    for key in ("brackets", "autoClosingPairs", "surroundingPairs", "indentationRules", "folding"):
        if key not in conf:
            errors.append("language-configuration.json: missing %r" % key)
    for key in ("increaseIndentPattern", "decreaseIndentPattern", "indentNextLinePattern"):
        try:
            re.compile(conf.get("indentationRules", {}).get(key, ""))
        except re.error as e:
            errors.append("language-configuration.json: %s: %s" % (key, e))

data = extract.load()
keywords = set(data["keywords"])
# The word pattern (double-click selection) takes a duration with its unit: units from Fnd.g4.
for l in langs.values():
    conf = load(l["configuration"]) if "configuration" in l else {}
    wp = conf.get("wordPattern", "")
    try:
        word = re.compile(wp)
    except re.error as e:
        errors.append("language-configuration.json: wordPattern: %s" % e)
        continue
    for unit in data["duration_units"]:
        if not (word.fullmatch("10" + unit) and word.fullmatch("1_000" + unit)):
            errors.append("language-configuration.json: wordPattern does not take the duration `10%s`" % unit)
    for w in ("actor", "Ping", "_x1", "42", "1.5"):
        if not word.fullmatch(w):
            errors.append("language-configuration.json: wordPattern does not take `%s`" % w)
required = {"message", "actor", "supervisor", "society"}
seen = set()
for s in contributes.get("snippets", []):
    for name, snip in load(s["path"]).items():
        body = snip.get("body")
        if not snip.get("prefix") or not body:
            errors.append("%s: snippet %r needs a prefix and a body" % (s["path"], name))
            continue
        first = (body if isinstance(body, str) else body[0]).split()[0]
        if first not in keywords:
            errors.append("%s: snippet %r starts with %r, not a keyword of grammar/Fnd.g4" % (s["path"], name, first))
        seen.add(first)
for kw in sorted(required - seen):
    errors.append("snippets: no snippet for `%s`" % kw)
# A `cluster` snippet is only meaningful once the grammar has the keyword.
if "cluster" in keywords and "cluster" not in seen:
    errors.append("snippets: grammar/Fnd.g4 has `cluster` but there is no snippet for it")

for e in errors:
    print("FAIL: " + e)
print("package: %d problem(s)" % len(errors))
sys.exit(1 if errors else 0)
