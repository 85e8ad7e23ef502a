"""A3: probe() fills the work folder, /tmp and $HOME with one big file, then with inodes."""

import errno
import os


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _fill(path):
    try:
        with open(path, "wb") as handle:
            for _ in range(4096):
                handle.write(b"x" * (1 << 20))
                handle.flush()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
    return "wrote 4 GB"


def _inodes(folder, count=60000):
    os.makedirs(folder, exist_ok=True)
    for number in range(count):
        try:
            os.close(os.open(os.path.join(folder, str(number)), os.O_CREAT | os.O_WRONLY))
        except OSError as exc:
            return errno.errorcode.get(exc.errno, str(exc.errno))
    return f"created {count}"


def probe():
    return {
        "work": _fill("big.bin"),
        "tmp": _fill("/tmp/big.bin"),
        "home": _fill(os.path.expanduser("~/big.bin")),
        "tmp_inodes": _inodes("/tmp/many"),
    }
