"""``grader challenges new``: a challenge folder that validates as generated.

Each kind (``cli``, ``service``, ``functions``) is a small, complete challenge under
``templates/<kind>/``: brief, starter, reference, hidden tests through the harness helpers,
manifest, samples with bands, and a listed mutant. Files end in ``.tmpl`` (so no tool mistakes
them for the grader's own code) and may use ``__ID__``, ``__SPECIALTY__``, ``__SLUG__`` and
``__TITLE__``. An author starts from green and changes one thing at a time.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Literal

from grader.challenge import challenge_folders
from grader.errors import ChallengeError

log = logging.getLogger(__name__)

Kind = Literal["cli", "service", "functions"]
KINDS: tuple[Kind, ...] = ("cli", "service", "functions")
TEMPLATES = Path(__file__).resolve().parent / "templates"
SUFFIX = ".tmpl"
_ID = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+$")


def scaffold(challenge_id: str, kind: Kind, target: Path, roots: tuple[Path, ...]) -> Path:
    """Write the ``kind`` template as ``target/<challenge_id>``; return the new folder.

    Refuses an id that is not ``specialty/slug``, or that any of ``roots`` already holds.
    """
    if not _ID.match(challenge_id):
        raise ChallengeError(
            f"{challenge_id!r} is not a challenge id",
            hint="use lower-case letters, digits and '-', as specialty/slug: backend/orders-api",
        )
    taken = [f for f in challenge_folders((target, *roots)) if _id_of(f) == challenge_id]
    folder = target / challenge_id
    if taken or folder.exists():
        where = taken[0] if taken else folder
        raise ChallengeError(
            f"{challenge_id} already exists at {where}", hint="pick another slug: ids are unique"
        )
    specialty, slug = challenge_id.split("/")
    values = {
        "__ID__": challenge_id,
        "__SPECIALTY__": specialty,
        "__SLUG__": slug,
        "__TITLE__": slug.replace("-", " ").capitalize(),
    }
    source = TEMPLATES / kind
    for path in sorted(source.rglob(f"*{SUFFIX}")):
        dest = folder / path.relative_to(source).with_suffix("")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(_fill(path.read_text(encoding="utf-8"), values), encoding="utf-8")
    log.info("wrote the %s template to %s", kind, folder)
    return folder


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _id_of(folder: Path) -> str:
    return f"{folder.parent.name}/{folder.name}"
