"""Flask routes of the URL shortener."""

from urllib.parse import urlparse

from flask import Flask, jsonify, request

from shortener import db

app = Flask(__name__)
db.init_schema()


def as_json(row, stats=False):
    body = {
        "id": row["id"],
        "url": row["url"],
        "shortCode": row["short_code"],
        "createdAt": row["created_at"].isoformat(),
        "updatedAt": row["updated_at"].isoformat(),
    }
    if stats:
        body["accessCount"] = row["access_count"]
    return body


def read_url():
    """The request's URL, or None when it is not a usable URL."""
    data = request.get_json(silent=True)
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str) or " " in url:
        return None
    parsed = urlparse(url)
    return url if parsed.scheme and parsed.netloc else None


def error(status, message):
    return jsonify({"error": message}), status


@app.post("/shorten")
def create():
    url = read_url()
    if url is None:
        return error(400, "url must be a valid URL")
    return jsonify(as_json(db.insert(url))), 201


@app.get("/shorten/<code>")
def retrieve(code):
    row = db.fetch(code, count_access=True)
    return jsonify(as_json(row)) if row else error(404, "not found")


@app.put("/shorten/<code>")
def update(code):
    url = read_url()
    if url is None:
        return error(400, "url must be a valid URL")
    row = db.change(code, url)
    return jsonify(as_json(row)) if row else error(404, "not found")


@app.delete("/shorten/<code>")
def delete(code):
    return ("", 204) if db.remove(code) else error(404, "not found")


@app.get("/shorten/<code>/stats")
def stats(code):
    row = db.fetch(code)
    return jsonify(as_json(row, stats=True)) if row else error(404, "not found")
