#!/usr/bin/env python3
"""Reads grammar/Fnd.g4 and returns the word lists every editor mode is generated from.

The grammar is the single source of truth: a keyword is any lexer rule whose whole body is one
literal word (`KW_ACTOR : 'actor';`), and its class (declaration, type, control, ...) is decided by
where the parser rules use it (see CLASSES). Built-in function names come from the compiler's table
in compiler/sema/expr_checker.cpp, the only place that defines them. The words of a `cluster` body
that the grammar does not reserve (`node`, `place`, `across`, the setting names) come from the
compiler's table in compiler/ast/cluster_words.hpp, which the AST builder checks them with.

    python3 editors/keywords/extract.py            # prints the lists as JSON
    python3 editors/keywords/extract.py --check    # also fails if a keyword has no class

The module is also imported by generate.py and by the editor tests (load(), lexer_rules()).
"""
import json
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GRAMMAR = os.path.join(ROOT, "grammar", "Fnd.g4")
BUILTINS_SOURCE = os.path.join(ROOT, "compiler", "sema", "expr_checker.cpp")
CLUSTER_WORDS_SOURCE = os.path.join(ROOT, "compiler", "ast", "cluster_words.hpp")

# Keyword classes, in priority order: a keyword gets the first class whose test matches one of the
# places (parser rule, alternative label, alternative) where the grammar uses it.
#   rule  - the parser rule's name        label - the `# label` of the alternative (or None)
#   only_keywords - the alternative consists of keyword tokens only (e.g. `KW_TRUE | KW_FALSE`)
CLASSES = [
    ("type",        lambda rule, label, only_keywords: rule in ("typeExpr", "convType")),
    ("constant",    lambda rule, label, only_keywords: rule == "primary" and only_keywords
                                                        and (label or "").endswith("Lit")),
    ("variable",    lambda rule, label, only_keywords: rule == "primary" and only_keywords),
    ("operator",    lambda rule, label, only_keywords: rule == "expr"),
    ("declaration", lambda rule, label, only_keywords: rule in ("program", "moduleDecl", "topDecl")),
    ("member",      lambda rule, label, only_keywords: rule in ("actorItem", "supervisorItem",
                                                                 "societyItem", "memberDecl")),
    ("binding",     lambda rule, label, only_keywords: label == "letStmt"),
    ("action",      lambda rule, label, only_keywords: label in (
        "sendStmt", "replyStmt", "broadcastStmt", "publishStmt", "subscribeStmt", "emitStmt",
        "logStmt", "spawnExpr")),
    ("control",     lambda rule, label, only_keywords: rule == "stmt"),
]
CLASS_NAMES = [name for name, _ in CLASSES] + ["other"]


class GrammarError(Exception):
    pass


def tokenize(text):
    """Splits an ANTLR grammar into (kind, text) tokens, dropping comments and whitespace.

    kinds: lit ('...'), set ([...]), word, action ({...}), punct."""
    toks = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise GrammarError("unterminated comment in grammar")
            i = j + 2
        elif c in "'[":
            close = "'" if c == "'" else "]"
            j = i + 1
            while j < n and text[j] != close:
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise GrammarError("unterminated %s in grammar" % ("literal" if c == "'" else "set"))
            toks.append(("lit" if c == "'" else "set", text[i:j + 1]))
            i = j + 1
        elif c == "{":
            depth, j = 0, i
            while j < n:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            toks.append(("action", text[i:j + 1]))
            i = j + 1
        elif c.isalnum() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            toks.append(("word", text[i:j]))
            i = j
        elif text.startswith("->", i):
            toks.append(("punct", "->"))
            i += 2
        else:
            toks.append(("punct", c))
            i += 1
    return toks


def rules(text):
    """Returns [(name, is_fragment, [tokens of the body])] in file order."""
    toks = tokenize(text)
    out = []
    i = 0
    while i < len(toks):
        kind, val = toks[i]
        # Grammar-level statements: `grammar X;`, `options {...}`, `tokens {...}`, `channels {...}`,
        # `import X;`, `mode X;` (rules after a mode are read like the others), `@header {...}`.
        if (kind == "word" and val in ("grammar", "lexer", "parser", "options", "import", "tokens",
                                       "channels", "mode")) or (kind, val) == ("punct", "@"):
            while i < len(toks) and toks[i] != ("punct", ";") and toks[i][0] != "action":
                i += 1
            i += 1
            continue
        fragment = False
        if (kind, val) == ("word", "fragment"):
            fragment = True
            i += 1
            kind, val = toks[i]
        if kind != "word" or i + 1 >= len(toks) or toks[i + 1] != ("punct", ":"):
            raise GrammarError("cannot read the grammar near %r" % (val,))
        j = i + 2
        depth = 0
        while j < len(toks) and not (depth == 0 and toks[j] == ("punct", ";")):
            depth += {"(": 1, ")": -1}.get(toks[j][1], 0) if toks[j][0] == "punct" else 0
            j += 1
        out.append((val, fragment, toks[i + 2:j]))
        i = j + 1
    return out


def alternatives(body):
    """Splits a parser rule body at top-level `|`; yields (label, tokens)."""
    alts, cur, depth = [], [], 0
    for t in body:
        if t[0] == "punct" and t[1] in "()":
            depth += 1 if t[1] == "(" else -1
        if depth == 0 and t == ("punct", "|"):
            alts.append(cur)
            cur = []
        else:
            cur.append(t)
    alts.append(cur)
    for alt in alts:
        label = None
        if len(alt) >= 2 and alt[-2] == ("punct", "#"):
            label, alt = alt[-1][1], alt[:-2]
        yield label, alt


def unquote(lit):
    body = lit[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), body)


def cluster_words(path=CLUSTER_WORDS_SOURCE):
    """The cluster body's words from compiler/ast/cluster_words.hpp: `kName = "word";` and
    `kName = {"a", "b"};` definitions, grouped as items (node, place, across: the words that start or
    shape an item), settings (the setting names) and values (the security values)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    defs = {}
    for name, body in re.findall(r'\bk(\w+)\s*=\s*(\{[^}]*\}|"[^"]*")\s*;', text):
        defs[name] = re.findall(r'"([^"]*)"', body)
    need = ["Node", "Place", "Across", "Security", "SecurityValues", "DurationSettings", "CountSettings"]
    missing = [n for n in need if not defs.get(n)]
    if missing:
        raise GrammarError("%s: no definition of %s" % (path, ", ".join("k" + n for n in missing)))
    return {
        "items": sorted(defs["Node"] + defs["Place"] + defs["Across"]),
        "settings": sorted(defs["Security"] + defs["DurationSettings"] + defs["CountSettings"]),
        "values": sorted(defs["SecurityValues"]),
        "declaring": sorted(defs["Node"]),  # the item word followed by the name it declares
    }


def load(grammar_path=GRAMMAR, builtins_path=BUILTINS_SOURCE, cluster_path=CLUSTER_WORDS_SOURCE):
    with open(grammar_path, encoding="utf-8") as f:
        all_rules = rules(f.read())
    lexer = [(n, frag, b) for n, frag, b in all_rules if n[0].isupper()]
    parser = [(n, b) for n, frag, b in all_rules if n[0].islower()]

    keywords = {}  # token name -> word
    for name, frag, body in lexer:
        if not frag and len(body) == 1 and body[0][0] == "lit":
            word = unquote(body[0][1])
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word):
                keywords[name] = word
    if not keywords:
        raise GrammarError("no keyword rules found in " + grammar_path)

    uses = {tok: [] for tok in keywords}
    for rule, body in parser:
        for label, alt in alternatives(body):
            words = [v for k, v in alt if k == "word"]
            only_kw = bool(words) and all(w in keywords for w in words)
            for w in words:
                if w in uses:
                    uses[w].append((rule, label, only_kw))

    classes = {c: [] for c in CLASS_NAMES}
    unclassified = []
    for tok, word in keywords.items():
        cls = next((name for name, test in CLASSES if any(test(*u) for u in uses[tok])), None)
        if cls is None:
            unclassified.append(word)
            cls = "other"
        classes[cls].append(word)
    for c in classes:
        classes[c].sort()

    # Keywords the parser accepts as plain words right after a `.` (`DOT anyWord` in dottedName:
    # `import std.log`, `emit app.state.size(n)`): editors show them as names there.
    rule_bodies = dict(parser)
    after_dot = set()
    for rule, body in parser:
        for a, b in zip(body, body[1:]):
            if a == ("word", "DOT") and b[0] == "word" and b[1] in rule_bodies:
                after_dot |= {keywords[v] for k, v in rule_bodies[b[1]] if k == "word" and v in keywords}

    # Keywords that are plain names before a `:` in some rule (`anyWord COLON typeExpr` in fieldDecl,
    # `anyWord COLON expr` in fieldInit): message field names such as `from` or `state`.
    field_words = set()
    for rule, body in parser:
        for a, b in zip(body, body[1:]):
            if a[0] == "word" and a[1] in rule_bodies and b == ("word", "COLON"):
                field_words |= {keywords[v] for k, v in rule_bodies[a[1]] if k == "word" and v in keywords}

    lex = {name: body for name, frag, body in lexer}
    units = []
    if "DURATION" in lex:
        units = [unquote(v) for k, v in lex["DURATION"] if k == "lit"]
    if not units:
        raise GrammarError("DURATION rule with unit literals not found in " + grammar_path)

    builtins = []
    if os.path.exists(builtins_path):
        with open(builtins_path, encoding="utf-8") as f:
            builtins = sorted(set(re.findall(r'\{"([a-z_][a-z0-9_]*)",\s*\{Builtin::', f.read())))
        if not builtins:
            raise GrammarError("no built-in function table ({\"name\", {Builtin::...}}) in " + builtins_path)

    return {
        "keywords": sorted(keywords.values()),
        "classes": classes,
        "unclassified": sorted(unclassified),
        "builtins": builtins,
        "duration_units": sorted(units, key=lambda u: (-len(u), u)),  # longest first for regexes
        "after_dot": sorted(after_dot),
        "field_words": sorted(field_words),
        "cluster": cluster_words(cluster_path),
    }


def main(argv):
    try:
        data = load()
    except (OSError, GrammarError) as e:
        print("extract.py: %s" % e, file=sys.stderr)
        return 1
    json.dump(data, sys.stdout, indent=2)
    print()
    if "--check" in argv and data["unclassified"]:
        print("extract.py: keywords with no class (extend CLASSES): %s" % ", ".join(data["unclassified"]),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
