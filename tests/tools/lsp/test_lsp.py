#!/usr/bin/env python3
"""Speaks JSON-RPC (LSP framing) to `fndc lsp` and checks each feature on real files.

  test_lsp.py FNDC REPO_ROOT

Checks: initialize/shutdown/exit; publishDiagnostics on open/change/close with the same codes and
ranges as `fndc check --diagnostics=json` (every golden diagnostics test that needs no options);
imports across files, including an unsaved open document overriding its file; hover; definition;
completion (keywords, names in scope, fields after `p.`, methods after `xs.`); hierarchical
document symbols; malformed JSON, a broken frame, an unknown method and bad params get JSON-RPC
errors and the server keeps working. Stdlib only (no pip packages).
"""
import json
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse


class Client:
    def __init__(self, fndc):
        self.proc = subprocess.Popen([fndc, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.msgs = queue.Queue()
        self.notes = []
        self.next_id = 0
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.msgs.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.decode().partition(":")
                headers[k.strip().lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            self.msgs.put(json.loads(body))

    def raw(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, obj):
        body = json.dumps(obj).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def next(self, timeout=20):
        m = self.msgs.get(timeout=timeout)
        if m is None:
            raise AssertionError("the server closed its output; stderr: " + self.proc.stderr.read().decode())
        return m

    def request(self, method, params=None):
        self.next_id += 1
        rid = self.next_id
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.response(rid)

    def response(self, rid):
        while True:
            m = self.next()
            if "method" in m and "id" not in m:
                self.notes.append(m)
                continue
            assert m.get("id") == rid, f"expected the response to {rid}, got {m}"
            return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri):
        """Waits for the next publishDiagnostics for uri (earlier ones in notes are consumed)."""
        while True:
            for i, n in enumerate(self.notes):
                if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri:
                    del self.notes[: i + 1]
                    return n["params"]["diagnostics"]
            m = self.next()
            assert "id" not in m, f"unexpected response {m}"
            self.notes.append(m)


def uri(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


def pos(text, needle, nth=0, offset=0):
    """LSP position of the nth occurrence of needle (plus offset characters)."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += offset
    line = text.count("\n", 0, i)
    col = i - (text.rfind("\n", 0, i) + 1)
    return {"line": line, "character": col}


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what)


def open_doc(c, path, text=None):
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(path), "languageId": "fnd", "version": 1, "text": text}})
    return text


def close_doc(c, path):
    c.notify("textDocument/didClose", {"textDocument": {"uri": uri(path)}})
    # Publications from before the close may still be queued; the last one clears the list.
    for _ in range(5):
        if c.diagnostics(uri(path)) == []:
            return
    raise AssertionError(f"closing {path} did not clear its diagnostics")


def fndc_json(fndc, path):
    r = subprocess.run([fndc, "check", "--diagnostics=json", "--error-limit", "0", path], capture_output=True, text=True)
    return json.loads(r.stdout)["diagnostics"]


def test_diagnostics_match_check(c, fndc, root):
    d = os.path.join(root, "tests/compiler/diagnostics")
    n = 0
    for name in sorted(os.listdir(d)):
        if not name.endswith(".fnd"):
            continue
        path = os.path.join(d, name)
        with open(path, "rb") as f:
            raw = f.read()
        if b"fndc-args" in raw.split(b"\n", 1)[0]:
            continue  # needs command-line options
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue  # LSP text is UTF-8 JSON
        text = open_doc(c, path)
        got = c.diagnostics(uri(path))
        expected = [x for x in fndc_json(fndc, path) if x["location"] and x["location"]["file"] == path]
        want = sorted((x["code"], x["location"]["line"] - 1, x["location"]["column"] - 1,
                       x["location"]["end_line"] - 1, x["location"]["end_column"] - 1) for x in expected)
        # Columns: fndc counts bytes, LSP UTF-16 units; these files are ASCII where it matters.
        have = sorted((x["code"], x["range"]["start"]["line"], x["range"]["start"]["character"],
                       x["range"]["end"]["line"], x["range"]["end"]["character"]) for x in got
                      if not x["message"].startswith("/"))
        if all(ord(ch) < 128 for ch in text):
            assert have == want, f"{name}: lsp {have} != fndc check {want}"
        else:
            assert [h[0] for h in have] == [w[0] for w in want], f"{name}: codes differ"
        for x in got:
            assert x["source"] == "fndc" and x["severity"] in (1, 2), x
        close_doc(c, path)
        n += 1
    check(n > 30, f"diagnostics of {n} golden test files equal fndc check's (codes and ranges)")


def main():
    fndc, root = sys.argv[1], sys.argv[2]
    c = Client(fndc)

    # Before initialize: requests are refused.
    r = c.request("textDocument/hover", {"textDocument": {"uri": "file:///x.fnd"}, "position": {"line": 0, "character": 0}})
    check(r["error"]["code"] == -32002, "a request before initialize gets ServerNotInitialized")

    r = c.request("initialize", {"processId": None, "rootUri": uri(root), "capabilities": {}})
    caps = r["result"]["capabilities"]
    check(caps["hoverProvider"] and caps["definitionProvider"] and caps["documentSymbolProvider"]
          and caps["completionProvider"]["triggerCharacters"] == ["."] and caps["textDocumentSync"]["change"] == 1,
          "initialize announces hover, definition, completion, symbols and full sync")
    c.notify("initialized", {})

    # Malformed input: errors, never a crash.
    c.raw(b"Content-Length: 12\r\n\r\n{not json!!}")
    m = c.next()
    check(m["error"]["code"] == -32700 and m["id"] is None, "malformed JSON gets a parse error (-32700)")
    c.raw(b"Content-Length: 2\r\n\r\n[]")
    m = c.next()
    check(m["error"]["code"] == -32600, "a JSON value that is not a request gets InvalidRequest (-32600)")
    c.raw(b"Content-Length: x\r\n\r\n")
    m = c.next()
    check(m["error"]["code"] == -32700, "a frame with a bad Content-Length gets an error")
    r = c.request("textDocument/frobnicate", {})
    check(r["error"]["code"] == -32601, "an unknown method gets MethodNotFound (-32601)")
    r = c.request("textDocument/hover", {"textDocument": {"uri": 42}})
    check(r["error"]["code"] in (-32602, -32603), "bad params get an error")
    c.notify("textDocument/unknownNotification", {"x": 1})  # ignored silently

    # Diagnostics identical to fndc check.
    test_diagnostics_match_check(c, fndc, root)

    # A clean example: no diagnostics; hover, definition, symbols, completion.
    pp = os.path.join(root, "examples/pingpong/pingpong.fnd")
    text = open_doc(c, pp)
    check(c.diagnostics(uri(pp)) == [], "pingpong.fnd: no diagnostics")

    def hover(path, text, needle, nth=0, off=0):
        r = c.request("textDocument/hover", {"textDocument": {"uri": uri(path)}, "position": pos(text, needle, nth, off)})
        return (r["result"] or {}).get("contents", {}).get("value", "")

    h = hover(pp, text, "rounds", 0)
    check("param rounds: int = 5" in h and "actor `Pinger`" in h, "hover on a param declaration: type and default")
    h = hover(pp, text, "p.n", 0)
    check("p: Ping" in h, "hover on a handler binding: its message type")
    h = hover(pp, text, "p.n", 0, 2)
    check("n: int" in h and "message `Ping`" in h, "hover on a message field: type and message")
    h = hover(pp, text, "spawn Ponger", 0, 6)
    check("actor Ponger" in h and "handles `Ping`" in h, "hover on an actor name: signature and handled messages")
    h = hover(pp, text, "main Pinger", 0, 5)
    check("actor Pinger(rounds: int = 5)" in h, "hover on main's target: actor signature with params")
    h = hover(pp, text, "left", 0) if "left" in text else "skip"
    h = hover(pp, text, "served = served", 0, 10)
    check("state served" in h, "hover on a state use")
    h = hover(pp, text, "shutdown(0)", 0)
    check("built-in function" in h, "hover on a built-in function")

    def definition(path, text, needle, nth=0, off=0):
        r = c.request("textDocument/definition", {"textDocument": {"uri": uri(path)}, "position": pos(text, needle, nth, off)})
        return r["result"]

    d = definition(pp, text, "send ponger Ping", 0, 12)
    check(d and d["uri"] == uri(pp) and d["range"]["start"] == pos(text, "Ping {"), "definition of a message in a literal")
    d = definition(pp, text, "send ponger", 0, 5)
    check(d and d["range"]["start"] == pos(text, "ponger: ref"), "definition of a state")
    d = definition(pp, text, "p.n + 1", 0, 2)
    check(d and d["range"]["start"] == pos(text, "n: int", 1), "definition of a field (of Pong, the type of p there)")
    d = definition(pp, text, "main Pinger", 0, 5)
    check(d and d["range"]["start"] == pos(text, "Pinger {"), "definition of main's actor")
    d = definition(pp, text, "if p.n == rounds", 0, 11)
    check(d and d["range"]["start"] == pos(text, "rounds: int"), "definition of a param use")

    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(pp)}})
    syms = r["result"]
    mod = syms[0]
    names = [s["name"] for s in mod["children"]]
    check(mod["name"] == "pingpong" and mod["kind"] == 2 and names == ["Ping", "Pong", "Ponger", "Pinger", "main"],
          "documentSymbol: the module with its messages, actors and main")
    pinger = mod["children"][3]
    check([s["name"] for s in pinger["children"]] == ["rounds", "ponger", "on start", "on Pong"]
          and mod["children"][0]["children"][0]["name"] == "n",
          "documentSymbol: params, states and handlers under the actor; fields under the message")

    # Completion: keywords and names at the top level; locals, params, states in a handler.
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri(pp)}, "position": pos(text, "main Pinger")})
    labels = {i["label"] for i in r["result"]["items"]}
    check({"actor", "supervisor", "society", "message", "Ping", "Pinger"} <= labels, "completion: keywords and declared names")
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri(pp)}, "position": pos(text, "print(\"pong")})
    labels = {i["label"] for i in r["result"]["items"]}
    check({"p", "rounds", "ponger", "print", "shutdown", "send", "Ping"} <= labels,
          "completion in a handler: its binding, params, states, built-ins, keywords, messages")
    # After `p.` (the document does not parse at that moment).
    edited = text.replace('    print("pong {p.n}")\n', '    print("pong {p.n}")\n    p.\n')
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(pp), "version": 2}, "contentChanges": [{"text": edited}]})
    diags = c.diagnostics(uri(pp))
    check(any(x["code"] == "E0001" for x in diags), "didChange: the half-typed line gets a syntax error")
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri(pp)}, "position": pos(edited, "    p.\n", 0, 6)})
    items = {i["label"]: i for i in r["result"]["items"]}
    check(set(items) == {"n"} and items["n"]["kind"] == 5 and items["n"]["detail"] == "int", "completion after `p.`: the message's fields")
    edited2 = text.replace('    print("pong {p.n}")\n', '    print("pong {p.n}")\n    let xs = [1, 2]\n    xs.pu\n')
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(pp), "version": 3}, "contentChanges": [{"text": edited2}]})
    c.diagnostics(uri(pp))
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri(pp)}, "position": pos(edited2, "xs.pu", 0, 5)})
    check([i["label"] for i in r["result"]["items"]] == ["push"], "completion after `xs.pu`: list methods with that prefix")
    # A type error, then fixed.
    broken = text.replace("served = served + 1", "served = servd + 1")
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(pp), "version": 4}, "contentChanges": [{"text": broken}]})
    diags = c.diagnostics(uri(pp))
    check(len(diags) == 1 and diags[0]["code"] == "E0102" and diags[0]["range"]["start"] == pos(broken, "servd")
          and "served" in diags[0]["message"], "didChange: an unknown name is reported where it is, with the suggestion")
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(pp), "version": 5}, "contentChanges": [{"text": text}]})
    check(c.diagnostics(uri(pp)) == [], "didChange: fixed, the diagnostics clear")
    close_doc(c, pp)

    # Imports across files: a sibling module and the stdlib; definitions land in the other file;
    # an open, unsaved document overrides its file for its importers.
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(root, "tests/programs/imports")
        for n in ("main.fnd", "shapes.fnd"):
            shutil.copy(os.path.join(src, n), tmp)
        main_path, shapes_path = os.path.join(tmp, "main.fnd"), os.path.join(tmp, "shapes.fnd")
        mtext = open_doc(c, main_path)
        check(c.diagnostics(uri(main_path)) == [], "imports: main.fnd with a sibling module and std modules checks clean")
        d = definition(main_path, mtext, "Square {", 0, 1)
        with open(shapes_path) as f:
            stext = f.read()
        check(d and d["uri"] == uri(shapes_path) and d["range"]["start"] == pos(stext, "Square"),
              "definition of a message declared in the imported file")
        d = definition(main_path, mtext, "import shapes", 0, 8)
        check(d and d["uri"] == uri(shapes_path), "definition of an import: the module's file")
        d = definition(main_path, mtext, "spawn Ticker", 0, 7)
        check(d and d["uri"].endswith("/stdlib/std/time.fnd"), "definition of an actor from the standard library")
        h = hover(main_path, mtext, "a.value", 0, 3)
        check("value: int" in h, "hover on a field of a message from another module")
        open_doc(c, shapes_path, stext.replace("message Square", "message Squar"))
        diags = c.diagnostics(uri(main_path))
        check(any(x["code"] == "E0108" for x in diags), "an unsaved change in an open import reaches its importer")
        close_doc(c, shapes_path)
        check(c.diagnostics(uri(main_path)) == [], "closing it restores the file on disk")
        # An error inside an imported (closed) file is shown on the import.
        with open(shapes_path, "w") as f:
            f.write(stext.replace("message Area { value: int }", "message Area { value: int"))
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri(main_path), "version": 2}, "contentChanges": [{"text": mtext}]})
        diags = c.diagnostics(uri(main_path))
        check(len(diags) >= 1 and diags[0]["range"]["start"] == pos(mtext, "shapes", 1)
              and "shapes.fnd" in diags[0]["message"], "an error in an imported file is shown on its import")
        close_doc(c, main_path)

    # Supervisor children: hover and definition of a child used as an argument.
    sv = os.path.join(root, "examples/supervision/supervision.fnd")
    stext = open_doc(c, sv)
    c.diagnostics(uri(sv))
    d = definition(sv, stext, "Dispatcher(worker: worker", 0, 19)
    check(d and d["range"]["start"] == pos(stext, "worker: Worker"), "definition of a supervisor child named in an argument")
    h = hover(sv, stext, "Dispatcher(worker: worker", 0, 19)
    check("child worker: Worker" in h and "supervisor `App`" in h, "hover on a child: its spec and supervisor")
    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(sv)}})
    sup = [s for s in r["result"][0]["children"] if s["name"] == "App"][0]
    check([s["name"] for s in sup["children"]] == ["dispatcher", "worker"], "documentSymbol: supervisor with its children")

    # A cluster: hover on a node and on placement path steps, definition of a placed child, the
    # cluster in the outline, node names and cluster words completed inside the cluster.
    cp = os.path.join(root, "examples/cluster_pingpong/cluster_pingpong.fnd")
    ctext = open_doc(c, cp)
    check(c.diagnostics(uri(cp)) == [], "cluster_pingpong.fnd: no diagnostics")
    h = hover(cp, ctext, "place app.ponger on b", 0, 20)
    check('node b: "tcp://127.0.0.1:7102"' in h and "--node b" in h, "hover on a node in a placement: its address")
    h = hover(cp, ctext, "place app.ponger on b", 0, 11)
    check("child ponger: Ponger" in h and "placed `on b`" in h, "hover on a placement path step: the child and where")
    d = definition(cp, ctext, "place app.ponger on b", 0, 11)
    check(d and d["range"]["start"] == pos(ctext, "ponger: Ponger"), "definition of a placed child")
    d = definition(cp, ctext, "place app.ponger on b", 0, 20)
    check(d and d["range"]["start"] == pos(ctext, "b: \"tcp"), "definition of a node named in a placement")
    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(cp)}})
    cl = [s for s in r["result"][0]["children"] if s["name"] == "duo"]
    check(len(cl) == 1 and [s["name"] for s in cl[0]["children"]] == ["a", "b", "app.pinger", "app.ponger"],
          "documentSymbol: the cluster with its nodes and placements")
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri(cp)}, "position": pos(ctext, "place app.pinger")})
    labels = {i["label"] for i in r["result"]["items"]}
    check({"a", "b", "place", "across", "node", "app", "cluster"} <= labels, "completion in a cluster: nodes, items, root, keywords")
    check({"security", "curve", "none", "probe_interval", "suspicion_mult"} <= labels,
          "completion in a cluster: the settings and security values (compiler/ast/cluster_words.hpp)")
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri(cp)}, "position": pos(ctext, "supervisor app {", 0, 16)})
    labels = {i["label"] for i in r["result"]["items"]}
    check("ponger" in labels and "probe_interval" not in labels and "across" not in labels,
          "no cluster words outside the cluster")
    h = hover(cp, ctext, "cluster duo", 0, 8)
    check("cluster duo" in h and "2 node(s)" in h and "`a`, runs what is not placed" in h, "hover on the cluster's name")
    h = hover(cp, ctext, 'node a: "tcp', 0, 5)
    check('node a: "tcp://127.0.0.1:7101"' in h and "--node a" in h, "hover on a node declaration")
    h = hover(cp, ctext, "security: none", 0, 11)
    check("security: none" in h and "trusted network" in h, "hover on the cluster's security")
    close_doc(c, cp)

    # Membership settings and curve security, in an unsaved document.
    cs = os.path.join(root, "tests/compiler/parse_ok/cluster_settings_unsaved.fnd")
    cstext = open_doc(c, cs, "module cs\nactor W {}\nsupervisor app { child w: W }\n"
                             "cluster c2 {\n  node a: \"tcp://127.0.0.1:7201\"\n  place app.w on a\n"
                             "  security: curve\n  probe_interval: 250ms\n  suspicion_mult: 5\n}\nmain app\n")
    check(c.diagnostics(uri(cs)) == [], "a cluster with settings: no diagnostics")
    h = hover(cs, cstext, "probe_interval", 0, 2)
    check("probe_interval: 250ms" in h and "--membership probe_interval=VALUE" in h, "hover on a membership setting")
    h = hover(cs, cstext, "suspicion_mult", 0, 2)
    check("suspicion_mult: 5" in h, "hover on a count setting")
    h = hover(cs, cstext, "security: curve", 0, 11)
    check("security: curve" in h and "--cluster-key" in h, "hover on curve security")
    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(cs)}})
    cl = [s for s in r["result"][0]["children"] if s["name"] == "c2"]
    check(len(cl) == 1 and [s["name"] for s in cl[0]["children"]] == ["a", "app.w"], "documentSymbol: a one-node cluster")
    close_doc(c, cs)

    # Hostile input (fixed seed): random methods, ids, parameter shapes and byte garbage. Every
    # request gets a response with a result or an error, and the server stays up.
    rnd = random.Random(7)
    methods = ["textDocument/hover", "textDocument/definition", "textDocument/completion",
               "textDocument/documentSymbol", "textDocument/didOpen", "textDocument/didChange",
               "textDocument/didClose", "initialize", "shutdownx", "$/cancelRequest"]
    junk = [None, 0, -1, 2 ** 62, 1.5, "s", [], {}, {"uri": 5}, [1, {"a": None}]]
    texts = ["", "module", "module q\nactor A { on start { p. } }", "}}}{", "\u00e9\U0001F600 module x", "message M { a: int",
             stext]
    for i in range(300):
        doc = rnd.choice([{"uri": uri(sv)}, {"uri": 3}, {}, {"uri": uri(sv), "text": rnd.choice(texts), "version": rnd.choice(junk)},
                          {"uri": "untitled:x", "text": rnd.choice(texts)}])
        params = rnd.choice([
            {"textDocument": doc, "position": {"line": rnd.randint(-5, 80), "character": rnd.randint(-5, 300)}},
            {"textDocument": doc, "contentChanges": rnd.choice([[], [{"text": rnd.choice(texts)}], None,
                [{"range": {"start": {"line": rnd.randint(-2, 90), "character": rnd.randint(-2, 999)},
                            "end": {"line": rnd.randint(-2, 90), "character": rnd.randint(-2, 99)}}, "text": "x"}]])},
            {"textDocument": doc}, rnd.choice(junk)])
        msg = {"jsonrpc": "2.0", "method": rnd.choice(methods), "params": params}
        if rnd.random() < 0.7:
            msg["id"] = 10000 + i
            c.send(msg)
            r = c.response(10000 + i)
            assert ("result" in r) != ("error" in r), r
        else:
            c.send(msg)
        if i % 50 == 0:
            garbage = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 40)))
            c.raw(b"Content-Length: %d\r\n\r\n" % len(garbage) + garbage)
            r = c.next()
            while "method" in r:  # publications from earlier notifications
                c.notes.append(r)
                r = c.next()
            assert r.get("error", {}).get("code") in (-32700, -32600), r
    stext = open_doc(c, sv)
    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(sv)}})
    check(c.proc.poll() is None and r["result"][0]["name"] == "supervision",
          "300 random requests and garbage frames: every request answered, the server still works")

    r = c.request("shutdown")
    check("result" in r and r["result"] is None, "shutdown")
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri(sv)}, "position": {"line": 0, "character": 0}})
    check(r["error"]["code"] == -32600, "requests after shutdown are refused")
    c.notify("exit", None)
    code = c.proc.wait(timeout=10)
    check(code == 0, "exit after shutdown: status 0")
    print("all LSP checks passed")


if __name__ == "__main__":
    main()
