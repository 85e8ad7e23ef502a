"""Results inflation: candidate text that the judge's ASCII-escaped JSON blows up 12-fold."""

EMOJI = "\U0001f600"


def add(a, b):
    raise ValueError(EMOJI * 5000)


def double(n):
    return 2 * n


def probe():
    # Each value is 480 bytes once escaped; 3,000 of them as facts overflow a 1 MiB stream.
    return {f"k{i}": EMOJI * 40 for i in range(3000)}
