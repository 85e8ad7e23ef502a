from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

router = APIRouter()
from app import store


async def _url(request):
    try:
        body = await request.json()
    except ValueError:
        return None
    return store.valid_url(body)


def _missing():
    return JSONResponse({"error": "not found"}, status_code=404)


def _bad():
    return JSONResponse({"error": "url must be an absolute http(s) URL"}, status_code=400)


@router.post("/shorten")
async def create_short_url(request: Request):
    url = await _url(request)
    if url is None:
        return _bad()
    return JSONResponse(store.as_json(store.create(url)), status_code=201)


@router.get("/shorten/{code}")
def get_short_url(code: str):
    row = store.visit(code)
    return _missing() if row is None else store.as_json(row)


@router.put("/shorten/{code}")
async def update_short_url(code: str, request: Request):
    url = await _url(request)
    if url is None:
        return _bad()
    row = store.change(code, url)
    return _missing() if row is None else store.as_json(row)


@router.delete("/shorten/{code}")
def delete_short_url(code: str):
    return Response(status_code=204) if store.remove(code) else _missing()


@router.get("/shorten/{code}/stats")
def stats(code: str):
    row = store.find(code)
    return _missing() if row is None else store.as_json(row, stats=True)
