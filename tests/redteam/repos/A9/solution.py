"""A9: probe() tries privileged system calls; each should fail with EPERM or the like."""

import ctypes
import errno
import os
import socket

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x00020000, 0x40000000
PTRACE_ATTACH = 16
SYS_KEYCTL, SYS_ADD_KEY = 250, 248  # x86_64


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _result(value):
    if value == -1:
        return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
    return "allowed"


def _os(call, *args):
    try:
        call(*args)
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    return "allowed"


def _raw_socket():
    try:
        socket.socket(socket.AF_PACKET, socket.SOCK_RAW).close()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    return "allowed"


def _write(path, text):
    try:
        with open(path, "w") as handle:
            handle.write(text)
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    return "allowed"


def probe():
    return {
        "mount": _result(_libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)),
        "unshare_user": _result(_libc.unshare(CLONE_NEWUSER)),
        "unshare_mount": _result(_libc.unshare(CLONE_NEWNS)),
        "unshare_net": _result(_libc.unshare(CLONE_NEWNET)),
        "ptrace_pid1": _result(_libc.ptrace(PTRACE_ATTACH, 1, None, None)),
        "add_key": _result(_libc.syscall(SYS_ADD_KEY, b"user", b"k", b"v", 1, -4)),
        "raw_socket": _raw_socket(),
        "sysctl": _write("/proc/sys/kernel/hostname", "pwned"),
        "setuid0": _os(os.setuid, 0),
        "chroot": _os(os.chroot, "/tmp"),
        "kill_pid1": _os(os.kill, 1, 9),
    }
