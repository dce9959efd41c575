"""Free TCP ports on loopback for the multi-process cluster tests (this folder's and tests/llvm's)."""

import socket


def free_ports(n):
    """n distinct ports that were free a moment ago (all held at once, so they differ)."""
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports
