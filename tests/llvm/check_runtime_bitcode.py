#!/usr/bin/env python3
"""The runtime's send path as bitcode (docs/llvm-backend.md, "Runtime bitcode").

    check_runtime_bitcode.py FNDC PROGRAM WORKDIR

At -O2 the module must contain no call of fnd_msg_alloc or fnd_ref_post (inlined) and no
available_externally body (dropped after optimization); at -O0 both calls are there. The -O2
binary must run and print the count. A bitcode file that cannot be read ($FND_HOME pointing at a
broken one) must give a warning and still produce a module, with the calls.
"""
import os
import re
import subprocess
import sys


def run(args, env=None):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def emit(fndc, prog, out, level, env=None):
    r = run([fndc, "emit", "--target=llvm", "--emit=ll", level, "-o", out, prog], env)
    if r.returncode != 0:
        sys.exit("emit %s failed:\n%s" % (level, r.stdout))
    with open(os.path.join(out, "runtime_bitcode.ll")) as f:
        return f.read(), r.stdout


def calls(ir, name):
    return len(re.findall(r"call [^\n]*@%s\(" % name, ir))


def main():
    fndc, prog, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    failures = []
    ir, _ = emit(fndc, prog, os.path.join(work, "o2"), "-O2")
    for name in ("fnd_msg_alloc", "fnd_ref_post"):
        if calls(ir, name):
            failures.append("-O2: %s is still called (not inlined)" % name)
    if "available_externally" in ir:
        failures.append("-O2: an available_externally body is left in the module")
    ir0, _ = emit(fndc, prog, os.path.join(work, "o0"), "-O0")
    for name in ("fnd_msg_alloc", "fnd_ref_post"):
        if not calls(ir0, name):
            failures.append("-O0: %s is not called (the check itself is broken)" % name)
    binary = os.path.join(work, "prog")
    r = run([fndc, "build", "--target=llvm", "-O2", prog, "-o", binary])
    if r.returncode != 0:
        failures.append("build failed:\n" + r.stdout)
    else:
        out = run([binary, "--threads", "2"])
        if out.returncode != 0 or out.stdout.strip() != "count 1000":
            failures.append("run: exit %d, output %r" % (out.returncode, out.stdout))
    # A broken bitcode file: a warning, and the calls stay.
    home = os.path.join(work, "home")
    os.makedirs(os.path.join(home, "lib"), exist_ok=True)
    with open(os.path.join(home, "lib", "fnd_runtime_inline.bc"), "w") as f:
        f.write("not bitcode")
    env = dict(os.environ, FND_HOME=home)
    irb, text = emit(fndc, prog, os.path.join(work, "broken"), "-O2", env)
    if "warning: the runtime's send path is not inlined" not in text or "W0004" not in text:
        failures.append("a broken bitcode file gave no warning:\n" + text)
    if not calls(irb, "fnd_msg_alloc"):
        failures.append("with a broken bitcode file, fnd_msg_alloc is not called")
    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print("runtime bitcode: inlined at -O2, calls at -O0, a broken file is a warning")


if __name__ == "__main__":
    main()
