"""A reference lexer for .fnd built from the lexer rules of grammar/Fnd.g4.

Each lexer rule is translated to a Python regex and the input is split ANTLR-style: at each position
the longest match wins, ties go to the rule defined first. The editor tests compare every editor's
highlighting with these tokens, so an editor that disagrees with the real grammar fails a test.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "editors", "keywords"))
import extract  # noqa: E402


class Token:
    __slots__ = ("type", "start", "end", "text")

    def __init__(self, type_, start, end, text):
        self.type, self.start, self.end, self.text = type_, start, end, text

    def __repr__(self):
        return "%s(%r)@%d" % (self.type, self.text, self.start)


def _unescape_char(s, i):
    """Reads one (possibly escaped) character of a literal or set at s[i]; returns (char, next)."""
    if s[i] == "\\":
        c = s[i + 1]
        if c == "u":
            return chr(int(s[i + 2:i + 6], 16)), i + 6
        return {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "b": "\b"}.get(c, c), i + 2
    return s[i], i + 1


def _set_items(tok):
    """[a-z\\n] -> Python class body."""
    body = tok[1:-1]
    out, i = [], 0
    while i < len(body):
        c, i = _unescape_char(body, i)
        if i < len(body) - 1 and body[i] == "-":
            d, i = _unescape_char(body, i + 1)
            out.append(re.escape(c) + "-" + re.escape(d))
        else:
            out.append(re.escape(c))
    return "".join(out)


def _lit_chars(tok):
    body, out, i = tok[1:-1], [], 0
    while i < len(body):
        c, i = _unescape_char(body, i)
        out.append(c)
    return "".join(out)


def _translate(body, fragments):
    """Token list of one lexer rule -> (regex, skip)."""
    out = []
    skip = False
    i = 0
    while i < len(body):
        kind, val = body[i]
        if (kind, val) == ("punct", "->"):
            cmds = [v for k, v in body[i + 1:] if k == "word"]
            skip = "skip" in cmds or "channel" in cmds
            break
        if (kind, val) == ("punct", "~"):
            kind2, val2 = body[i + 1]
            if kind2 == "set":
                out.append("[^" + _set_items(val2) + "]")
            elif kind2 == "lit":
                out.append("[^" + re.escape(_lit_chars(val2)) + "]")
            else:
                raise extract.GrammarError("unsupported ~ in lexer rule")
            i += 2
            continue
        if kind == "lit":
            out.append("(?:" + re.escape(_lit_chars(val)) + ")")
        elif kind == "set":
            out.append("[" + _set_items(val) + "]")
        elif kind == "word":
            if val not in fragments:
                raise extract.GrammarError("lexer rule refers to unknown rule " + val)
            out.append("(?:" + fragments[val] + ")")
        elif kind == "punct":
            if val == "(":
                out.append("(?:")
            elif val in ")|*+?":
                out.append(val)
            elif val == ".":
                out.append("[\\s\\S]")
            else:
                raise extract.GrammarError("unsupported %r in lexer rule" % val)
        i += 1
    return "".join(out), skip


class Lexer:
    def __init__(self, grammar_path=extract.GRAMMAR):
        with open(grammar_path, encoding="utf-8") as f:
            all_rules = extract.rules(f.read())
        fragments, self.rules = {}, []
        lexer_rules = [(n, frag, b) for n, frag, b in all_rules if n[0].isupper()]
        # Fragments may be used before they are defined: translate them first, in dependency order.
        pending = [(n, b) for n, frag, b in lexer_rules if frag]
        while pending:
            progress = False
            for n, b in list(pending):
                try:
                    fragments[n] = _translate(b, fragments)[0]
                    pending.remove((n, b))
                    progress = True
                except extract.GrammarError:
                    pass
            if not progress:
                raise extract.GrammarError("cannot translate fragments " + ", ".join(n for n, _ in pending))
        for n, frag, b in lexer_rules:
            if not frag:
                rx, skip = _translate(b, fragments)
                self.rules.append((n, re.compile(rx), skip))

    def tokens(self, text):
        """All tokens, including skipped ones (comments, whitespace)."""
        out, i = [], 0
        while i < len(text):
            best = None
            for name, rx, skip in self.rules:
                m = rx.match(text, i)
                if m and m.end() > i and (best is None or m.end() > best[1]):
                    best = (name, m.end())
            if best is None:
                raise extract.GrammarError("no lexer rule matches at offset %d" % i)
            out.append(Token(best[0], i, best[1], text[i:best[1]]))
            i = best[1]
        return out


def string_parts(body):
    """Splits the inside of a STRING token like the AST builder does.

    Yields (kind, start, end) with offsets into `body`; kinds: text, escape, bad_escape, brace,
    interpolation (the expression between the braces), open, close (the braces of an interpolation),
    empty_interpolation, unterminated_interpolation, stray_brace."""
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == "\\":
            e = body[i + 1] if i + 1 < n else ""
            yield ("escape" if e in "ntr0\\\"" and e else "bad_escape", i, min(i + 2, n))
            i += 2
        elif c == "{" and body.startswith("{{", i):
            yield ("brace", i, i + 2)
            i += 2
        elif c == "{":
            depth, j = 1, i + 1
            while j < n:
                if body[j] == "{":
                    depth += 1
                elif body[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                yield ("unterminated_interpolation", i, n)
                return
            if body[i + 1:j].strip(" \t") == "":
                yield ("empty_interpolation", i, j + 1)
            else:
                yield ("open", i, i + 1)
                yield ("interpolation", i + 1, j)
                yield ("close", j, j + 1)
            i = j + 1
        elif c == "}" and body.startswith("}}", i):
            yield ("brace", i, i + 2)
            i += 2
        elif c == "}":
            yield ("stray_brace", i, i + 1)
            i += 1
        else:
            yield ("text", i, i + 1)
            i += 1


if __name__ == "__main__":
    lx = Lexer()
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8", errors="replace") as f:
            for t in lx.tokens(f.read()):
                if t.type not in ("WS", "NL"):
                    print(t)
