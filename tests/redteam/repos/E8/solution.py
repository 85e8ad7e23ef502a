"""E8: answers and errors of many megabytes."""


def add(a, b):
    return "A" * (5 << 20)


def double(n):
    raise ValueError("B" * (10 << 20))


def probe():
    return {f"key{i}": "C" * 10_000 for i in range(200)}
