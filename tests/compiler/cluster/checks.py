"""The failure list of the cluster test scripts: check() records and prints a failed condition."""

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)
