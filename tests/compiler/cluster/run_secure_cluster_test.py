#!/usr/bin/env python3
"""Multi-process loopback test of `security: curve` in a `cluster` (docs/language.md section 16).

    run_secure_cluster_test.py FNDC WORKDIR

Builds tests/compiler/cluster/secure.fnd (and the same program with `security: none`), makes keys
with `fndc keygen`, and checks:
  1. node b (ponger) starts with the cluster key pair; while it runs, node c (intruder) started
     with another key pair, and then c built with `security: none` (no keys at all), never get an
     answer: they print "intruder: no answer"; b logs that it refused a connection attempt;
  2. a program without the keys runs at a's address for a second (b's handshake with it fails); then
     node a (pinger) with the cluster key pair talks to b: both print their lines and exit 0;
  3. start-up errors, status 2 and a clear message: no --cluster-key, a missing key file, a malformed
     one (file:line:col), one readable by others, a public key file, key options for a cluster without
     `security: curve`, bad --membership / FND_MEMBERSHIP values; keys from the environment
     (FND_CLUSTER_KEY) are read;
  4. alone (no --node) the secured program needs no keys;
  5. node keys (--node-key, FND_NODE_KEY) with allow-lists (--allow-list, FND_ALLOW_LIST): a and b,
     each on the other's list, talk; c, holding the cluster key pair but presenting a node key that
     is not on b's list, gets no answer; a node key missing from the node's own list is status 2.
"""
import os
import subprocess
import sys
import time

from checks import check, failures
from loopback_ports import free_ports

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 30


def build(fndc, src, out):
    b = subprocess.run([fndc, "build", src, "-o", out], capture_output=True, text=True)
    check(b.returncode == 0, "fndc build %s: %s" % (src, b.stdout + b.stderr))
    return b.returncode == 0


def run(args, env=None, timeout=TIMEOUT):
    e = dict(os.environ)
    for k in ("FND_NODE", "FND_CLUSTER_ADDRS", "FND_CLUSTER_KEY", "FND_NODE_KEY", "FND_ALLOW_LIST", "FND_MEMBERSHIP"):
        e.pop(k, None)
    e.update(env or {})
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=e)


def main():
    fndc, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    secure = os.path.join(work, "secure")
    open_prog = os.path.join(work, "secure_none")
    with open(os.path.join(HERE, "secure.fnd")) as f:
        src = f.read()
    none_src = os.path.join(work, "secure_none.fnd")
    with open(none_src, "w") as f:
        f.write(src.replace("security: curve", "security: none"))
    if not (build(fndc, os.path.join(HERE, "secure.fnd"), secure) and build(fndc, none_src, open_prog)):
        return 1
    for name in ("cluster", "other"):
        for ext in (".key_secret", ".key"):
            p = os.path.join(work, name + ext)
            if os.path.exists(p):
                os.remove(p)
        k = subprocess.run([fndc, "keygen", os.path.join(work, name)], capture_output=True, text=True)
        check(k.returncode == 0, "fndc keygen %s: %s" % (name, k.stdout + k.stderr))
    key = os.path.join(work, "cluster.key_secret")
    other = os.path.join(work, "other.key_secret")

    pa, pb, pc = free_ports(3)
    addr = {n: "%s=tcp://127.0.0.1:%d" % (n, p) for n, p in (("a", pa), ("b", pb), ("c", pc))}
    e = dict(os.environ)
    for k in ("FND_NODE", "FND_CLUSTER_ADDRS", "FND_CLUSTER_KEY", "FND_MEMBERSHIP"):
        e.pop(k, None)
    # 1. b up with the cluster keys; intruders on c
    b = subprocess.Popen([secure, "--node", "b", "--addr", addr["b"], "--cluster-key", key],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
    try:
        time.sleep(0.3)
        c_args = ["--node", "c", "--addr", addr["c"] + "," + addr["b"]]
        r = run([secure] + c_args + ["--cluster-key", other])
        check(r.returncode == 0 and r.stdout == "intruder: no answer\n",
              "intruder with other keys: status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr[-400:]))
        r = run([open_prog] + c_args)
        check(r.returncode == 0 and r.stdout == "intruder: no answer\n",
              "intruder without keys: status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr[-400:]))
        # 2. a program without the keys ran at a's address first (b's handshake with it failed,
        # which ends libzmq's session for good): b must still reach the right a that follows
        wrong = subprocess.Popen([open_prog, "--node", "a", "--addr", addr["a"] + "," + addr["b"]],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=e)
        time.sleep(1.0)
        wrong.terminate()
        wrong.wait(timeout=TIMEOUT)
        # a with the cluster keys (from the environment) completes the exchange with b
        r = run([secure, "--node", "a", "--addr", addr["a"] + "," + addr["b"]], env={"FND_CLUSTER_KEY": key})
        check(r.returncode == 0 and r.stdout == "pinger: ponger is up\npinger: pong 7\n",
              "node a: status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr[-400:]))
        bo, be = b.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        b.kill()
        bo, be = b.communicate()
        bo += "<timed out>"
    check(b.returncode == 0 and bo == "ponger: bye\n", "node b: status %s, stdout %r, stderr %r" % (b.returncode, bo, be[-400:]))
    check("refused a connection attempt" in be, "node b did not log a refused connection: %r" % be[-400:])

    # 3. start-up errors
    def usage_error(args, want, env=None, what=None):
        r = run(args, env=env)
        check(r.returncode == 2 and want in r.stderr,
              "%s: status %d, stderr %r (want %r)" % (what or " ".join(args[1:]), r.returncode, r.stderr, want))

    node_a = [secure, "--node", "a", "--addr", addr["a"]]
    usage_error(node_a, "uses 'security: curve': give the cluster key pair file with --cluster-key FILE")
    missing = os.path.join(work, "nope.key_secret")
    usage_error(node_a + ["--cluster-key", missing], missing + ": error: cannot open key file: No such file or directory")
    bad = os.path.join(work, "bad.key_secret")
    with open(bad, "w") as f:
        f.write("public-key = abc\nsecret-key = def\n")
    os.chmod(bad, 0o600)
    usage_error(node_a + ["--cluster-key", bad], bad + ":1:14: error: public-key must be 40 Z85 characters")
    usage_error(node_a, bad + ":1:14: error:", env={"FND_CLUSTER_KEY": bad}, what="FND_CLUSTER_KEY malformed")
    loose = os.path.join(work, "loose.key_secret")
    with open(key) as f, open(loose, "w") as g:
        g.write(f.read())
    os.chmod(loose, 0o644)
    usage_error(node_a + ["--cluster-key", loose], "accessible by group or others")
    usage_error(node_a + ["--cluster-key", os.path.join(work, "cluster.key")], "this is not a key pair file")
    usage_error([open_prog, "--node", "a", "--addr", addr["a"], "--cluster-key", key], "declares no 'security: curve'")
    usage_error(node_a + ["--cluster-key", key, "--membership", "probe_interval=fast"],
                "--membership: membership probe_interval: expected a duration from 1ms to 24h such as 200ms or 2s, got 'fast'")
    usage_error(node_a + ["--cluster-key", key, "--membership", "down_retention=25h"],
                "--membership: membership down_retention: expected a duration from 1ms to 24h such as 200ms or 2s, got '25h'")
    # minutes and hours as the language writes them: parsed, so the error is the next item's
    usage_error(node_a + ["--cluster-key", key, "--membership", "down_retention=24h,sync_interval=5m,probe_timeout=300ms"],
                "membership: probe_timeout (300ms) must be positive and shorter than probe_interval (150ms): the rest "
                "of the period is for the indirect probes\n")
    usage_error(node_a + ["--cluster-key", key, "--membership", "probe_timeout=300ms"],
                "membership: probe_timeout (300ms) must be positive and shorter than probe_interval (150ms): the rest "
                "of the period is for the indirect probes\n")
    usage_error(node_a + ["--cluster-key", key, "--membership", "probe_interval=50ms"],
                "membership: probe_timeout (80ms) must be positive and shorter than probe_interval (50ms): the rest "
                "of the period is for the indirect probes; probe_timeout is 80ms unless set")
    usage_error(node_a + ["--cluster-key", key], "FND_MEMBERSHIP: unknown membership setting 'probes'",
                env={"FND_MEMBERSHIP": "probes=3"}, what="FND_MEMBERSHIP unknown")

    # 4. alone: no keys, no sockets; everything in one process, so the intruder is answered (status 1)
    # unless the pinger's exchange ends the program first (status 0): either way it ran without keys
    r = run([secure])
    lines = r.stdout.splitlines()
    check((r.returncode == 1 and "intruder: admitted" in lines) or (r.returncode == 0 and "ponger: bye" in lines),
          "alone: status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr[-400:]))

    # 5. node keys and allow-lists: a and b present their own keys (b's allow-list has both; a's
    # options come from FND_NODE_KEY / FND_ALLOW_LIST) and talk; c, with the cluster key pair but its
    # own key not on b's allow-list, is refused like any intruder
    lists = {"ab": ["na", "nb"], "c": ["nc"]}
    for name in ("na", "nb", "nc"):
        for ext in (".key_secret", ".key"):
            if os.path.exists(os.path.join(work, name + ext)):
                os.remove(os.path.join(work, name + ext))
        k = subprocess.run([fndc, "keygen", os.path.join(work, name)], capture_output=True, text=True)
        check(k.returncode == 0, "fndc keygen %s: %s" % (name, k.stdout + k.stderr))
    for which, names in lists.items():
        with open(os.path.join(work, "allow_%s.txt" % which), "w") as f:
            f.write("# node keys\n")
            for name in names:
                with open(os.path.join(work, name + ".key")) as pub:
                    f.write(pub.read().split("=", 1)[1].strip() + " " + name + "\n")
    nkey = {n: os.path.join(work, n + ".key_secret") for n in ("na", "nb", "nc")}
    allow = {w: os.path.join(work, "allow_%s.txt" % w) for w in lists}
    pa, pb, pc = free_ports(3)
    addr = {n: "%s=tcp://127.0.0.1:%d" % (n, p) for n, p in (("a", pa), ("b", pb), ("c", pc))}
    b = subprocess.Popen([secure, "--node", "b", "--addr", addr["b"], "--cluster-key", key, "--node-key", nkey["nb"],
                          "--allow-list", allow["ab"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
    try:
        time.sleep(0.3)
        r = run([secure, "--node", "c", "--addr", addr["c"] + "," + addr["b"], "--cluster-key", key,
                 "--node-key", nkey["nc"], "--allow-list", allow["c"]])
        check(r.returncode == 0 and r.stdout == "intruder: no answer\n",
              "intruder with an unlisted node key: status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr[-400:]))
        r = run([secure, "--node", "a", "--addr", addr["a"] + "," + addr["b"], "--cluster-key", key],
                env={"FND_NODE_KEY": nkey["na"], "FND_ALLOW_LIST": allow["ab"]})
        check(r.returncode == 0 and r.stdout == "pinger: ponger is up\npinger: pong 7\n",
              "node a with its node key: status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr[-400:]))
        bo, be = b.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        b.kill()
        bo, be = b.communicate()
        bo += "<timed out>"
    check(b.returncode == 0 and bo == "ponger: bye\n",
          "node b with its node key: status %s, stdout %r, stderr %r" % (b.returncode, bo, be[-400:]))
    check("refused a connection attempt" in be, "node b (node keys) did not log a refused connection: %r" % be[-400:])
    usage_error([secure, "--node", "a", "--addr", addr["a"], "--cluster-key", key, "--node-key", nkey["nc"],
                 "--allow-list", allow["ab"]], "is not in the allow-list")

    print("secure cluster test: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
