"""Plain ``def`` endpoints: FastAPI runs them in its thread pool, so nothing blocks the loop."""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import BackgroundTasks, FastAPI, HTTPException
from pydantic import BaseModel

BASE = os.environ["SUPPLIERS_URL"]
NAMES = [n for n in os.environ["SUPPLIERS"].split(",") if n]
MAIL = os.environ["MAIL_URL"]
client = httpx.Client(timeout=20, limits=httpx.Limits(max_connections=200))
pool = ThreadPoolExecutor(max_workers=64)
app = FastAPI()


class Order(BaseModel):
    sku: str
    email: str


def price(name: str, sku: str):
    try:
        response = client.get(f"{BASE}/{name}/prices/{sku}")
    except httpx.HTTPError:
        return None
    return response.json()["price"] if response.status_code == 200 else None


@app.get("/quotes/{sku}")
def quotes(sku: str):
    prices = pool.map(lambda name: (name, price(name, sku)), NAMES)
    found = sorted(
        ({"supplier": n, "price": p} for n, p in prices if p is not None),
        key=lambda q: (q["price"], q["supplier"]),
    )
    if not found:
        raise HTTPException(status_code=404, detail="no supplier sells it")
    return {"sku": sku, "quotes": found, "cheapest": found[0]}


def send_mail(order_id: str, order: Order) -> None:
    text = f"Order {order_id} ({order.sku}) is confirmed."
    try:
        client.post(MAIL, json={"to": order.email, "subject": "Confirmed", "body": text}, timeout=60)
    except httpx.HTTPError:
        pass


@app.post("/orders", status_code=202)
def order(order: Order, tasks: BackgroundTasks):
    order_id = uuid.uuid4().hex[:12]
    tasks.add_task(send_mail, order_id, order)
    return {"order_id": order_id, "status": "accepted"}
