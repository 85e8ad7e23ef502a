"""Typed responses with pydantic models; anyio task group; mails as BackgroundTasks."""

import os
import uuid

import anyio
import httpx
from fastapi import BackgroundTasks, FastAPI, HTTPException
from pydantic import BaseModel


class Quote(BaseModel):
    supplier: str
    price: float


class Quotes(BaseModel):
    sku: str
    quotes: list[Quote]
    cheapest: Quote


class OrderIn(BaseModel):
    sku: str
    email: str


class OrderOut(BaseModel):
    order_id: str
    status: str = "accepted"


app = FastAPI()


@app.get("/quotes/{sku}", response_model=Quotes)
async def quotes(sku: str) -> Quotes:
    base = os.environ["SUPPLIERS_URL"]
    names = [n for n in os.environ["SUPPLIERS"].split(",") if n]
    found: list[Quote] = []

    async with httpx.AsyncClient(timeout=15) as client:

        async def fetch(name: str) -> None:
            try:
                response = await client.get(f"{base}/{name}/prices/{sku}")
            except httpx.HTTPError:
                return
            if response.status_code == 200:
                found.append(Quote(supplier=name, price=response.json()["price"]))

        async with anyio.create_task_group() as group:
            for name in names:
                group.start_soon(fetch, name)
    if not found:
        raise HTTPException(404, detail="no prices")
    found.sort(key=lambda q: (q.price, q.supplier))
    return Quotes(sku=sku, quotes=found, cheapest=found[0])


async def confirm(order_id: str, order: OrderIn) -> None:
    async with httpx.AsyncClient(timeout=60) as client:
        await client.post(
            os.environ["MAIL_URL"],
            json={"to": order.email, "subject": "Order confirmation", "body": f"{order_id} {order.sku}"},
        )


@app.post("/orders", status_code=202, response_model=OrderOut)
async def place(order: OrderIn, tasks: BackgroundTasks) -> OrderOut:
    result = OrderOut(order_id=str(uuid.uuid4()))
    tasks.add_task(confirm, result.order_id, order)
    return result
