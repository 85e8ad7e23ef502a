"""Prepare with a fake downloader: parsing, policy, caps and the wheel cache."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pytest

import grader.prepare as prepare_module
from grader.challenge import CandidateSpec, CategorySpec, Challenge, ChallengeSpec
from grader.models import Dependency, Prepared
from grader.prepare import Download, prepare
from grader.prepare.declared import Wanted, find_declared, parse_requirement
from grader.prepare.wheels import cache_key, error_line
from grader.settings import Settings

Policy = Literal["stdlib", "declared", "allowlist"]


class FakeDownloader:
    """Writes one small wheel per requirement; fails the names it is told to."""

    def __init__(self, *, broken: Sequence[str] = (), unreachable: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.broken = set(broken)
        self.unreachable = unreachable

    def __call__(self, requirements: Sequence[str], dest: Path, *, timeout: float) -> Download:
        assert timeout > 0
        self.calls.append(list(requirements))
        if self.unreachable:
            return Download(error="package index unreachable", unreachable=True)
        names = [
            req.split("=")[0].split("[")[0].split("<")[0].split(">")[0] for req in requirements
        ]
        for name in names:
            if name in self.broken:
                return Download(error=f"No matching distribution found for {name}")
        for name in names:
            (dest / f"{name.replace('-', '_')}-1.0-py3-none-any.whl").write_bytes(b"wheel")
        return Download()


def _challenge(policy: Policy = "declared", allowed: tuple[str, ...] = ()) -> Challenge:
    spec = ChallengeSpec(
        id="backend/todo-api",
        version="1",
        title="Todo API",
        specialty="backend",
        candidate=CandidateSpec(kind="cli", dependencies=policy, allowed=allowed),
        categories=(CategorySpec(name="core", weight=1.0),),
    )
    return Challenge(spec=spec, root=Path("/nonexistent"))


def _settings(tmp_path: Path, *, downloads: bool = True) -> Settings:
    return Settings(home=tmp_path / "home", allow_dependency_download=downloads)


def _run(
    tmp_path: Path,
    files: dict[str, bytes],
    fake: FakeDownloader | None = None,
    *,
    challenge: Challenge | None = None,
    downloads: bool = True,
) -> Prepared:
    return prepare(
        files,
        challenge or _challenge(),
        _settings(tmp_path, downloads=downloads),
        downloader=fake or FakeDownloader(),
    )


def _statuses(prepared: Prepared) -> dict[str, str]:
    return {dep.requirement: dep.status for dep in prepared.dependencies}


# --- what the repository declares ---------------------------------------------------------


def test_requirements_txt_skips_comments_and_joins_continuations() -> None:
    text = b"# tools\nrequests>=2 # http\n\nclick\\\n==8.1.7 \\\n    --hash=sha256:abc\n"
    declared = find_declared({"requirements.txt": text})
    assert declared.source == "requirements.txt"
    assert [e.pip_spec for e in declared.entries if isinstance(e, Wanted)] == [
        "requests>=2",
        "click==8.1.7",
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("-r other.txt", "other requirement files are not followed"),
        ("--requirement=other.txt", "other requirement files are not followed"),
        ("-e .", "editable installs"),
        ("--index-url https://example.invalid/simple", "package index"),
        ("--extra-index-url https://example.invalid/simple", "package index"),
        ("-f ./wheels", "package index"),
        ("--pre", "only package requirements"),
        ("mylib @ https://example.invalid/mylib.whl", "direct URL"),
        ("https://example.invalid/mylib-1.0.tar.gz", "URL and path"),
        ("./vendor/mylib", "URL and path"),
        ("not a requirement!", "not a valid requirement"),
    ],
)
def test_requirements_that_need_options_urls_or_paths_are_refused_with_a_reason(
    line: str, reason: str
) -> None:
    (entry,) = find_declared({"requirements.txt": line.encode()}).entries
    assert isinstance(entry, Dependency)
    assert entry.status == "refused"
    assert reason in entry.detail


def test_markers_are_evaluated_for_the_python_the_candidate_runs_on() -> None:
    files = {"requirements.txt": b'taskgroup; python_version < "3.12"\nrich\n'}
    on_311 = [type(e) for e in find_declared(files, python="3.11").entries]
    on_313 = find_declared(files, python="3.13").entries
    assert on_311 == [Wanted, Wanted]
    assert isinstance(on_313[0], Dependency) and "CPython 3.13" in on_313[0].detail
    assert isinstance(on_313[1], Wanted)


def test_markers_are_evaluated_for_linux_cpython_311() -> None:
    assert isinstance(parse_requirement('uvloop; sys_platform == "linux"'), Wanted)
    assert isinstance(parse_requirement('tomli; python_version < "3.11"'), Dependency)
    skipped = parse_requirement('pywin32; sys_platform == "win32"')
    assert isinstance(skipped, Dependency)
    assert "environment marker" in skipped.detail


def test_requirements_are_normalised_for_pip_and_the_cache_key() -> None:
    entry = parse_requirement("Flask_SQLAlchemy[Async, dev] <4,>=3.0")
    assert isinstance(entry, Wanted)
    assert entry.name == "flask-sqlalchemy"
    assert entry.pip_spec == "flask-sqlalchemy[async,dev]<4,>=3.0"
    assert entry.text == "Flask_SQLAlchemy[Async, dev] <4,>=3.0"


def test_pyproject_dependencies_are_used_without_requirements_txt() -> None:
    pyproject = b'[project]\nname = "x"\ndependencies = ["attrs>=23", "rich"]\n'
    declared = find_declared({"pyproject.toml": pyproject, "uv.lock": b""})
    assert declared.source == "pyproject.toml"
    assert [e.pip_spec for e in declared.entries if isinstance(e, Wanted)] == ["attrs>=23", "rich"]


def test_requirements_txt_wins_over_pyproject() -> None:
    files = {
        "requirements.txt": b"six\n",
        "pyproject.toml": b'[project]\nname = "x"\ndependencies = ["attrs"]\n',
    }
    assert find_declared(files).source == "requirements.txt"


def test_requirements_in_a_subfolder_are_not_read() -> None:
    assert find_declared({"app/requirements.txt": b"six\n"}).entries == ()


def test_pipfile_lock_default_packages_are_used_with_their_pins() -> None:
    lock = b'{"default": {"six": {"version": "==1.16.0"}, "mine": {"path": "."}}, "develop": {}}'
    declared = find_declared({"Pipfile.lock": lock})
    specs = [e.pip_spec if isinstance(e, Wanted) else e.status for e in declared.entries]
    assert specs == ["refused", "six==1.16.0"]


def test_poetry_and_uv_locks_are_reported_as_not_used() -> None:
    declared = find_declared({"poetry.lock": b"", "uv.lock": b""})
    assert declared.source == ""
    assert [(d.requirement, d.status) for d in declared.entries if isinstance(d, Dependency)] == [
        ("poetry.lock", "refused"),
        ("uv.lock", "refused"),
    ]
    assert all(
        "declare your dependencies in requirements.txt" in d.detail
        for d in declared.entries
        if isinstance(d, Dependency)
    )


def test_unreadable_declarations_are_refused_not_crashed_on() -> None:
    for files in (
        {"requirements.txt": b"\xff\xfe\x00bad"},
        {"pyproject.toml": b"[project\n"},
        {"pyproject.toml": b'[project]\ndependencies = "six"\n'},
        {"Pipfile.lock": b"[]"},
    ):
        (entry,) = find_declared(files).entries
        assert isinstance(entry, Dependency) and entry.status == "refused"


# --- the challenge's policy and the caps --------------------------------------------------


def test_a_stdlib_challenge_refuses_every_requirement(tmp_path: Path) -> None:
    fake = FakeDownloader()
    prepared = _run(
        tmp_path, {"requirements.txt": b"six\nattrs\n"}, fake, challenge=_challenge("stdlib")
    )
    assert _statuses(prepared) == {"six": "refused", "attrs": "refused"}
    assert prepared.dependencies[0].detail == "this challenge allows the standard library only"
    assert prepared.wheels == ()
    assert fake.calls == []


def test_an_allowlist_challenge_matches_normalised_names(tmp_path: Path) -> None:
    challenge = _challenge("allowlist", allowed=("Typing_Extensions",))
    prepared = _run(
        tmp_path, {"requirements.txt": b"typing.extensions\nleftpad\n"}, challenge=challenge
    )
    assert _statuses(prepared) == {"typing.extensions": "installed", "leftpad": "refused"}
    assert "allowlist (allowed: typing-extensions)" in prepared.dependencies[1].detail


def test_more_than_fifty_requirements_are_all_refused(tmp_path: Path) -> None:
    reqs = "\n".join(f"pkg{i}" for i in range(51)).encode()
    fake = FakeDownloader()
    prepared = _run(tmp_path, {"requirements.txt": reqs}, fake)
    assert {d.status for d in prepared.dependencies} == {"refused"}
    assert "at most 50" in prepared.dependencies[0].detail
    assert fake.calls == []


def test_wheels_over_the_size_cap_are_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare_module, "MAX_WHEEL_BYTES", 4)
    prepared = _run(tmp_path, {"requirements.txt": b"six\n"})
    assert _statuses(prepared) == {"six": "failed"}
    assert "over the 0 MB limit" in prepared.dependencies[0].detail
    assert prepared.wheels == ()


# --- downloads and the cache --------------------------------------------------------------


def test_installed_requirements_name_their_wheel_and_the_wheels_are_host_paths(
    tmp_path: Path,
) -> None:
    prepared = _run(tmp_path, {"requirements.txt": b"attrs\nsix\n"})
    assert prepared.dependencies == (
        Dependency("attrs", "installed", "attrs-1.0-py3-none-any.whl"),
        Dependency("six", "installed", "six-1.0-py3-none-any.whl"),
    )
    assert len(prepared.wheels) == 2
    for wheel in prepared.wheels:
        assert Path(wheel).is_absolute() and Path(wheel).is_file()
        assert Path(wheel).is_relative_to(tmp_path / "home" / "wheels")
    assert list(prepared.wheels) == sorted(prepared.wheels)


def test_a_second_prepare_of_the_same_requirements_hits_the_cache(tmp_path: Path) -> None:
    fake = FakeDownloader()
    first = _run(tmp_path, {"requirements.txt": b"six\nattrs\n"}, fake)
    second = _run(tmp_path, {"requirements.txt": b"attrs  # reordered\nsix\n"}, fake)
    assert fake.calls == [["attrs", "six"]]
    assert second.wheels == first.wheels


def test_a_cache_miss_with_downloads_disabled_fails_each_requirement(tmp_path: Path) -> None:
    fake = FakeDownloader()
    prepared = _run(tmp_path, {"requirements.txt": b"six\n"}, fake, downloads=False)
    assert _statuses(prepared) == {"six": "failed"}
    assert "downloads disabled" in prepared.dependencies[0].detail
    assert fake.calls == []


def test_one_unavailable_requirement_fails_alone_and_the_rest_install(tmp_path: Path) -> None:
    fake = FakeDownloader(broken=["nosuchpkg"])
    prepared = _run(tmp_path, {"requirements.txt": b"six\nnosuchpkg==1\nattrs\n"}, fake)
    assert _statuses(prepared) == {
        "six": "installed",
        "nosuchpkg==1": "failed",
        "attrs": "installed",
    }
    assert prepared.dependencies[1].detail == "No matching distribution found for nosuchpkg"
    assert [Path(w).name for w in prepared.wheels] == [
        "attrs-1.0-py3-none-any.whl",
        "six-1.0-py3-none-any.whl",
    ]


def test_an_unreachable_index_fails_everything_once_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeDownloader(unreachable=True)
    with caplog.at_level(logging.WARNING, logger="grader.prepare"):
        prepared = _run(tmp_path, {"requirements.txt": b"six\nattrs\n"}, fake)
    assert {d.detail for d in prepared.dependencies} == {"package index unreachable"}
    assert len(fake.calls) == 1
    assert "package index unreachable" in caplog.text


def test_a_failed_download_leaves_nothing_in_the_cache(tmp_path: Path) -> None:
    _run(tmp_path, {"requirements.txt": b"nosuchpkg\n"}, FakeDownloader(broken=["nosuchpkg"]))
    cache = tmp_path / "home" / "wheels"
    assert sorted(p.name for p in cache.iterdir()) == ["sets", "store"]
    assert list(cache.rglob("*.*")) == []


def test_nothing_declared_means_nothing_downloaded(tmp_path: Path) -> None:
    fake = FakeDownloader()
    assert _run(tmp_path, {"main.py": b"print(1)\n"}, fake) == Prepared()
    assert fake.calls == []


def test_the_cache_key_ignores_order_and_duplicates() -> None:
    assert cache_key(["b", "a", "a"]) == cache_key(["a", "b"])
    assert cache_key(["a"]) != cache_key(["a==1"])


def test_error_line_is_pips_first_error_without_control_characters() -> None:
    output = (
        "Collecting nope\n"
        "\x1b[31mERROR: Could not find a version that satisfies the requirement nope\x07\x1b[0m\n"
        "ERROR: No matching distribution found for nope\n"
    )
    assert error_line(output) == "Could not find a version that satisfies the requirement nope"
    assert error_line("Traceback\nOSError: disk full\n\n") == "OSError: disk full"
