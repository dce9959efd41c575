#!/usr/bin/env python3
"""`fndc keygen` on the command line: files and modes, the printed public key, refusal to
overwrite (exit 1, files untouched), --force, usage errors (exit 2).
Usage: run_keygen_cli_test.py FNDC"""
import os
import stat
import subprocess
import sys
import tempfile

FNDC = os.path.abspath(sys.argv[1])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def fndc(*args, cwd):
    return subprocess.run([FNDC, *args], cwd=cwd, capture_output=True, text=True)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


with tempfile.TemporaryDirectory() as d:
    r = fndc("keygen", "cluster", cwd=d)
    check(r.returncode == 0, f"keygen exit {r.returncode}: {r.stderr}")
    secret, public = os.path.join(d, "cluster.key_secret"), os.path.join(d, "cluster.key")
    check(mode(secret) == 0o600, f"secret mode {oct(mode(secret))}")
    check(mode(public) == 0o644, f"public mode {oct(mode(public))}")
    with open(secret) as f:
        secret_text = f.read()
    with open(public) as f:
        public_text = f.read()
    pub_line = [l for l in public_text.splitlines() if l.startswith("public-key = ")]
    check(len(pub_line) == 1 and len(pub_line[0]) == len("public-key = ") + 40, f"public file: {public_text!r}")
    check(pub_line[0] in secret_text.splitlines(), "secret file holds the same public key")
    check(any(l.startswith("secret-key = ") for l in secret_text.splitlines()), "secret file has secret-key")
    check("secret-key" not in public_text, "public file has no secret key")
    check(r.stdout.splitlines()[-1] == pub_line[0], f"printed public key: {r.stdout!r}")

    r = fndc("keygen", "cluster", cwd=d)
    check(r.returncode == 1, f"overwrite: exit {r.returncode}")
    check(r.stderr == "cluster.key_secret: error: file exists; use --force to overwrite it\n", f"overwrite: {r.stderr!r}")
    with open(secret) as f:
        check(f.read() == secret_text, "refused keygen left the secret file alone")

    r = fndc("keygen", "cluster", "--force", cwd=d)
    check(r.returncode == 0, f"--force: exit {r.returncode}: {r.stderr}")
    with open(secret) as f:
        check(f.read() != secret_text, "--force wrote a new key pair")
    check(mode(secret) == 0o600, "--force keeps 0600")

    r = fndc("keygen", cwd=d)
    check(r.returncode == 2 and "'keygen' takes one NAME" in r.stderr, f"no NAME: {r.returncode} {r.stderr!r}")
    r = fndc("keygen", "a", "b", cwd=d)
    check(r.returncode == 2, f"two NAMEs: exit {r.returncode}")
    r = fndc("keygen", "no/such/dir/n1", cwd=d)
    check(r.returncode == 1 and r.stderr ==
          "no/such/dir/n1.key_secret: error: cannot write key file: No such file or directory\n",
          f"bad dir: {r.returncode} {r.stderr!r}")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
