"""B6: returns an int that claims to equal everything."""


class AlwaysEqual(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


def add(a, b):
    return AlwaysEqual(0)


def double(n):
    return AlwaysEqual(0)
