from flask import Flask, jsonify, request

app = Flask(__name__)
import store


@app.post("/shorten")
def create_short_url():
    url = store.valid_url(request.get_json(silent=True))
    if url is None:
        return jsonify(error="url must be an absolute http(s) URL"), 400
    return jsonify(store.as_json(store.create(url))), 201


@app.get("/shorten/<code>")
def get_short_url(code):
    row = store.visit(code)
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(store.as_json(row))


@app.put("/shorten/<code>")
def update_short_url(code):
    url = store.valid_url(request.get_json(silent=True))
    if url is None:
        return jsonify(error="url must be an absolute http(s) URL"), 400
    row = store.change(code, url)
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(store.as_json(row))


@app.delete("/shorten/<code>")
def delete_short_url(code):
    if not store.remove(code):
        return jsonify(error="not found"), 404
    return "", 204


@app.get("/shorten/<code>/stats")
def stats(code):
    row = store.find(code)
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(store.as_json(row, stats=True))


if __name__ == "__main__":
    app.run(port=5000, debug=True)
