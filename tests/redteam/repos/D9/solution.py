"""D9: model.bin is a Git LFS pointer to a 2 GB object served from an internal address."""


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def probe():
    with open("model.bin", "rb") as handle:
        head = handle.read(200)
    return {"size": len(head), "pointer": head.startswith(b"version https://git-lfs")}
