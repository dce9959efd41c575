#!/usr/bin/env python3
"""The runtime's fast paths as bitcode (docs/llvm-backend.md, "Runtime bitcode").

    check_runtime_bitcode.py FNDC PROGRAM WORKDIR CLANG

At -O2 the module must contain no call of the inlined functions (INLINED: the send and reply path,
the spawn's fnd_actor_new and fnd_actor_spawn, fnd_self, fnd_stop, a list's length and elements) and no available_externally body (dropped after
optimization); at -O0 every one of those calls is there. The -O2
binary must run and print the count. A bitcode file fndc must not use ($FND_HOME pointing at one
that is not bitcode, one made for another C ABI version, one that defines a variable; the last
two compiled by CLANG, LLVM 14's clang) must give warning W0004 saying why and still produce a
module, with the calls.
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


INLINED = ("fnd_msg_alloc", "fnd_ref_post", "fnd_msg_reply", "fnd_actor_new", "fnd_actor_spawn", "fnd_self", "fnd_stop",
           "fnd_list_len", "fnd_list_at")


def main():
    fndc, prog, work, clang = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    failures = []
    ir, _ = emit(fndc, prog, os.path.join(work, "o2"), "-O2")
    for name in INLINED:
        if calls(ir, name):
            failures.append("-O2: %s is still called (not inlined)" % name)
    if "available_externally" in ir:
        failures.append("-O2: an available_externally body is left in the module")
    ir0, _ = emit(fndc, prog, os.path.join(work, "o0"), "-O0")
    for name in INLINED:
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
    # Bitcode fndc must not use: a warning saying why, and the calls stay.
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtime", "include", "fnd", "runtime.h")
    with open(header) as f:
        abi = re.search(r"^#define FND_ABI_VERSION (\d+)", f.read(), re.M).group(1)
    cases = [
        ("not_bitcode", None, "Invalid bitcode signature"),
        ("stale", "const int fnd_runtime_inline_abi = 999;\n", "made for C ABI 999"),
        ("variable", "const int fnd_runtime_inline_abi = %s;\nint counter;\nint bump(void) { return ++counter; }\n" % abi,
         "defines the variable 'counter'"),
    ]
    for name, source, why in cases:
        home = os.path.join(work, "home_" + name)
        bc = os.path.join(home, "lib", "fnd_runtime_inline.bc")
        os.makedirs(os.path.dirname(bc), exist_ok=True)
        if source is None:
            with open(bc, "w") as f:
                f.write("not bitcode")
        else:
            c = os.path.join(work, name + ".c")
            with open(c, "w") as f:
                f.write(source)
            r = run([clang, "-x", "c", "-O2", "-emit-llvm", "-c", c, "-o", bc])
            if r.returncode != 0:
                failures.append("%s: clang failed:\n%s" % (name, r.stdout))
                continue
        irb, text = emit(fndc, prog, os.path.join(work, name), "-O2", dict(os.environ, FND_HOME=home))
        if "warning: the runtime's send path is not inlined" not in text or "W0004" not in text or why not in text:
            failures.append("%s: no warning W0004 with %r:\n%s" % (name, why, text))
        if not calls(irb, "fnd_msg_alloc"):
            failures.append("%s: fnd_msg_alloc is not called" % name)
    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print("runtime bitcode: inlined at -O2, calls at -O0, unusable files are warnings")


if __name__ == "__main__":
    main()
