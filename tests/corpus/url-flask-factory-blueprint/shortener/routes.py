from flask import Blueprint, jsonify, request

bp = Blueprint("urls", __name__)
from shortener import store


@bp.post("/shorten")
def create_short_url():
    url = store.valid_url(request.get_json(silent=True))
    if url is None:
        return jsonify(error="url must be an absolute http(s) URL"), 400
    return jsonify(store.as_json(store.create(url))), 201


@bp.get("/shorten/<code>")
def get_short_url(code):
    row = store.visit(code)
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(store.as_json(row))


@bp.put("/shorten/<code>")
def update_short_url(code):
    url = store.valid_url(request.get_json(silent=True))
    if url is None:
        return jsonify(error="url must be an absolute http(s) URL"), 400
    row = store.change(code, url)
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(store.as_json(row))


@bp.delete("/shorten/<code>")
def delete_short_url(code):
    if not store.remove(code):
        return jsonify(error="not found"), 404
    return "", 204


@bp.get("/shorten/<code>/stats")
def stats(code):
    row = store.find(code)
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(store.as_json(row, stats=True))
