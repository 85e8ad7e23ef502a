"""Price aggregator: read brief.md. Start: python3 -m uvicorn app:app --port 8000"""

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI(title="Price aggregator")


class Order(BaseModel):
    sku: str
    email: str


@app.get("/quotes/{sku}")
async def quotes(sku: str) -> dict:
    raise HTTPException(status_code=501, detail="not implemented yet")


@app.post("/orders", status_code=202)
async def place_order(order: Order) -> dict:
    raise HTTPException(status_code=501, detail="not implemented yet")
