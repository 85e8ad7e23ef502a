import os

import aiohttp  # not installed, and not allowed: the service never starts
from fastapi import FastAPI

app = FastAPI()
BASE = os.environ["SUPPLIERS_URL"]


@app.get("/quotes/{sku}")
async def quotes(sku: str):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{BASE}/acme/prices/{sku}") as response:
            return await response.json()
