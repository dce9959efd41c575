#!/usr/bin/env python3
"""Multi-process loopback test of `cluster` (docs/language.md section 16) with the C++ back end.

    run_cluster_test.py FNDC WORKDIR

Builds examples/cluster_pingpong and checks, with exact expected output:
  1. alone (no --node): one process, everything local, the example's expected_output.txt;
  2. as two node processes (--node a / --node b, free loopback ports given with --addr): node a is
     started first, so its first messages to b are dropped until b is up; each node prints its part;
  3. the same with FND_NODE / FND_CLUSTER_ADDRS instead of flags, b started first; then with a host
     name and an IPv6 address ([::1], where the machine has IPv6 loopback);
  4. usage errors (status 2): an unknown node, malformed addresses (also port 0, over 65535, no host,
     IPv6 without brackets),
     an address for an unknown node;
  5. tests/compiler/cluster/swarm.fnd: a society placed `across [a, b]` (nodes declared without
     addresses): alone, and as two nodes where each prints the lines of the members it runs;
  6. the same where node a knows only its own address (a seed) and b joins through it.
"""
import os
import socket
import subprocess
import sys
import time

from checks import check, failures
from loopback_ports import free_ports

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "cluster_pingpong")
TIMEOUT = 30


def run_pair(binary, first, second, args_of, env_of):
    """Starts node `first`, then `second` 300 ms later; returns {node: (status, stdout, stderr)}."""
    procs = {}
    for i, node in enumerate((first, second)):
        if i:
            time.sleep(0.3)
        env = dict(os.environ)
        env.update(env_of(node))
        procs[node] = subprocess.Popen([binary] + args_of(node), stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, env=env)
    out = {}
    for node, p in procs.items():
        try:
            o, e = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for q in procs.values():
                q.kill()
            o, e = p.communicate()
            o += "\n<timed out>"
        out[node] = (p.returncode, o, e)
    return out


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


def main():
    fndc, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    binary = os.path.join(work, "cluster_pingpong")
    b = subprocess.run([fndc, "build", os.path.join(EXAMPLE, "cluster_pingpong.fnd"), "-o", binary],
                       capture_output=True, text=True)
    if b.returncode != 0:
        print(b.stdout + b.stderr)
        print("FAIL: fndc build")
        return 1
    with open(os.path.join(EXAMPLE, "expected_output.txt")) as f:
        alone_expected = f.read()
    lines = alone_expected.splitlines(keepends=True)
    expected = {"a": "".join(l for l in lines if l.startswith("pinger:")),
                "b": "".join(l for l in lines if l.startswith("ponger:"))}

    # 1. alone
    r = subprocess.run([binary], capture_output=True, text=True, timeout=TIMEOUT)
    check(r.returncode == 0 and r.stdout == alone_expected,
          "alone: status %d, output %r" % (r.returncode, r.stdout))

    # 2. flags, a first
    pa, pb = free_ports(2)
    addrs = ["--addr", "a=tcp://127.0.0.1:%d" % pa, "--addr", "b=tcp://127.0.0.1:%d" % pb]
    res = run_pair(binary, "a", "b", lambda n: ["--node", n] + addrs, lambda n: {})
    for n in ("a", "b"):
        st, o, e = res[n]
        check(st == 0 and o == expected[n], "flags: node %s: status %d, stdout %r, stderr %r" % (n, st, o, e[-400:]))

    # 3. environment, b first
    pa, pb = free_ports(2)
    env_addrs = "a=tcp://127.0.0.1:%d, b=tcp://127.0.0.1:%d" % (pa, pb)  # blanks around items are ignored
    res = run_pair(binary, "b", "a", lambda n: [], lambda n: {"FND_NODE": n, "FND_CLUSTER_ADDRS": env_addrs})
    for n in ("a", "b"):
        st, o, e = res[n]
        check(st == 0 and o == expected[n], "env: node %s: status %d, stdout %r, stderr %r" % (n, st, o, e[-400:]))

    # 3b. a host name and an IPv6 address (ZeroMQ binds neither as written: the transport resolves
    # the name and turns IPv6 on); IPv6 only where the machine has a loopback for it
    pa, pb = free_ports(2)
    a_host = "[::1]" if ipv6_loopback() else "localhost"
    named = "a=tcp://%s:%d,b=tcp://localhost:%d" % (a_host, pa, pb)
    res = run_pair(binary, "a", "b", lambda n: ["--node", n, "--addr", named], lambda n: {})
    for n in ("a", "b"):
        st, o, e = res[n]
        check(st == 0 and o == expected[n], "%s: node %s: status %d, stdout %r, stderr %r" % (named, n, st, o, e[-400:]))

    # an address this machine does not have (TEST-NET-1): status 1, said once
    r = subprocess.run([binary, "--node", "a", "--addr", "a=tcp://192.0.2.1:%d" % pa], capture_output=True, text=True,
                       timeout=TIMEOUT)
    check(r.returncode == 1 and r.stderr.count("cannot listen at tcp://192.0.2.1:%d" % pa) == 1 and
          "cluster_pingpong: node a: cannot listen at" in r.stderr, "unbindable address: %d %r" % (r.returncode, r.stderr))

    # 4. usage errors
    r = subprocess.run([binary, "--node", "c"], capture_output=True, text=True, timeout=TIMEOUT)
    check(r.returncode == 2 and "no node 'c' in cluster duo" in r.stderr, "unknown node: %d %r" % (r.returncode, r.stderr))
    r = subprocess.run([binary, "--node", "a", "--addr", "a=127.0.0.1:1"], capture_output=True, text=True, timeout=TIMEOUT)
    check(r.returncode == 2 and "expected NODE=tcp://HOST:PORT" in r.stderr, "bad address: %d %r" % (r.returncode, r.stderr))
    # ZeroMQ took 70000 as 4464; an IPv6 host needs brackets
    for bad in ("a=tcp://127.0.0.1:0", "a=tcp://127.0.0.1:70000", "a=tcp://:7001", "a=tcp://::1:7001", "a=tcp://*:7001"):
        r = subprocess.run([binary, "--node", "a", "--addr", bad], capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == 2 and "expected NODE=tcp://HOST:PORT with a port from 1 to 65535, got '%s'" % bad in r.stderr,
              "bad address %s: %d %r" % (bad, r.returncode, r.stderr))
    r = subprocess.run([binary, "--node", "a", "--addr", "z=tcp://127.0.0.1:1"], capture_output=True, text=True, timeout=TIMEOUT)
    check(r.returncode == 2 and "--addr: no node 'z'" in r.stderr, "address of an unknown node: %d %r" % (r.returncode, r.stderr))
    r = subprocess.run([binary, "--node", "a", "--addr", "a=tcp://127.0.0.1:1"], capture_output=True, text=True,
                       timeout=TIMEOUT, env=dict(os.environ, FND_CLUSTER_ADDRS="z=tcp://127.0.0.1:1"))
    check(r.returncode == 2 and "FND_CLUSTER_ADDRS: no node 'z'" in r.stderr,
          "address of an unknown node from the environment: %d %r" % (r.returncode, r.stderr))

    # 5. a society across two nodes
    swarm = os.path.join(work, "swarm")
    b = subprocess.run([fndc, "build", os.path.join(os.path.dirname(os.path.abspath(__file__)), "swarm.fnd"), "-o", swarm],
                       capture_output=True, text=True)
    check(b.returncode == 0, "fndc build swarm.fnd: " + b.stdout + b.stderr)
    if b.returncode == 0:
        node_a = ["boss: 4 jobs done", "worker: job 0", "worker: job 2"]
        node_b = ["worker: job 1", "worker: job 3"]
        r = subprocess.run([swarm], capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == 0 and sorted(r.stdout.splitlines()) == sorted(node_a + node_b),
              "swarm alone: status %d, output %r" % (r.returncode, r.stdout))
        r = subprocess.run([swarm, "--node", "a"], capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == 2 and "node 'a' has no address" in r.stderr, "swarm without address: %d %r" % (r.returncode, r.stderr))
        pa, pb = free_ports(2)
        addrs = ["--addr", "a=tcp://127.0.0.1:%d,b=tcp://127.0.0.1:%d" % (pa, pb)]
        res = run_pair(swarm, "a", "b", lambda n: ["--node", n] + addrs, lambda n: {})
        for n, want in (("a", node_a), ("b", node_b)):
            st, o, e = res[n]
            check(st == 0 and sorted(o.splitlines()) == want,
                  "swarm: node %s: status %d, stdout %r, stderr %r" % (n, st, o, e[-400:]))
        # 6. a seed: node a knows only its own address; b knows a's and joins (a learns b from it)
        pa, pb = free_ports(2)
        seed = "a=tcp://127.0.0.1:%d" % pa
        args = {"a": ["--node", "a", "--addr", seed],
                "b": ["--node", "b", "--addr", seed + ",b=tcp://127.0.0.1:%d" % pb]}
        res = run_pair(swarm, "a", "b", lambda n: args[n], lambda n: {})
        for n, want in (("a", node_a), ("b", node_b)):
            st, o, e = res[n]
            check(st == 0 and sorted(o.splitlines()) == want,
                  "seed: node %s: status %d, stdout %r, stderr %r" % (n, st, o, e[-400:]))

    print("cluster test: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
