"""Confirmation mail: POSTed to the mail service at ``MAIL_SINK_URL`` after the response."""

from __future__ import annotations

import asyncio
import logging

import httpx

from app.settings import settings

log = logging.getLogger(__name__)
_pending: set[asyncio.Task[None]] = set()  # strong references until each send finishes


async def _send(message: dict[str, str]) -> None:
    url = settings().mail_sink_url
    if not url:
        return
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(url, json=message)
            response.raise_for_status()
    except httpx.HTTPError as exc:  # the booking stands; the mail is best effort
        log.warning("confirmation mail to %s failed: %s", message["to"], exc)


def send_later(to: str, subject: str, body: str) -> None:
    """Send in the background: the caller's response never waits for the mail service."""
    task = asyncio.get_running_loop().create_task(
        _send({"to": to, "subject": subject, "body": body})
    )
    _pending.add(task)
    task.add_done_callback(_pending.discard)
