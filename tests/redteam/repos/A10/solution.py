"""A10: probe() hunts for setuid binaries and tries to become root through them."""

import os
import stat
import subprocess


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _setuid_binaries():
    found = []
    for folder in ("/bin", "/sbin", "/usr/bin", "/usr/sbin"):
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            try:
                if os.stat(path).st_mode & stat.S_ISUID:
                    found.append(path)
            except OSError:
                pass
    return found


def _mount_options(target):
    with open("/proc/mounts") as handle:
        for line in handle:
            parts = line.split()
            if parts[1] == target:
                return parts[3]
    return ""


def probe():
    binaries = _setuid_binaries()
    status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines())
    mount = subprocess.run(["mount", "-t", "tmpfs", "none", "/mnt"], capture_output=True, timeout=1)
    umount = subprocess.run(["umount", "/work"], capture_output=True, timeout=1)
    return {
        "setuid_binaries": len(binaries),
        "no_new_privs": status.get("NoNewPrivs", "").strip(),
        "setuid_mount": "mounted" if mount.returncode == 0 else "refused",
        "setuid_umount": "unmounted" if umount.returncode == 0 else "refused",
        "work_options": _mount_options("/work"),
        "tmp_options": _mount_options("/tmp"),
        "shm_options": _mount_options("/dev/shm"),
    }
