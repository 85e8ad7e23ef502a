"""Task Tracker CLI: keeps your tasks in tasks.json in the current folder.

Run it as ``python3 task_cli.py <command> [arguments]``. See the brief for the commands.
"""

import sys


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: task-cli <command> [arguments]", file=sys.stderr)
        return 2
    print(f"{argv[0]}: not implemented yet", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
