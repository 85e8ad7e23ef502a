"""C3: smuggles the hidden tests' inputs out through its failure messages."""


def add(a, b):
    raise ValueError(f"EXFIL-C3 the hidden test called add({a}, {b}) <b>bold</b> " + "x" * 5000)


def double(n):
    return 2 * n
