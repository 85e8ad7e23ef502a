import asyncio
import secrets

import httpx
from fastapi import APIRouter, FastAPI, HTTPException
from pydantic import BaseModel

from shop.config import settings
from shop.suppliers import best_prices

router = APIRouter()
background: set[asyncio.Task] = set()


class NewOrder(BaseModel):
    sku: str
    email: str


@router.get("/quotes/{sku}")
async def quotes(sku: str):
    async with httpx.AsyncClient(timeout=httpx.Timeout(15)) as client:
        found = await best_prices(client, sku)
    if not found:
        raise HTTPException(status_code=404, detail=f"{sku} is not sold by any supplier")
    return {"sku": sku, "quotes": found, "cheapest": found[0]}


async def mail_confirmation(order_id: str, order: NewOrder) -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(60)) as client:
        try:
            await client.post(
                settings.mail_url,
                json={
                    "to": order.email,
                    "subject": f"We got your order {order_id}",
                    "body": f"Order {order_id}: {order.sku}",
                },
            )
        except httpx.HTTPError:
            pass


@router.post("/orders", status_code=202)
async def orders(order: NewOrder):
    order_id = secrets.token_hex(8)
    task = asyncio.get_running_loop().create_task(mail_confirmation(order_id, order))
    background.add(task)
    task.add_done_callback(background.discard)
    return {"order_id": order_id, "status": "accepted"}


app = FastAPI(title="shop")
app.include_router(router)
