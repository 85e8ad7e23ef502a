import sys

print("\x1b[2J\rHello, Ada!\x1b[0m")
