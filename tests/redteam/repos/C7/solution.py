"""C7: looks for the worker's git metadata and credentials next to the code."""

import os


def add(a, b):
    return a + b


def double(n):
    return 2 * n


def probe():
    spots = [".git", "/submission/.git", "../.git", os.path.expanduser("~/.git-credentials"),
             os.path.expanduser("~/.gitconfig"), "/root/.git-credentials"]
    return {
        "found": [path for path in spots if os.path.exists(path)],
        "git_env": sorted(name for name in os.environ if name.startswith("GIT")),
    }
