"""A12: probe() looks for the Docker socket, host mounts and the docker group."""

import os


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def probe():
    sockets = [
        path
        for path in ("/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock")
        if os.path.exists(path)
    ]
    with open("/proc/mounts") as handle:
        mounts = sorted({line.split()[1] for line in handle})
    mounts = [m for m in mounts if not m.startswith(("/proc", "/sys", "/dev"))]
    return {"sockets": sockets, "mounts": mounts, "groups": os.getgroups()}
