"""A11: probe() checks the preconditions of known container escapes (runc, leaked fds)."""

import os


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def probe():
    status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines())
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    try:
        with open("/proc/self/exe", "ab"):
            exe = "writable"
    except OSError as exc:
        exe = type(exc).__name__
    return {
        "euid": os.geteuid(),
        "cap_eff": status.get("CapEff", "").strip(),
        "cap_bnd": status.get("CapBnd", "").strip(),
        "seccomp": status.get("Seccomp", "").strip(),
        "fd_targets": sorted(set(fds.values())),
        "exe": exe,
    }
