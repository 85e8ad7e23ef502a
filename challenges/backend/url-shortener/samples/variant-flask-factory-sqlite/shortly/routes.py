"""The /shorten endpoints."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, jsonify, request
from werkzeug.exceptions import HTTPException

from shortly import db

bp = Blueprint("shorten", __name__, url_prefix="/shorten")


@bp.app_errorhandler(HTTPException)
def as_json_error(error: HTTPException) -> Any:
    return jsonify(error=error.description), error.code


def valid_url() -> str:
    payload = request.get_json(silent=True)
    url = payload.get("url") if isinstance(payload, dict) else None
    if not isinstance(url, str):
        abort(400, "send a JSON object with a `url` string")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        abort(400, "`url` must be an absolute http(s) URL")
    return url


def found(row: Any) -> Any:
    if row is None:
        abort(404, "unknown short code")
    return row


@bp.post("")
def shorten() -> Any:
    return jsonify(db.to_json(db.create(valid_url()))), 201


@bp.get("/<code>")
def lookup(code: str) -> Any:
    return jsonify(db.to_json(found(db.count_access(code))))


@bp.put("/<code>")
def update(code: str) -> Any:
    url = valid_url()
    return jsonify(db.to_json(found(db.change(code, url))))


@bp.delete("/<code>")
def delete(code: str) -> Any:
    found(db.remove(code) or None)
    return "", 204


@bp.get("/<code>/stats")
def stats(code: str) -> Any:
    return jsonify(db.to_json(found(db.find(code)), stats=True))
