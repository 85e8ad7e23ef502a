"""Webhooks for ATS integrations: signed JSON on graded, flagged and not_gradable runs.

Each request carries ``Grader-Signature: t=<unix seconds>,v1=<hex>`` where ``v1`` is
HMAC-SHA256 of ``"<t>.<body>"`` under the webhook's secret (the payment providers' scheme):
receivers recompute it, compare in constant time, and refuse old timestamps.

Delivery is an outbox read from the database, so any web process may send and none loses an
event: :func:`collect` adds one pending delivery per (webhook, finished run);
:func:`deliver_due` sends what is due and retries failures with exponential backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from grader.errors import GraderError
from grader.store.tables import RunTable, SubmissionTable, utcnow
from grader.store.web_tables import OrgSubmissionTable, WebhookDeliveryTable, WebhookTable

log = logging.getLogger(__name__)

Sessions = sessionmaker[Session]
EVENTS = ("graded", "flagged", "not_gradable")
MAX_TRIES = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=2)
LEASE = timedelta(seconds=60)
TIMEOUT_SECONDS = 10.0
BATCH = 50

Post = Callable[[str, bytes, dict[str, str]], int]  # url, body, headers -> HTTP status


class WebhookError(GraderError):
    """A webhook that cannot be created as asked."""


@dataclass(frozen=True, slots=True)
class Hook:
    id: str
    url: str
    active: bool
    created_at: datetime


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def create(db: Sessions, org_id: str, url: str) -> str:
    """Add a webhook; returns its signing secret, shown once."""
    if not url.startswith(("https://", "http://")) or len(url) > 2048:
        raise WebhookError(
            f"{url[:80]!r} is not an http(s) URL", hint="e.g. https://ats.example.com/hooks/grader"
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    with db.begin() as session:
        session.add(WebhookTable(org_id=org_id, url=url, secret=secret, active=True))
    return secret


def hooks(db: Sessions, org_id: str) -> list[Hook]:
    query = sa.select(WebhookTable).where(WebhookTable.org_id == org_id)
    with db() as session:
        rows = session.scalars(query.order_by(WebhookTable.created_at))
        return [Hook(h.id, h.url, h.active, h.created_at) for h in rows]


def set_active(db: Sessions, org_id: str, hook_id: str, active: bool) -> None:
    with db.begin() as session:
        hook = session.get(WebhookTable, hook_id)
        if hook is None or hook.org_id != org_id:
            raise WebhookError("no such webhook in your organisation", hint="reload the page")
        hook.active = active


def deliveries(db: Sessions, org_id: str, hook_id: str, limit: int = 50) -> list[Any]:
    query = (
        sa.select(WebhookDeliveryTable)
        .join(WebhookTable, WebhookTable.id == WebhookDeliveryTable.webhook_id)
        .where(WebhookTable.org_id == org_id, WebhookTable.id == hook_id)
        .order_by(WebhookDeliveryTable.created_at.desc())
        .limit(limit)
    )
    with db() as session:
        return list(session.scalars(query))


def collect(db: Sessions) -> int:
    """Add a pending delivery for every finished run an active webhook has not seen."""
    _D, _R, _L = WebhookDeliveryTable, RunTable, OrgSubmissionTable
    seen = sa.exists().where(_D.webhook_id == WebhookTable.id, _D.run_id == _R.id)
    query = (
        sa.select(WebhookTable.id, _R, _L)
        .join(_L, _L.org_id == WebhookTable.org_id)
        .join(SubmissionTable, SubmissionTable.id == _L.submission_id)
        .join(_R, _R.submission_id == SubmissionTable.id)
        .where(
            WebhookTable.active.is_(True),
            _R.outcome.in_(EVENTS),
            _R.created_at >= WebhookTable.created_at,
            ~seen,
        )
        .limit(BATCH)
    )
    with db.begin() as session:
        found = session.execute(query).all()
        for hook_id, run, link in found:
            session.add(
                _D(
                    webhook_id=hook_id,
                    run_id=run.id,
                    event=f"submission.{run.outcome}",
                    payload=_payload(run, link),
                    tries=0,
                    status="pending",
                    last_error="",
                    next_at=utcnow(),
                )
            )
    return len(found)


def _payload(run: RunTable, link: OrgSubmissionTable) -> dict[str, Any]:
    return {
        "event": f"submission.{run.outcome}",
        "submission_id": run.submission_id,
        "run_id": run.id,
        "attempt": run.attempt,
        "challenge": {"id": run.challenge_id, "version": run.challenge_version},
        "outcome": run.outcome,
        "score": run.score,
        "candidate": {"name": link.candidate_name, "email": link.candidate_email},
        "report": f"/api/v1/submissions/{run.submission_id}/report",
    }


def deliver_due(db: Sessions, post: Post | None = None, now: datetime | None = None) -> int:
    """Send every pending delivery that is due; returns how many succeeded."""
    now = now or utcnow()
    send = post or http_post
    due = (
        sa.select(WebhookDeliveryTable.id, WebhookDeliveryTable.next_at)
        .where(WebhookDeliveryTable.status == "pending", WebhookDeliveryTable.next_at <= now)
        .limit(BATCH)
    )
    with db() as session:
        candidates = session.execute(due).all()
    return sum(_deliver(db, delivery_id, at, now, send) for delivery_id, at in candidates if at)


def _deliver(db: Sessions, delivery_id: str, was: datetime, now: datetime, send: Post) -> bool:
    _D = WebhookDeliveryTable
    with db.begin() as session:  # claim: another web process may be looking at the same row
        claimed = session.execute(
            sa.update(_D).where(_D.id == delivery_id, _D.next_at == was).values(next_at=now + LEASE)
        )
        if int(getattr(claimed, "rowcount", 0)) != 1:
            return False
        row = session.get_one(_D, delivery_id)
        hook = session.get_one(WebhookTable, row.webhook_id)
        url, secret, payload = hook.url, hook.secret, row.payload
    body = json.dumps(payload, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "grader-webhooks",
        "Grader-Event": str(payload["event"]),
        "Grader-Delivery": delivery_id,
        "Grader-Signature": sign(secret, int(now.timestamp()), body),
    }
    code, error = _attempt(send, url, body, headers)
    with db.begin() as session:
        row = session.get_one(_D, delivery_id)
        row.tries += 1
        row.last_code, row.last_error, row.updated_at = code, error, now
        ok = code is not None and 200 <= code < 300
        row.status = "delivered" if ok else ("failed" if row.tries >= MAX_TRIES else "pending")
        row.next_at = now + backoff(row.tries) if row.status == "pending" else None
    return ok


def _attempt(send: Post, url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    try:
        code = send(url, body, headers)
    except (OSError, ValueError) as exc:
        log.warning("webhook %s failed: %s", url, exc)
        return None, str(exc)[:500]
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


def backoff(tries: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 2 hours."""
    delay: timedelta = FIRST_RETRY * (2 ** max(0, tries - 1))
    return min(delay, LAST_RETRY)


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
