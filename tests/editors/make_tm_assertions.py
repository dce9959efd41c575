#!/usr/bin/env python3
"""Writes a vscode-tmgrammar-test case for each .fnd file: the file itself, with a scope assertion
after each line for every token on it, derived from the reference lexer built from Fnd.g4
(keywords by class, numbers, comments, string starts, lexical errors; no error scope elsewhere;
in a `cluster` body, its item words, node names and settings, which compiler/ast/cluster_words.hpp
lists because the grammar does not reserve them).

    make_tm_assertions.py OUTDIR FILE...     (prints the test files written)

So vscode-tmgrammar-test itself runs over every example; check_tokens.py checks the same files in
more depth (string contents, interpolations, names)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflexer  # noqa: E402
import extract  # noqa: E402

CLASS_SCOPE = {
    "declaration": "keyword.declaration.fnd", "member": "storage.modifier.fnd",
    "binding": "storage.type.fnd", "control": "keyword.control.fnd",
    "action": "keyword.other.action.fnd", "operator": "keyword.operator.logical.fnd",
    "constant": "constant.language.fnd", "variable": "variable.language.fnd",
    "type": "support.type.primitive.fnd", "other": "keyword.other.fnd",
}
ERRORS = ["invalid.illegal.character.fnd", "invalid.illegal.unterminated-string.fnd",
          "invalid.illegal.unknown-escape.fnd", "invalid.illegal.empty-interpolation.fnd",
          "invalid.illegal.stray-brace.fnd"]
MAX_LINE = 1000
ASSERTION_LIKE = re.compile(r"^//\s*(\^|<~*-)")  # longer lines (limit tests) get no assertions


def scope_for(t, kw_class, after_dot=False):
    if after_dot:
        return None  # a keyword right after `.` is a plain word (`import std.log`)
    if t.type.startswith("KW_") and t.text in kw_class:
        return CLASS_SCOPE[kw_class[t.text]]
    if t.type == "INT":
        return "constant.numeric.hex.fnd" if t.text.startswith("0x") else "constant.numeric.integer.fnd"
    if t.type == "FLOAT":
        return "constant.numeric.float.fnd"
    if t.type == "DURATION":
        return "constant.numeric.duration.fnd"
    if t.type == "LINE_COMMENT":
        return "comment.line.double-slash.fnd"
    if t.type == "BAD_CHAR":
        return "invalid.illegal.character.fnd"
    if t.type == "UNTERMINATED_STRING":
        return "invalid.illegal.unterminated-string.fnd"
    return None


def cluster_scopes(code, data, line):
    """{id(token): scope} for the words of `cluster NAME { ... }` bodies: the cluster's name, the item
    words where an item starts (line start or after `;`) and `across` before `[`, the name after
    `node`, and setting names before `:`."""
    items, declaring = set(data["cluster"]["items"]), set(data["cluster"]["declaring"])
    settings = set(data["cluster"]["settings"])
    out, blocks = {}, []
    for k, t in enumerate(code):
        prev = code[k - 1] if k > 0 else None
        prev2 = code[k - 2] if k > 1 else None
        nxt = code[k + 1] if k + 1 < len(code) else None
        if t.type == "LBRACE":
            blocks.append("cluster" if prev2 is not None and prev2.type == "KW_CLUSTER" else "other")
        elif t.type == "RBRACE" and blocks:
            blocks.pop()
        elif prev is not None and prev.type == "KW_CLUSTER" and t.type == "ID":
            out[id(t)] = "entity.name.type.cluster.fnd"
        elif blocks and blocks[-1] == "cluster" and t.type == "ID":
            item_start = prev is None or prev.type in ("SEMI", "LBRACE") or line(prev) < line(t)
            if t.text in items and (item_start or (nxt is not None and nxt.type == "LBRACK" and prev.type != "DOT")):
                out[id(t)] = "storage.modifier.fnd"
            elif t.text in settings and item_start and nxt is not None and nxt.type == "COLON":
                out[id(t)] = "variable.other.property.setting.fnd"
            elif (prev is not None and prev.text in declaring and line(prev) == line(t) and id(prev) in out
                  and out[id(prev)] == "storage.modifier.fnd"):
                out[id(t)] = "variable.other.node.fnd"
    return out


def assertion(col, length, scope):
    body = ("%s" % scope) if scope else "- " + " ".join(ERRORS)
    return "// <%s%s %s" % ("~" * col, "-" * length, body)


def main(outdir, files):
    data = extract.load()
    kw_class = {w: c for c, ws in data["classes"].items() for w in ws}
    after_dot_words = set(data["after_dot"])
    field_words = set(data["field_words"])
    lexer = reflexer.Lexer()
    os.makedirs(outdir, exist_ok=True)
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except UnicodeDecodeError:
            continue
        lines = text.split("\n")
        starts, off = [], 0
        for l in lines:
            starts.append(off)
            off += len(l) + 1
        per_line = {}
        li = 0
        prev = None
        all_tokens = lexer.tokens(text)
        code = [t for t in all_tokens if t.type not in ("WS", "NL", "LINE_COMMENT", "BLOCK_COMMENT")]
        following = {id(a): b for a, b in zip(code, code[1:])}
        in_cluster = cluster_scopes(code, data, lambda t: text.count("\n", 0, t.start))
        for t in all_tokens:
            if t.type in ("WS", "NL") or "\n" in t.text:
                continue
            word_after_dot = (prev is not None and prev.type == "DOT" and t.text in after_dot_words
                              and "\n" not in text[prev.end:t.start])
            # `{ from: x }`: maybe a message field named by a keyword (check_tokens.py knows the context)
            nxt = following.get(id(t))
            maybe_field = (t.text in field_words and prev is not None and prev.type in ("LBRACE", "COMMA")
                           and nxt is not None and nxt.type == "COLON")
            word_after_dot = word_after_dot or maybe_field
            prev = t if t.type not in ("LINE_COMMENT", "BLOCK_COMMENT") else prev
            while li + 1 < len(starts) and starts[li + 1] <= t.start:
                li += 1
            if len(lines[li]) > MAX_LINE:
                continue
            if t.type == "STRING":
                per_line.setdefault(li, []).append(
                    assertion(t.start - starts[li], 1, "string.quoted.double.fnd punctuation.definition.string.begin.fnd"))
                continue
            if t.type in ("BLOCK_COMMENT", "UNTERMINATED_COMMENT"):
                continue
            scope = in_cluster.get(id(t)) or scope_for(t, kw_class, word_after_dot)
            per_line.setdefault(li, []).append(assertion(t.start - starts[li], len(t.text), scope))
        out = ['// SYNTAX TEST "source.fnd" "%s (assertions generated from grammar/Fnd.g4)"' % path]
        for i, l in enumerate(lines):
            if ASSERTION_LIKE.match(l):
                out.append("//")  # a comment the tool would read as an assertion
                continue
            out.append(l)
            out.extend(per_line.get(i, []))
        name = os.path.join(outdir, path.replace("/", "__") + ".test.fnd")
        with open(name, "w", encoding="utf-8") as f:
            f.write("\n".join(out))
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
