"""A17: probe() starts a daemon that outlives its test; after() looks for it."""

import os
import time

BEAT = "/tmp/heartbeat"


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def probe():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            while True:
                with open(BEAT, "w") as handle:
                    handle.write(str(time.time()))
                time.sleep(0.05)
        os._exit(0)
    time.sleep(0.3)
    return {"started": os.path.exists(BEAT)}


def _others():
    """Live processes of this uid besides this one: (pid, command)."""
    uid, me, found = str(os.getuid()), str(os.getpid()), []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode()[:60]
        except OSError:
            continue
        live = not fields.get("State", "").strip().startswith("Z")
        if pid != me and live and fields.get("Uid", "").split()[:1] == [uid]:
            found.append([pid, command])
    return found


def after():
    try:
        first = os.stat(BEAT).st_mtime
    except OSError:
        return {"beating": False, "others": _others()}
    time.sleep(0.4)
    return {"beating": os.stat(BEAT).st_mtime != first, "others": _others()}
