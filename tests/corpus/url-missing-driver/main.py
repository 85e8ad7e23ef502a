import os

import psycopg2
from fastapi import FastAPI

conn = psycopg2.connect(os.environ.get("DATABASE_URL", ""))
app = FastAPI()


@app.post("/shorten")
def create():
    return {}
