from datetime import datetime
import random
import string

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, HttpUrl

app = FastAPI()

urls = {}
next_id = 1


class UrlRequest(BaseModel):
    url: HttpUrl


def make_code():
    return "".join(random.choices(string.ascii_letters + string.digits, k=6))


@app.post("/shorten", status_code=201)
def create(req: UrlRequest):
    global next_id
    now = datetime.now().isoformat()
    item = {
        "id": next_id,
        "url": str(req.url),
        "shortCode": make_code(),
        "createdAt": now,
        "updatedAt": now,
        "accessCount": 0,
    }
    next_id += 1
    urls[item["shortCode"]] = item
    return item


@app.get("/shorten/{code}")
def get(code: str):
    if code not in urls:
        raise HTTPException(404, "Not found")
    return urls[code]


@app.put("/shorten/{code}")
def update(code: str, req: UrlRequest):
    if code not in urls:
        raise HTTPException(404, "Not found")
    urls[code]["url"] = str(req.url)
    urls[code]["updatedAt"] = datetime.now().isoformat()
    return urls[code]


@app.delete("/shorten/{code}", status_code=204)
def delete(code: str):
    if code not in urls:
        raise HTTPException(404, "Not found")
    del urls[code]


@app.get("/shorten/{code}/stats")
def stats(code: str):
    if code not in urls:
        raise HTTPException(404, "Not found")
    return urls[code]
