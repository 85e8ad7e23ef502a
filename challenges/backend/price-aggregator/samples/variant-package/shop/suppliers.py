import asyncio

import httpx

from shop.config import settings


async def best_prices(client: httpx.AsyncClient, sku: str) -> list[dict]:
    async def one(name: str) -> dict | None:
        try:
            response = await client.get(f"{settings.suppliers_url}/{name}/prices/{sku}")
        except httpx.TransportError:
            return None
        if response.is_success:
            return {"supplier": name, "price": response.json()["price"]}
        return None

    results = []
    for next_done in asyncio.as_completed([one(name) for name in settings.suppliers]):
        quote = await next_done
        if quote:
            results.append(quote)
    return sorted(results, key=lambda q: (q["price"], q["supplier"]))
