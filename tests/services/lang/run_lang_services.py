#!/usr/bin/env python3
"""Services of generated programs, end to end with both back ends (docs/language.md section 17).

    run_lang_services.py FNDC WORKDIR [TARGET...]      (default targets: cpp llvm)

Config: a program built from config_reload.fnd starts with --app-config (JSON, then TOML) and an
FND_ environment variable; the test edits the file while it runs: the updatable setting takes the
new value, the edit of a fixed one is refused (logged) and changes nothing. Also: --help lists the
options; a file with an undeclared path stops the program (status 1) before it prints anything.

Emit: emit_correlation/ runs with --log-level debug, where the runtime logs each telemetry event with
its measurements: positional values are "0", "1", ...; named ones keep their names; the events of
a request (started by the C++ gateway with correlation id 4242) carry correlation_id, in the actor
that handles the request and in the one it sends to; the event outside the request has none.

Metrics: metrics.fnd runs with --metrics-port 0; the port it logs is scraped over HTTP (GET
/metrics): the runtime metrics and the program's emitted events are there in Prometheus text
format. A port in use stops the program (status 1); a bad port is a usage error (status 2).
"""
import os
import re
import socket
import subprocess
import urllib.request
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    sys.exit("FAIL: " + msg)


def build(fndc, target, src, out, extra=()):
    r = subprocess.run([fndc, "build", "--target=" + target, src, *extra, "-o", out],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        fail(f"fndc build --target={target} {src}:\n{r.stdout}")


def read_line(proc, deadline):
    # stdout is line-buffered by the program's print (each line written whole).
    while time.time() < deadline:
        line = proc.stdout.readline()
        if line:
            return line.rstrip("\n")
        if proc.poll() is not None:
            return None
    return None


def reload_case(binary, work, fmt):
    path = os.path.join(work, "app." + fmt)

    def write(rate, mode):
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            if fmt == "json":
                f.write('{"app": {"rate": %s, "mode": "%s"}}\n' % (rate, mode))
            else:
                f.write('[app]\nrate = %s\nmode = "%s"\n' % (rate, mode))
        os.replace(tmp, path)  # as editors save: a rename into place

    write("0.5", "safe")
    env = dict(os.environ, FND_APP__LIMIT="4")
    proc = subprocess.Popen([binary, "--threads", "2", "--app-config", path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 30
    first = read_line(proc, deadline)
    if first != "rate 0.5 mode safe limit 4":
        proc.kill()
        fail(f"{fmt}: first line {first!r}, stderr: {proc.stderr.read()}")
    write("0.75", "fast")  # rate is updatable; mode is not: refused, stays "safe"
    second = read_line(proc, deadline)
    if second != "rate 0.75 mode safe limit 4":
        proc.kill()
        fail(f"{fmt}: after the edit {second!r}, stderr: {proc.stderr.read()}")
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail(f"{fmt}: the program did not stop")
    err = proc.stderr.read()
    if code != 0:
        fail(f"{fmt}: exit status {code}, stderr: {err}")
    if "config_update_forbidden" not in err or "app.mode" not in err:
        fail(f"{fmt}: the refused edit of app.mode is not logged; stderr: {err}")


def refused_file_case(binary, work):
    path = os.path.join(work, "bad.json")
    with open(path, "w") as f:
        f.write('{"app": {"rate": 0.5, "colour": "red"}}\n')
    r = subprocess.run([binary, "--app-config", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    if r.returncode != 1 or r.stdout != "" or "app.colour" not in r.stderr:
        fail(f"undeclared path in the file: status {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
    # each source's refusal is reported in the same run: the file's, the environment's, --set's
    r = subprocess.run([binary, "--app-config", path, "--set", "app.mode=slow"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60, env=dict(os.environ, FND_APP__LIMIT="500"))
    if r.returncode != 1 or not all(w in r.stderr for w in ("app.colour", "app.limit", "app.mode")):
        fail(f"three refused sources: status {r.returncode}, stderr {r.stderr!r}")


def help_case(binary):
    r = subprocess.run([binary, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    if r.returncode != 0 or "--app-config FILE" not in r.stdout or "--set PATH=VALUE" not in r.stdout \
            or "--threads N" not in r.stdout:
        fail(f"--help: status {r.returncode}, stdout {r.stdout!r}")


def emit_case(binary):
    r = subprocess.run([binary, "--log-level", "debug"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=60)
    if r.returncode != 0:
        fail(f"emit: status {r.returncode}, stderr: {r.stderr}")
    events = [l.split("telemetry ", 1)[1] for l in r.stderr.splitlines()
              if "telemetry shop." in l]
    want = ["shop.started 0=1.000000 1=1.000000",
            "shop.order order=7.000000 amount=250.500000 big=1.000000 correlation_id=4242.000000",
            "shop.audited order=7.000000 correlation_id=4242.000000"]
    if events != want:
        fail(f"emit: events {events}, expected {want}")


def metrics_case(binary):
    proc = subprocess.Popen([binary, "--threads", "2", "--metrics-port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.time() + 30
        while port is None and time.time() < deadline:
            line = proc.stderr.readline()
            if not line:
                fail(f"metrics: no 'serving /metrics' line; status {proc.poll()}")
            m = re.search(r"serving /metrics on [0-9.]+:(\d+)", line)
            if m:
                port = int(m.group(1))
        if read_line(proc, deadline) != "ticking":
            fail("metrics: the program did not start ticking")
        time.sleep(0.1)
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
        if not re.search(r'^fnd_telemetry_events_total\{event="shop\.tick"\} [1-9]', body, re.M):
            fail("metrics: no shop.tick events in /metrics:\n" + body[:2000])
        if not re.search(r"^fnd_processes [1-9]", body, re.M) or "# TYPE fnd_processes gauge" not in body:
            fail("metrics: no fnd_processes gauge in /metrics:\n" + body[:2000])
    finally:
        proc.kill()
        proc.wait()
    # A port in use: the program does not start.
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        s.listen()
        busy = s.getsockname()[1]
        r = subprocess.run([binary, "--metrics-port", str(busy)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60)
    if r.returncode != 1 or "metrics: initialization_failed" not in r.stderr:
        fail(f"metrics: port in use: status {r.returncode}, stderr {r.stderr!r}")
    r = subprocess.run([binary, "--metrics-port", "70000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    if r.returncode != 2 or "--metrics-port" not in r.stderr:
        fail(f"metrics: bad port: status {r.returncode}, stderr {r.stderr!r}")
    r = subprocess.run([binary, "--metrics-port", "0", "--metrics-address", "127.0.0.1:0"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    if r.returncode != 2 or "--metrics-address: the metrics endpoint was given already (--metrics-port)" not in r.stderr:
        fail(f"metrics: two endpoints: status {r.returncode}, stderr {r.stderr!r}")


def main():
    fndc, work = sys.argv[1:3]
    targets = sys.argv[3:] or ["cpp", "llvm"]
    os.makedirs(work, exist_ok=True)
    for target in targets:
        binary = os.path.join(work, "config_reload_" + target)
        build(fndc, target, os.path.join(HERE, "config_reload.fnd"), binary)
        for fmt in ("json", "toml"):
            reload_case(binary, work, fmt)
        refused_file_case(binary, work)
        help_case(binary)
        emitted = os.path.join(work, "emit_correlation_" + target)
        d = os.path.join(HERE, "emit_correlation")
        build(fndc, target, os.path.join(d, "main.fnd"), emitted, ["-I", d])
        emit_case(emitted)
        metrics = os.path.join(work, "metrics_" + target)
        build(fndc, target, os.path.join(HERE, "metrics.fnd"), metrics)
        metrics_case(metrics)
        print(f"ok: {target}")


if __name__ == "__main__":
    main()
