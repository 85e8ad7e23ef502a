from fastapi import FastAPI

from app.routers import links

app = FastAPI(title="Shortener")
app.include_router(links.router)
