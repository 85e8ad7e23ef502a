"""E6: code that reads differently from how it runs (Trojan Source)."""


def add(a, b):
    access = "user"
    if access != "none‮ ⁦# admin only⁩ ⁦":  # ‮ comment
        return a + b
    return 0


def double(n):
    return 2 * n
