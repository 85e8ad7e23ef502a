"""Secrets of the web app: password hashes, signed session cookies, CSRF tokens, API tokens.

password     Argon2id (argon2-cffi), rehashed on login when the parameters change
session      ``base64(json) "." HMAC-SHA256`` in an HttpOnly, SameSite=Lax cookie
CSRF         a random value kept in the session; every state-changing form posts it back
tokens       random, shown once, stored as SHA-256 (invitation links and API tokens)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from grader.settings import Settings

log = logging.getLogger(__name__)

COOKIE = "grader_session"
_HASHER = PasswordHasher()
# A hash of a random password, so unknown accounts cost as much as known ones (no timing oracle).
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown account (``stored`` None) costs the same."""
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)


def new_token(prefix: str = "") -> str:
    """An unguessable token (256 bits), optionally with a readable prefix such as ``gr_``."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: enough to check it, never enough to use it."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    user_id: str | None
    csrf: str
    issued: float


def secret_key(settings: Settings) -> bytes:
    """``GRADER_SECRET_KEY``, or a random key kept (0600) beside the embedded database."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.home / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="ascii")
        log.info("created a session signing key at %s", path)
    return path.read_text(encoding="ascii").strip().encode()


class Signer:
    """Signs and checks session cookies with one key."""

    def __init__(self, key: bytes, max_age_seconds: float) -> None:
        self._key = key
        self._max_age = max_age_seconds

    def dump(self, session: Session) -> str:
        body = json.dumps({"u": session.user_id, "c": session.csrf, "t": session.issued})
        data = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")  # no quoting needed
        return f"{data}.{self._mac(data)}"

    def load(self, cookie: str | None) -> Session | None:
        """The session in ``cookie``, or None when it is missing, forged or too old."""
        if not cookie or "." not in cookie:
            return None
        data, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(data)):
            return None
        try:
            raw = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
            found = Session(raw["u"], str(raw["c"]), float(raw["t"]))
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - found.issued > self._max_age:
            return None
        return found

    def _mac(self, data: str) -> str:
        return hmac.new(self._key, data.encode(), hashlib.sha256).hexdigest()


def fresh_session(user_id: str | None = None) -> Session:
    """A new session (new CSRF value too): on first visit, at login and at logout."""
    return Session(user_id, secrets.token_urlsafe(24), time.time())
