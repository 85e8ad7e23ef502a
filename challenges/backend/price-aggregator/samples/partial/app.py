import os
import uuid

import httpx
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()
BASE = os.environ["SUPPLIERS_URL"]
NAMES = os.environ["SUPPLIERS"].split(",")
MAIL = os.environ["MAIL_URL"]
http = httpx.Client(timeout=30)  # a synchronous client, used inside async def: blocks the loop


class Order(BaseModel):
    sku: str
    email: str


@app.get("/quotes/{sku}")
async def quotes(sku: str):
    offers = []
    for name in NAMES:
        r = http.get(f"{BASE}/{name}/prices/{sku}")
        if r.status_code == 200:
            offers.append({"supplier": name, "price": r.json()["price"]})
    if not offers:
        raise HTTPException(404, "not found")
    offers.sort(key=lambda o: (o["price"], o["supplier"]))
    return {"sku": sku, "quotes": offers, "cheapest": offers[0]}


@app.post("/orders", status_code=202)
async def order(order: Order):
    order_id = str(uuid.uuid4())
    try:
        http.post(MAIL, json={"to": order.email, "subject": "Order accepted",
                              "body": f"Order {order_id} for {order.sku}"})
    except httpx.HTTPError:
        pass
    return {"order_id": order_id, "status": "accepted"}
