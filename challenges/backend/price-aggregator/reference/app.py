"""Price aggregator: quotes from every supplier at once; order mails sent in the background."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import httpx
from fastapi import BackgroundTasks, FastAPI, HTTPException
from pydantic import BaseModel

SUPPLIERS_URL = os.environ.get("SUPPLIERS_URL", "http://127.0.0.1:9000")
SUPPLIERS = [name for name in os.environ.get("SUPPLIERS", "").split(",") if name]
MAIL_URL = os.environ.get("MAIL_URL", "http://127.0.0.1:9001/mail")
SUPPLIER_TIMEOUT = httpx.Timeout(10.0)
MAIL_TIMEOUT = httpx.Timeout(60.0)

app = FastAPI(title="Price aggregator")


class Order(BaseModel):
    sku: str
    email: str


async def ask(client: httpx.AsyncClient, supplier: str, sku: str) -> dict[str, Any] | None:
    """One supplier's quote, or None when it has no price (404, an error, no answer)."""
    try:
        response = await client.get(f"{SUPPLIERS_URL}/{supplier}/prices/{sku}")
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    return {"supplier": supplier, "price": response.json()["price"]}


@app.get("/quotes/{sku}")
async def quotes(sku: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=SUPPLIER_TIMEOUT) as client:
        found = await asyncio.gather(*(ask(client, name, sku) for name in SUPPLIERS))
    offers = sorted(
        (quote for quote in found if quote is not None),
        key=lambda quote: (quote["price"], quote["supplier"]),
    )
    if not offers:
        raise HTTPException(status_code=404, detail=f"no supplier sells {sku}")
    return {"sku": sku, "quotes": offers, "cheapest": offers[0]}


async def send_confirmation(order_id: str, order: Order) -> None:
    mail = {
        "to": order.email,
        "subject": f"Order {order_id} accepted",
        "body": f"Your order {order_id} for {order.sku} is accepted.",
    }
    async with httpx.AsyncClient(timeout=MAIL_TIMEOUT) as client:
        await client.post(MAIL_URL, json=mail)


@app.post("/orders", status_code=202)
async def place_order(order: Order, background: BackgroundTasks) -> dict[str, str]:
    order_id = uuid.uuid4().hex
    background.add_task(send_confirmation, order_id, order)
    return {"order_id": order_id, "status": "accepted"}
