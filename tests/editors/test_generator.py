#!/usr/bin/env python3
"""Self-test of editors/keywords: on modified copies of grammar/Fnd.g4, a new keyword reaches every
editor with the class its use in the parser rules implies, a keyword the templates rely on cannot
disappear silently, and the reference lexer follows lexer-rule changes."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflexer  # noqa: E402
import extract  # noqa: E402
import generate  # noqa: E402

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL: " + msg)


with open(extract.GRAMMAR, encoding="utf-8") as f:
    GRAMMAR = f.read()


def with_grammar(text):
    """Runs extract and generate on a temporary grammar; returns (data, outputs) or the error."""
    fd, path = tempfile.mkstemp(suffix=".g4")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    saved = extract.GRAMMAR
    try:
        data = extract.load(path)
        loader = extract.load
        extract.load = lambda *a, **k: loader(path)
        try:
            return data, generate.generate(), path
        finally:
            extract.load = loader
    except (extract.GrammarError, generate.TemplateError) as e:
        return e, None, path
    finally:
        extract.GRAMMAR = saved


# 1. The real grammar: every keyword is classified and appears in every generated file.
data, outputs, p = with_grammar(GRAMMAR)
os.unlink(p)
check(not isinstance(data, Exception), "the real grammar does not extract: %s" % data)
check(not data["unclassified"], "unclassified keywords: %s" % data["unclassified"])
for rel, text in outputs.items():
    for kw in data["keywords"]:
        check(re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % kw, text), "%s lacks keyword %s" % (rel, kw))

# 2. A new statement keyword and a new declaration keyword, used in parser rules. The new rules are
# added without touching existing ones (extract.py reads every rule of a name; ANTLR is not run),
# and the lexer rules go before the first lexer rule so that they win over ID like real keywords.
first_lexer_rule = re.search(r"^[A-Z][A-Za-z0-9_]*\s*:", GRAMMAR, re.M)
check(first_lexer_rule is not None, "test setup: no lexer rule in the grammar")
i = first_lexer_rule.start()
g = (GRAMMAR[:i] + "stmt : KW_YIELD expr # yieldStmt ;\ntopDecl : KW_PROTOCOL name LBRACE RBRACE # protocolDecl ;\n"
     + "KW_YIELD : 'yield';\nKW_PROTOCOL : 'protocol';\n" + GRAMMAR[i:])
data, outputs, p = with_grammar(g)
check(not isinstance(data, Exception), "modified grammar does not extract: %s" % data)
if not isinstance(data, Exception):
    check("yield" in data["classes"]["control"], "`yield` (a stmt) is not a control keyword: %s" % data["classes"])
    check("protocol" in data["classes"]["declaration"], "`protocol` (a topDecl) is not a declaration keyword")
    tm = outputs["editors/vscode/syntaxes/fnd.tmLanguage.json"]
    check(re.search(r'"match": "[^"]*\(\?:[^"]*\bprotocol\b[^"]*\)[^"]*", "name": "keyword\.declaration\.fnd"', tm),
          "TextMate grammar: `protocol` not in the declaration keywords")
    check(re.search(r"syn keyword fndControl .*\byield\b", outputs["editors/vim/syntax/fnd.vim"]),
          "Vim syntax: `yield` not in fndControl")
    check('"yield"' in outputs["editors/emacs/fnd-mode.el"], "Emacs mode: `yield` missing")
    lx = reflexer.Lexer(p)
    toks = [t.type for t in lx.tokens("protocol yield yields") if t.type != "WS"]
    check(toks == ["KW_PROTOCOL", "KW_YIELD", "ID"], "reference lexer on new keywords: %s" % toks)
os.unlink(p)

# 3. A keyword the templates name (`actor`) renamed in the grammar: generation must refuse.
g, n = re.subn(r"(\bKW_ACTOR\s*:\s*)'actor'", r"\1'process'", GRAMMAR)
check(n == 1, "test setup: KW_ACTOR rule not found")
err, outputs, p = with_grammar(g)
os.unlink(p)
check(isinstance(err, generate.TemplateError) and "actor" in str(err),
      "renaming `actor` did not stop generation: %r" % (err,))

# 4. Lexer rule changes reach the reference lexer (a new duration unit) and the generated grammars.
g, n = re.subn(r"(\bDURATION\s*:[^;]*?)'ms'", r"\1'us' | 'ms'", GRAMMAR, count=1)
check(n == 1, "test setup: DURATION rule with 'ms' not found")
data, outputs, p = with_grammar(g)
if not isinstance(data, Exception):
    lx = reflexer.Lexer(p)
    toks = [t.type for t in lx.tokens("5us") if t.type != "WS"]
    check(toks == ["DURATION"], "reference lexer: 5us is %s" % toks)
    check(re.search(r"\((?:\w+\|)*us(?:\|\w+)*\)", outputs["editors/vscode/syntaxes/fnd.tmLanguage.json"]),
          "TextMate grammar: durations do not follow the DURATION rule")
else:
    check(False, "grammar with a new unit does not extract: %s" % data)
os.unlink(p)

print("generator self-test: %d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
