import asyncio
import os
import uuid
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

BASE = os.environ["SUPPLIERS_URL"].rstrip("/")
NAMES = sorted(filter(None, os.environ["SUPPLIERS"].split(",")))
MAIL = os.environ["MAIL_URL"]

pending: set[asyncio.Task] = set()


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with httpx.AsyncClient(timeout=15) as client:
        app.state.http = client
        yield
        await asyncio.gather(*pending, return_exceptions=True)


app = FastAPI(lifespan=lifespan)


class OrderIn(BaseModel):
    sku: str
    email: str


async def price_from(name: str, sku: str) -> float | None:
    try:
        r = await app.state.http.get(f"{BASE}/{name}/prices/{sku}")
        r.raise_for_status()
        return float(r.json()["price"])
    except (httpx.HTTPError, KeyError, ValueError):
        return None


@app.get("/quotes/{sku}")
async def get_quotes(sku: str):
    async with asyncio.TaskGroup() as group:
        tasks = {name: group.create_task(price_from(name, sku)) for name in NAMES}
    quotes = [{"supplier": n, "price": t.result()} for n, t in tasks.items() if t.result() is not None]
    quotes.sort(key=lambda q: q["price"])  # stable: NAMES is sorted, so ties stay by name
    if not quotes:
        raise HTTPException(404, f"nobody sells {sku}")
    return {"sku": sku, "quotes": quotes, "cheapest": quotes[0]}


async def confirm(order_id: str, order: OrderIn) -> None:
    try:
        await app.state.http.post(
            MAIL,
            json={
                "to": order.email,
                "subject": "Thank you for your order",
                "body": f"Order {order_id}: 1 x {order.sku}.",
            },
            timeout=60,
        )
    except httpx.HTTPError:
        pass  # a real shop would retry from a queue


@app.post("/orders", status_code=202)
async def create_order(order: OrderIn):
    order_id = f"ord-{uuid.uuid4()}"
    task = asyncio.create_task(confirm(order_id, order))
    pending.add(task)
    task.add_done_callback(pending.discard)
    return {"order_id": order_id, "status": "accepted"}
