#!/usr/bin/env python3
"""Checks an editor's highlighting of .fnd files against the reference lexer built from Fnd.g4.

    check_tokens.py --editor vscode|vim|emacs --dump DUMP.json FILE...

DUMP.json maps each file to one list per line of one label per character: for VS Code the
TextMate scopes, for Vim the syntax group stack, for Emacs the faces (each space-separated).
For every token of the reference lexer the check requires the label its class calls for
(keywords by class, numbers, strings with escapes and interpolations, comments, names) and that
exactly the lexical errors (invalid characters, unterminated strings, bad escapes, ...) are marked
as errors. Files that are not UTF-8 are skipped.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reflexer  # noqa: E402
import extract  # noqa: E402  (put on sys.path by reflexer)

KW_CLASSES = ["declaration", "member", "binding", "control", "action", "operator", "constant",
              "variable", "type", "other"]

# Per editor: the label (regex searched in a character's labels) each class of token requires.
EXPECT = {
    "vscode": {
        "role": r"\bvariable\.other\.role\.fnd",
        "handler-message": r"\bentity\.name\.type\.message\.fnd",
        "handler-event": r"\bentity\.name\.function\.event\.fnd",
        "declaration": r"\bkeyword\.declaration\.fnd",
        "member": r"\bstorage\.modifier\.fnd",
        "binding": r"\bstorage\.type\.fnd",
        "control": r"\bkeyword\.control\.fnd",
        "action": r"\bkeyword\.other\.action\.fnd",
        "operator": r"\bkeyword\.operator\.logical\.fnd",
        "constant": r"\bconstant\.language\.fnd",
        "variable": r"\bvariable\.language\.fnd",
        "type": r"\bsupport\.type\.primitive\.fnd",
        "other": r"\bkeyword\.other\.fnd",
        "builtin": r"\bsupport\.function\.builtin\.fnd",
        "name": r"\bentity\.name\.|\bvariable\.other\.(role|property|member|node)",
        "message-name": r"\bentity\.name\.type\.message\.fnd",
        "actor-name": r"\bentity\.name\.type\.actor\.fnd",
        "supervisor-name": r"\bentity\.name\.type\.supervisor\.fnd",
        "society-name": r"\bentity\.name\.type\.society\.fnd",
        "cluster-name": r"\bentity\.name\.type\.cluster\.fnd",
        "node-name": r"\bvariable\.other\.node\.fnd",
        "setting": r"\bvariable\.other\.property\.setting\.fnd",
        "number": r"\bconstant\.numeric\.",
        "string": r"\bstring\.quoted\.double\.fnd",
        "escape": r"\bconstant\.character\.escape\.",
        "interpolation-delim": r"\bpunctuation\.section\.interpolation\.",
        "interpolation": r"\bmeta\.interpolation\.fnd",
        "comment": r"\bcomment\.(line|block)\.",
        "error": r"\binvalid\.illegal\.",
        "forbidden-in-names": r"\b(keyword\.(declaration|control|other\.action|operator\.logical)|storage\."
                              r"|constant\.(language|numeric)|string\.|comment\.|support\.type)",
        "not-code": r"\b(string\.|comment\.)",
    },
    "vim": {
        "role": r"\bfnd(Role|MemberRole)\b",
        "handler-message": r"\bfndHandlerMessage\b",
        "handler-event": r"\bfndHandlerEvent\b",
        "declaration": r"\bfndDeclaration\b",
        "member": r"\bfnd(Member|ClusterWord)\b",
        "binding": r"\bfndBinding\b",
        "control": r"\bfndControl\b",
        "action": r"\bfndAction\b",
        "operator": r"\bfndOperatorWord\b",
        "constant": r"\bfndConstant\b",
        "variable": r"\bfndSelf\b",
        "type": r"\bfndPrimitive\b",
        "other": r"\bfndKeyword\b",
        "builtin": r"\bfndBuiltin\b",
        "name": r"\bfnd(Type|MessageLit|MessageName|ActorName|SupervisorName|SocietyName|TypeName"
                r"|HandlerMessage|Namespace|Role|MemberRole|Setting|ClusterName|NodeName|ClusterSetting)\b",
        "message-name": r"\bfndMessageName\b",
        "actor-name": r"\bfndActorName\b",
        "supervisor-name": r"\bfndSupervisorName\b",
        "society-name": r"\bfndSocietyName\b",
        "cluster-name": r"\bfndClusterName\b",
        "node-name": r"\bfndNodeName\b",
        "setting": r"\bfnd(Setting|ClusterSetting)\b",
        "number": r"\bfnd(Number|Float|Duration|Unit)\b",
        "string": r"\bfnd(String|Quote)\b",
        "escape": r"\bfnd(Escape|BraceEscape)\b",
        "interpolation-delim": r"\bfndInterpDelim\b",
        "interpolation": r"\bfndInterpolation\b",
        "comment": r"\bfnd(Comment|BlockComment|Todo)\b",
        "error": r"\bfnd(Error|Unterminated|BadEscape|StrayBrace|EmptyInterp)\b",
        "forbidden-in-names": r"\bfnd(Declaration|Member|ClusterWord|Binding|Control|Action|OperatorWord|Constant|Self"
                              r"|Primitive|Keyword|Number|Float|Duration|String|Quote|Comment|BlockComment)\b",
        "not-code": r"\bfnd(String|Quote|Comment|BlockComment)\b",
    },
    "emacs": {
        "role": r"\bfont-lock-variable-name-face\b",
        "handler-message": r"\bfont-lock-type-face\b",
        "handler-event": r"\bfont-lock-function-name-face\b",
        "declaration": r"\bfont-lock-keyword-face\b",
        "member": r"\bfont-lock-keyword-face\b",
        "binding": r"\bfont-lock-keyword-face\b",
        "control": r"\bfont-lock-keyword-face\b",
        "action": r"\bfont-lock-keyword-face\b",
        "operator": r"\bfont-lock-keyword-face\b",
        "constant": r"\bfont-lock-constant-face\b",
        "variable": r"\bfont-lock-builtin-face\b",
        "type": r"\bfont-lock-type-face\b",
        "other": r"\bfont-lock-keyword-face\b",
        "builtin": r"\bfont-lock-builtin-face\b",
        "name": r"\bfont-lock-(type|constant|variable-name|function-name)-face\b",
        "message-name": r"\bfont-lock-type-face\b",
        "actor-name": r"\bfont-lock-type-face\b",
        "supervisor-name": r"\bfont-lock-type-face\b",
        "society-name": r"\bfont-lock-type-face\b",
        "cluster-name": r"\bfont-lock-type-face\b",
        "node-name": r"\bfont-lock-variable-name-face\b",
        "setting": r"\bfont-lock-variable-name-face\b",
        "number": r"\bfnd-number-face\b",
        "string": r"\bfont-lock-string-face\b",
        "escape": r"\bfnd-escape-face\b",
        "interpolation-delim": r"\bfnd-interpolation-face\b",
        "interpolation": r"\bfnd-interpolation-face\b",
        "comment": r"\bfont-lock-comment(-delimiter)?-face\b",
        "error": r"\bfnd-error-face\b",
        "forbidden-in-names": r"\bfont-lock-(keyword|string|comment|comment-delimiter)-face\b|\bfnd-number-face\b",
        "not-code": r"\bfont-lock-(string|comment|comment-delimiter)-face\b",
    },
}

# Where those declarations are (None: top level; else the kind of the enclosing braces).
DECL_CONTEXT = {"message": None, "actor": None, "supervisor": None, "society": None, "cluster": None,
                "child": "supervisor", "on": "actor"}

# A capitalised name before `{` is a message literal unless one of these introduces it.
NAMING_KEYWORDS = {"KW_ACTOR", "KW_SUPERVISOR", "KW_SOCIETY", "KW_ON", "KW_MAIN", "KW_SPAWN",
                   "KW_MESSAGE", "KW_CHILD"}

# Emacs highlights an interpolation as a whole (no tokens inside it).
RECURSE_INTO_INTERPOLATIONS = {"vscode": True, "vim": True, "emacs": False}
# The name after these keywords is checked for the label of what it declares or names.
DECL_NAME = {"message": "message-name", "actor": "actor-name", "supervisor": "supervisor-name",
             "society": "society-name", "cluster": "cluster-name", "child": "role"}


class Checker:
    def __init__(self, editor):
        self.editor = editor
        self.expect = {k: (re.compile(v) if v else None) for k, v in EXPECT[editor].items()}
        data = extract.load()
        self.kw_class = {w: c for c in KW_CLASSES for w in data["classes"].get(c, [])}
        self.builtins = set(data["builtins"])
        self.after_dot = set(data["after_dot"])
        self.field_words = set(data["field_words"])
        # The words of a cluster body that the grammar does not reserve (compiler/ast/cluster_words.hpp).
        self.cluster_items = set(data["cluster"]["items"])
        self.cluster_declaring = set(data["cluster"]["declaring"])
        self.cluster_settings = set(data["cluster"]["settings"])
        self.lexer = reflexer.Lexer()
        self.failures = []

    def fail(self, where, text, what, labels):
        self.failures.append("%s: '%s': expected %s, got [%s]" % (where, text, what, labels))

    def check_span(self, ctx, start, end, want=None, forbid=None, forbid_error=True, what=""):
        """Checks each character of ctx.text[start:end] (stops at the first failure).

        Inside an interpolation only the labels after the innermost interpolation count (the
        string around it is part of every label there)."""
        for i in range(start, end):
            if ctx.text[i] in "\r\n":
                continue
            if ctx.unchecked(i):
                continue
            labels = ctx.label(i)
            if ctx.inside_interpolation and want != "interpolation":
                last = None
                for last in self.expect["interpolation"].finditer(labels):
                    pass
                if last is not None:
                    labels = labels[last.end():]
            if want is not None and not self.expect[want].search(labels):
                self.fail(ctx.where(i), ctx.text[start:end], what or want, labels)
                return
            if forbid is not None and self.expect[forbid].search(labels):
                self.fail(ctx.where(i), ctx.text[start:end], "no " + forbid, labels)
                return
            if forbid_error and want != "error" and self.expect["error"].search(labels):
                self.fail(ctx.where(i), ctx.text[start:end], "no error", labels)
                return

    def check_tokens(self, ctx, base, text, inside_interpolation=False):
        toks = []
        for t in self.lexer.tokens(text):
            if t.type in ("LINE_COMMENT", "BLOCK_COMMENT"):
                self.check_span(ctx, base + t.start, base + t.end, want="comment")
            elif t.type not in ("WS", "NL"):
                toks.append(t)
        blocks = []  # kinds of the open braces: society, members, other

        def line_start(tok):
            return text[text.rfind("\n", 0, tok.start) + 1:tok.start].strip() == ""

        def line_start_or_semi(i):
            return i >= 0 and (line_start(toks[i]) or (i > 0 and toks[i - 1].type == "SEMI"))
        for k, t in enumerate(toks):
            s, e = base + t.start, base + t.end
            prev = toks[k - 1] if k > 0 else None
            prev2 = toks[k - 2] if k > 1 else None
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            at_line_start = line_start(t)
            # A word or number glued to the number or word before it (`15sx`, `7ms27.5`, `1if`, `x.5m`):
            # lexically two tokens, but no editor can split them the lexer's way; not checked.
            wordish = ("INT", "FLOAT", "DURATION", "ID", "TYPE_NAME")
            glued = (prev is not None and prev.end == t.start
                     and (t.type in wordish or t.type.startswith("KW_"))
                     and (prev.type in wordish or prev.type.startswith("KW_")
                          or prev.type == "DOT" and t.type in ("INT", "FLOAT", "DURATION")))
            if not inside_interpolation:
                if t.type == "LBRACE":
                    if prev2 is not None and prev2.type == "KW_SOCIETY":
                        blocks.append("society")
                    elif prev2 is not None and prev2.type == "KW_CLUSTER":
                        blocks.append("cluster")
                    elif prev2 is not None and prev2.type in ("KW_ACTOR", "KW_SUPERVISOR"):
                        blocks.append(prev2.text)  # actor / supervisor bodies
                    elif prev2 is not None and prev2.type == "KW_MESSAGE":
                        blocks.append("fields")  # message Name { field: type, ... }
                    elif (prev is not None and prev.type == "TYPE_NAME"
                          and not (prev2 is not None and prev2.type in NAMING_KEYWORDS)):
                        blocks.append("fields")  # a message literal Name { field: value, ... }
                    elif (blocks and blocks[-1] == "society" and prev is not None
                          and prev.type in ("ID", "TYPE_NAME")
                          and text[text.rfind("\n", 0, prev.start) + 1:prev.start].strip() == ""):
                        blocks.append("members")
                    else:
                        blocks.append("other")
                elif t.type == "RBRACE" and blocks:
                    blocks.pop()
                elif (t.type == "ID" and at_line_start and blocks and blocks[-1] == "members"
                      and nxt is not None and nxt.type == "COLON"):
                    self.check_span(ctx, s, e, want="role", what="a role name (society members)")
            if inside_interpolation:
                ctx.inside_interpolation = False
                self.check_span(ctx, s, e, want="interpolation", what="inside an interpolation")
            ctx.inside_interpolation = inside_interpolation
            in_cluster = bool(blocks) and blocks[-1] == "cluster" and not inside_interpolation
            item_start = at_line_start or (prev is not None and prev.type == "SEMI")
            if in_cluster and t.type == "ID" and t.text in self.cluster_items and (
                    item_start or (nxt is not None and nxt.type == "LBRACK"
                                   and not (prev is not None and prev.type == "DOT"))):
                # `node a`, `place app.w on a`, `place app.s across [a, b]`: item words of a cluster.
                self.check_span(ctx, s, e, want="member", what="a cluster item word")
            elif (in_cluster and t.type == "ID" and prev is not None and prev.text in self.cluster_declaring
                  and line_start_or_semi(k - 1) and "\n" not in text[prev.end:t.start]):
                self.check_span(ctx, s, e, want="node-name", what="a cluster node's name")
                self.check_span(ctx, s, e, forbid="forbidden-in-names")
            elif (in_cluster and t.type == "ID" and t.text in self.cluster_settings and item_start
                  and nxt is not None and nxt.type == "COLON"):
                self.check_span(ctx, s, e, want="setting", what="a cluster setting")
            elif (t.type.startswith("KW_") and t.text in self.after_dot and prev is not None
                    and prev.type == "DOT" and "\n" not in text[prev.end:t.start]):
                # The grammar takes any word after a dot (`import std.log`): a name here.
                self.check_span(ctx, s, e, forbid="forbidden-in-names")
            elif (t.type.startswith("KW_") and t.text in self.field_words and blocks
                  and blocks[-1] == "fields" and prev is not None and prev.type in ("LBRACE", "COMMA")
                  and nxt is not None and nxt.type == "COLON" and not inside_interpolation):
                # A message field named by a keyword (`message M { from: ref }`): a name here.
                self.check_span(ctx, s, e, forbid="forbidden-in-names")
            elif glued:
                pass
            elif t.type in ("ID", "TYPE_NAME"):
                # The name a declaration keyword introduces, when the keyword starts its line and
                # the name follows on the same line (as in any real declaration).
                declares = (prev is not None and prev.type.startswith("KW_") and line_start(prev)
                            and "\n" not in text[prev.end:t.start] and not inside_interpolation
                            and (blocks[-1] if blocks else None) == DECL_CONTEXT.get(prev.text))
                if declares and prev.text in DECL_NAME:
                    self.check_span(ctx, s, e, want=DECL_NAME[prev.text])
                elif declares and prev.text == "on":
                    self.check_span(ctx, s, e, want="handler-message" if t.type == "TYPE_NAME"
                                    else "handler-event")
                elif t.text in self.builtins and nxt is not None and nxt.type == "LPAREN":
                    self.check_span(ctx, s, e, want="builtin")
                elif t.type == "TYPE_NAME" and self.expect["name"] is not None:
                    self.check_span(ctx, s, e, want="name")
                self.check_span(ctx, s, e, forbid="forbidden-in-names")
            elif t.type.startswith("KW_") or t.text in self.kw_class:
                self.check_span(ctx, s, e, want=self.kw_class.get(t.text, "other"),
                                what="keyword class '%s'" % self.kw_class.get(t.text, "other"))
            elif t.type in ("INT", "FLOAT", "DURATION"):
                self.check_span(ctx, s, e, want="number")
            elif t.type in ("BAD_CHAR", "UNTERMINATED_STRING"):
                self.check_span(ctx, s, e, want="error", what="an error mark (%s)" % t.type)
            elif t.type == "UNTERMINATED_COMMENT":
                pass  # editors cannot know a comment is unterminated when it starts
            elif t.type == "STRING":
                self.check_string(ctx, s, t.text)
            else:
                self.check_span(ctx, s, e, forbid="not-code")

    def check_string(self, ctx, s, text):
        self.check_span(ctx, s, s + 1, want="string")
        self.check_span(ctx, s + len(text) - 1, s + len(text), want="string")
        body = text[1:-1]
        b = s + 1
        for kind, ps, pe in reflexer.string_parts(body):
            if kind == "text":
                self.check_span(ctx, b + ps, b + pe, want="string")
            elif kind in ("escape", "brace"):
                self.check_span(ctx, b + ps, b + pe, want="escape")
            elif kind in ("bad_escape", "stray_brace", "empty_interpolation"):
                self.check_span(ctx, b + ps, b + pe, want="error", what="an error mark (%s)" % kind)
            elif kind in ("open", "close"):
                self.check_span(ctx, b + ps, b + pe, want="interpolation-delim")
            elif kind == "interpolation":
                if RECURSE_INTO_INTERPOLATIONS[self.editor]:
                    outer = ctx.inside_interpolation
                    self.check_tokens(ctx, b + ps, body[ps:pe], inside_interpolation=True)
                    ctx.inside_interpolation = outer
                else:
                    self.check_span(ctx, b + ps, b + pe, want="interpolation")
            # unterminated_interpolation: anything goes

    def check_file(self, path, lines_labels):
        try:
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
        except UnicodeDecodeError:
            return "skipped (not UTF-8)"
        ctx = Context(path, text, lines_labels)
        before = len(self.failures)
        self.check_tokens(ctx, 0, text)
        return "%d failure(s)" % (len(self.failures) - before)


class Context:
    def __init__(self, path, text, lines_labels):
        self.path, self.text = path, text
        self.pos = []  # offset -> (line, column)
        line = col = 0
        for c in text:
            self.pos.append((line, col))
            if c == "\n":
                line, col = line + 1, 0
            else:
                col += 1
        self.lines = lines_labels
        self.inside_interpolation = False

    def where(self, i):
        line, col = self.pos[i]
        return "%s:%d:%d" % (self.path, line + 1, col + 1)

    def unchecked(self, i):
        """The editor reported no labels for this character's line (e.g. a very long line)."""
        line = self.pos[i][0]
        return line < len(self.lines) and self.lines[line] is None

    def label(self, i):
        line, col = self.pos[i]
        try:
            return self.lines[line][col] or ""
        except (IndexError, TypeError):
            return ""


def vscode_labels(dump_lines, path):
    """Token ranges per line -> one label per character."""
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        lines = f.read().split("\n")
    out = []
    for li, tokens in enumerate(dump_lines):
        n = len(lines[li].rstrip("\r")) if li < len(lines) else 0
        labels = [""] * n
        for s, e, scopes in tokens:
            for c in range(s, min(e, n)):
                labels[c] = scopes
        out.append(labels)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--editor", required=True, choices=sorted(EXPECT))
    ap.add_argument("--dump", required=True)
    ap.add_argument("--max-failures", type=int, default=40)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    with open(args.dump, encoding="utf-8") as f:
        dump = json.load(f)
    checker = Checker(args.editor)
    for path in args.files:
        if path not in dump:
            checker.failures.append("%s: missing from the %s dump" % (path, args.editor))
            continue
        labels = dump[path]
        if args.editor == "vscode":
            labels = vscode_labels(labels, path)
        status = checker.check_file(path, labels)
        if status.startswith("skipped"):
            print("%s: %s" % (path, status))
    for line in checker.failures[:args.max_failures]:
        print(line)
    if len(checker.failures) > args.max_failures:
        print("... and %d more" % (len(checker.failures) - args.max_failures))
    print("%s: %d file(s), %d failure(s)" % (args.editor, len(args.files), len(checker.failures)))
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
