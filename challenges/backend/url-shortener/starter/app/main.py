"""URL Shortening Service. Replace each 501 with the real thing (see the brief)."""

from fastapi import FastAPI, HTTPException

app = FastAPI(title="URL Shortening Service")


def not_yet() -> HTTPException:
    return HTTPException(status_code=501, detail="not implemented yet")


@app.post("/shorten")
def create_short_url() -> dict:
    raise not_yet()


@app.get("/shorten/{code}")
def retrieve_short_url(code: str) -> dict:
    raise not_yet()


@app.put("/shorten/{code}")
def update_short_url(code: str) -> dict:
    raise not_yet()


@app.delete("/shorten/{code}")
def delete_short_url(code: str) -> None:
    raise not_yet()


@app.get("/shorten/{code}/stats")
def short_url_stats(code: str) -> dict:
    raise not_yet()
