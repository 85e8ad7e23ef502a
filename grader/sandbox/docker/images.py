"""The runner base images and each challenge's images, built only when their inputs change.

A base is built offline per Python version: a Debian ``debootstrap`` rootfs with Python,
pytest and pip (3.11 from bookworm, 3.13 from trixie), turned into an image with ``docker
import``. Its tag carries a hash of the recipe, so a changed recipe builds a new image and an
unchanged one is reused. A challenge image is ``FROM`` the base of one Python version (build
argument ``RUNNER_BASE``) and tagged with a hash of its inputs, the base's tag included.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from grader.challenge import Challenge
from grader.errors import ImageError
from grader.models import DEFAULT_PYTHON
from grader.sandbox.docker.container import DOCKER_FAULTS
from grader.sandbox.docker.recipes import RECIPES, Recipe
from grader.sandbox.layout import DEPS_DIR, JUDGE_DIR, SUBMISSION_DIR, WORK_DIR
from grader.sandbox.port import WheelDownloader
from grader.settings import Settings

log = logging.getLogger(__name__)

BASE_REPOSITORY = "grader-runner-base"
CHALLENGE_REPOSITORY = "grader-challenge"
SERVICE_REPOSITORY = "grader-service"
BASE_PACKAGES = (
    "python3",
    "python3-pytest",
    "python3-pip",
    "python3-coverage",  # line coverage of the candidate's own tests
    "ca-certificates",
)
# Bump when the rootfs preparation below changes in a way the hash cannot see.
BASE_RECIPE_VERSION = "1"
SERVICE_RECIPE_VERSION = "2"
DEBOOTSTRAP_TIMEOUT = 900
WHEELS_DIR = "wheels"
STAMP_PYTHON = "# python "
# The Debian release whose python3 is each offered version (grader.models.PYTHON_VERSIONS).
SUITES = {"3.11": "bookworm", "3.13": "trixie"}

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


def base_tag(settings: Settings, python: str = DEFAULT_PYTHON) -> str:
    """The tag of the runner base for one Python (a configured image wins for the default)."""
    if settings.runner_base_image and python == DEFAULT_PYTHON:
        return settings.runner_base_image
    suite = SUITES[python]
    recipe = "|".join((BASE_RECIPE_VERSION, suite, *BASE_PACKAGES))
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    return f"{BASE_REPOSITORY}:{suite}-{digest}"


def image_exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def ensure_base_image(
    client: docker.DockerClient,
    settings: Settings,
    progress: Progress = _quiet,
    *,
    python: str = DEFAULT_PYTHON,
) -> str:
    """Return the base tag, pulling a configured image or building ours when it is missing."""
    tag = base_tag(settings, python)
    if image_exists(client, tag):
        return tag
    if tag == settings.runner_base_image:
        progress(f"pulling {tag}")
        try:
            client.images.pull(tag)
        except DOCKER_FAULTS as exc:
            raise ImageError(
                f"the configured runner base {tag} is not local and cannot be pulled",
                hint="unset GRADER_RUNNER_BASE_IMAGE to build the base offline",
            ) from exc
        return tag
    changes = ["ENV LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin", 'CMD ["python3"]']
    recipe = DebianImage(tag, SUITES[python], BASE_PACKAGES, _prepare_rootfs, changes)
    build_debian_image(client, recipe, progress)
    return tag


@dataclass(frozen=True, slots=True)
class DebianImage:
    """What ``build_debian_image`` makes: a tag, from a suite's packages, prepared, changed."""

    tag: str
    suite: str
    packages: tuple[str, ...]
    prepare: Callable[[Path], None]
    changes: list[str]


def build_debian_image(client: docker.DockerClient, image: DebianImage, progress: Progress) -> None:
    """``debootstrap`` a minimal rootfs with the packages, prepare it, ``docker import`` it."""
    tag = image.tag
    if shutil.which("debootstrap") is None:
        raise ImageError(
            "debootstrap is not installed, so sandbox images cannot be built offline",
            hint="run `scripts/setup` (it installs debootstrap), or `apt-get install debootstrap`",
        )
    with tempfile.TemporaryDirectory(prefix="grader-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        progress(f"debootstrap {image.suite} for {tag} (about a minute)")
        _run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(image.packages)}",
                image.suite,
                str(rootfs),
                debian_mirror(),
            ],
            "debootstrap",
        )
        image.prepare(rootfs)
        archive = Path(tmp) / "rootfs.tar"
        progress("packing the rootfs")
        _run(["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(archive), "."], "tar")
        progress(f"docker import as {tag}")
        repository, _, version = tag.partition(":")
        try:
            client.api.import_image_from_file(
                str(archive), repository=repository, tag=version, changes=image.changes
            )
        except DOCKER_FAULTS as exc:
            raise ImageError(f"docker import of {tag} failed: {exc}") from exc
    log.info("built %s", tag)


def _trim_caches(rootfs: Path) -> None:
    for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for entry in (rootfs / cache).glob("*"):
            if entry.is_file():
                entry.unlink()


def _prepare_rootfs(rootfs: Path) -> None:
    """Trim caches and create the sandbox's mount points with their modes (see docs/sandbox.md)."""
    _trim_caches(rootfs)
    # Anonymous volumes copy the mode of the image folder they are mounted on.
    for folder, mode in (
        (JUDGE_DIR, 0o700),
        (SUBMISSION_DIR, 0o755),
        (DEPS_DIR, 0o755),
        (WORK_DIR, 0o1777),
    ):
        path = rootfs / folder.lstrip("/")
        path.mkdir(exist_ok=True)
        path.chmod(mode)


def service_tag(name: str, settings: Settings) -> str:
    """The image of one sidecar service, e.g. ``grader-service-postgres:bookworm-<hash>``."""
    recipe = RECIPES[name]
    scripts = (f"{path}\n{text}" for path, text in sorted(recipe.scripts.items()))
    parts = (SERVICE_RECIPE_VERSION, settings.debian_suite, *recipe.packages, *scripts)
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]
    return f"{SERVICE_REPOSITORY}-{name}:{settings.debian_suite}-{digest}"


def ensure_service_image(
    client: docker.DockerClient, name: str, settings: Settings, progress: Progress = _quiet
) -> str:
    """The service's image tag, built offline from Debian packages when it is missing."""
    tag = service_tag(name, settings)
    if not image_exists(client, tag):
        recipe = RECIPES[name]
        prepare = functools.partial(_prepare_service_rootfs, recipe)
        changes = ["ENV LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin"]
        image = DebianImage(tag, settings.debian_suite, recipe.packages, prepare, changes)
        build_debian_image(client, image, progress)
    return tag


def _prepare_service_rootfs(recipe: Recipe, rootfs: Path) -> None:
    """Trim caches, install the service's scripts, create its data mount points."""
    _trim_caches(rootfs)
    for path, text in recipe.scripts.items():
        script = rootfs / path.lstrip("/")
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text(text, encoding="utf-8")
        script.chmod(0o755)
    for folder in recipe.data:  # a tmpfs mounted here takes this folder's mode
        data = rootfs / folder.lstrip("/")
        data.mkdir(exist_ok=True)
        data.chmod(0o1777)


def debian_mirror() -> str:
    """The Debian mirror this machine's apt uses (so the build needs no other network)."""
    sources = [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]
    for source in sources:
        if not source.is_file():
            continue
        for line in source.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if words[:1] == ["URIs:"] and "security" not in line:
                return words[1]
            if words[:1] == ["deb"] and len(words) > 2 and "security" not in line:
                return words[1] if not words[1].startswith("[") else words[2]
    raise ImageError(
        "cannot tell which Debian mirror to build the runner base from",
        hint="configure the Debian mirror in apt sources, or set GRADER_RUNNER_BASE_IMAGE",
    )


def challenge_tag(challenge: Challenge, settings: Settings, python: str = DEFAULT_PYTHON) -> str:
    """The image a challenge runs in on one Python: the base itself, or its own image tagged
    by a hash of its inputs (the base's tag among them)."""
    base = base_tag(settings, python)
    dockerfile = challenge.dockerfile
    if dockerfile is None:
        return base
    digest = hashlib.sha256(base.encode())
    context = dockerfile.parent
    # The Dockerfile's folder is the build context (``image/`` by convention): it must never
    # hold hidden tests, since everything in an image is readable by the candidate uid.
    # ``wheels/`` is generated from ``requirements.txt`` (which is hashed), so it is skipped.
    files = (p for p in context.rglob("*") if p.is_file() and WHEELS_DIR not in p.parts)
    for path in sorted(files):
        digest.update(str(path.relative_to(context)).encode())
        digest.update(path.read_bytes())
    name = challenge.id.replace("/", "-")
    return f"{CHALLENGE_REPOSITORY}-{name}:{digest.hexdigest()[:12]}"


def ensure_challenge_image(
    client: docker.DockerClient,
    challenge: Challenge,
    settings: Settings,
    progress: Progress = _quiet,
    downloader: WheelDownloader | None = None,
    *,
    python: str = DEFAULT_PYTHON,
) -> str:
    """The challenge's image tag for one Python; builds the base, the challenge image and the
    images of the services the challenge declares, when missing."""
    base = ensure_base_image(client, settings, progress, python=python)
    for service in challenge.spec.services:
        ensure_service_image(client, service, settings, progress)
    tag = challenge_tag(challenge, settings, python)
    if tag == base or image_exists(client, tag):
        return tag
    dockerfile = challenge.dockerfile
    assert dockerfile is not None  # challenge_tag returned the base otherwise
    _fetch_image_wheels(dockerfile.parent, progress, downloader, python)
    progress(f"building {tag}")
    try:
        client.images.build(
            path=str(dockerfile.parent),
            dockerfile=dockerfile.name,
            tag=tag,
            buildargs={"RUNNER_BASE": base},
            rm=True,
            forcerm=True,
            network_mode="none",
            pull=False,
        )
    except docker.errors.BuildError as exc:
        raise ImageError(f"the image for {challenge.id} failed to build: {exc.msg}") from exc
    except DOCKER_FAULTS as exc:
        raise ImageError(f"the image for {challenge.id} failed to build: {exc}") from exc
    return tag


def _fetch_image_wheels(
    context: Path, progress: Progress, downloader: WheelDownloader | None, python: str
) -> None:
    """Download the wheels ``context/requirements.txt`` pins, for one Python, into
    ``context/wheels/``.

    The image build has no network: its Dockerfile installs from this folder with
    ``pip install --no-index --find-links wheels``, which picks each Python's own wheels.
    The stamp ``wheels/.requirements`` holds the requirements and, after ``# python``, the
    versions already downloaded; changed requirements start the folder afresh.
    """
    requirements_file = context / "requirements.txt"
    if not requirements_file.is_file():
        return
    text = requirements_file.read_text(encoding="utf-8")
    stamp = context / WHEELS_DIR / ".requirements"
    done = _stamped(stamp, text)
    if python in done:
        return
    requirements = [
        line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()
    ]
    if downloader is None:
        raise ImageError(
            f"the image in {context} needs wheels for {requirements_file.name}, and this "
            "sandbox was opened without a wheel downloader",
            hint="run `grader setup`, which downloads them",
        )
    progress(f"downloading {len(requirements)} pinned requirements for {context.parent.name}")
    if not done:
        shutil.rmtree(context / WHEELS_DIR, ignore_errors=True)
    result = downloader(requirements, context / WHEELS_DIR, python=python)
    if not result.ok:
        raise ImageError(
            f"could not download the image's wheels for Python {python}: {result.error}",
            hint=f"check the pins in {requirements_file} have binary wheels for CPython {python}",
        )
    versions = " ".join(sorted({*done, python}))
    stamp.write_text(f"{text}{STAMP_PYTHON}{versions}\n", encoding="utf-8")


def _stamped(stamp: Path, text: str) -> set[str]:
    """The Pythons whose wheels the folder holds for exactly these requirements."""
    if not stamp.is_file():
        return set()
    stamped = stamp.read_text(encoding="utf-8")
    if stamped == text:  # written before there was more than one Python
        return {DEFAULT_PYTHON}
    requirements, marker, versions = stamped.rpartition(STAMP_PYTHON)
    return set(versions.split()) if marker and requirements == text else set()


def _run(argv: list[str], what: str) -> None:
    try:
        subprocess.run(argv, check=True, capture_output=True, timeout=DEBOOTSTRAP_TIMEOUT)
    except subprocess.CalledProcessError as exc:
        tail = (
            exc.stderr.decode("utf-8", "replace")[-2000:]
            or exc.stdout.decode("utf-8", "replace")[-2000:]
        )
        raise ImageError(f"{what} failed (exit {exc.returncode}): {tail}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ImageError(f"{what} did not finish within {DEBOOTSTRAP_TIMEOUT}s") from exc
