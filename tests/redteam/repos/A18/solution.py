"""A18: probe() crashes again and again with a large address space, hoping for core files."""

import os
import resource


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def probe():
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,) * 2)
        raised = "raised"
    except (ValueError, OSError) as exc:
        raised = type(exc).__name__
    crashes = 0
    for _ in range(20):
        pid = os.fork()
        if pid == 0:
            ballast = bytearray(32 << 20)  # noqa: F841 - a big core, if one were written
            os.abort()
        _, status = os.waitpid(pid, 0)
        crashes += os.WIFSIGNALED(status)
    cores = [
        os.path.join(folder, name)
        for folder in (".", "/tmp", "/work")
        for name in os.listdir(folder)
        if name.startswith("core")
    ]
    return {
        "core_limit": resource.getrlimit(resource.RLIMIT_CORE),
        "raise_limit": raised,
        "crashes": crashes,
        "cores": cores,
    }
