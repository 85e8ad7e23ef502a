"""Repository hygiene: dependencies declared and pinned, a README that says how to run it,
what the challenge asks to ship (Dockerfile, compose), and what should never be committed."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import PurePosixPath

from grader.analyse.rules import Hit

LOCK_FILES = frozenset({"uv.lock", "poetry.lock", "Pipfile.lock", "pdm.lock", "requirements.lock"})
_REQUIREMENTS = re.compile(r"^requirements[\w.-]*\.(?:txt|in)$")
_PINNED = re.compile(r"==|===|@\s*\S+\.whl|--hash")
_RUN_WORDS = re.compile(
    r"```|python3? -m|\bpip install\b|\buv run\b|\bdocker compose\b|^\s*\$ ", re.M
)
_DECLARING = {
    "pyproject.toml": b"dependencies",
    "setup.py": b"install_requires",
    "setup.cfg": b"install_requires",
    "Pipfile": b"[packages]",
}
_ENV_NAME = re.compile(r"^\.env(?:\.[\w-]+)?$")
_ENV_EXAMPLES = frozenset({"example", "sample", "template", "dist", "defaults"})
_VENV_MARKERS = frozenset({"pyvenv.cfg"})
_VENV_DIRS = frozenset({"site-packages", "venv", ".venv", "env"})
EXPECTABLE = {
    "dockerfile": ("Dockerfile", re.compile(r"(?:^|/)(?:[\w.-]+\.)?Dockerfile(?:\.[\w-]+)?$")),
    "compose": ("compose.yaml", re.compile(r"(?:^|/)(?:docker-)?compose\.ya?ml$")),
}


def repo_hygiene(files: Mapping[str, bytes], expects: Collection[str] = ()) -> Iterator[Hit]:
    """Hits for the whole tree (path -> content); ``expects`` names files the challenge asks for
    (keys of :data:`EXPECTABLE`)."""
    yield from _dependencies(files)
    yield from _readme(files)
    yield from _committed(files)
    for kind in sorted(expects):
        label, pattern = EXPECTABLE[kind]
        if not any(pattern.search(path) for path in files):
            yield Hit("missing-file", f"no {label}: the challenge asks for one", label)


def _dependencies(files: Mapping[str, bytes]) -> Iterator[Hit]:
    names = {path: PurePosixPath(path).name for path in files}
    locked = any(name in LOCK_FILES for name in names.values())
    requirements = sorted(p for p, n in names.items() if _REQUIREMENTS.match(n))
    for path in requirements:
        loose = [n for n, line in _requirement_lines(files[path]) if not _PINNED.search(line)]
        if loose and not locked:
            yield Hit(
                "unpinned-dependencies",
                f"{len(loose)} requirement(s) without an exact version (==) and no lock file: "
                "installs can change under the candidate's feet",
                path,
                loose[0],
            )
    declaring = sorted(p for p, n in names.items() if _declares(n, files[p]))
    if declaring and not locked and not requirements:
        yield Hit(
            "no-lock-file",
            "dependencies are declared but no lock file (uv.lock, poetry.lock ...) pins them",
            declaring[0],
        )


def _declares(name: str, data: bytes) -> bool:
    """A project file that lists third-party dependencies."""
    marker = _DECLARING.get(name)
    return marker is not None and marker in data


def _requirement_lines(data: bytes) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            yield number, line


def _readme(files: Mapping[str, bytes]) -> Iterator[Hit]:
    readmes = sorted(p for p in files if "/" not in p and p.lower().startswith("readme"))
    if not readmes:
        yield Hit("no-readme", "no README at the top of the repository")
        return
    if not _RUN_WORDS.search(files[readmes[0]].decode("utf-8", "replace")):
        yield Hit(
            "no-readme", "the README does not say how to install or run the program", readmes[0]
        )


def _committed(files: Mapping[str, bytes]) -> Iterator[Hit]:
    venv = bytecode = ""
    for path in sorted(files):
        p = PurePosixPath(path)
        if _ENV_NAME.match(p.name) and p.name.rsplit(".", 1)[-1] not in _ENV_EXAMPLES:
            yield Hit(
                "committed-env",
                f"{p.name} is committed: environment files usually hold secrets and belong "
                "in .gitignore (commit a .env.example instead)",
                path,
            )
        if not venv and (p.name in _VENV_MARKERS or _VENV_DIRS & set(p.parts[:-1])):
            venv = path
        if not bytecode and ("__pycache__" in p.parts or p.suffix in {".pyc", ".pyo"}):
            bytecode = path
    if venv:
        yield Hit("committed-build", "a virtual environment is committed", venv)
    if bytecode:
        yield Hit("committed-build", "compiled bytecode (__pycache__, .pyc) is committed", bytecode)
