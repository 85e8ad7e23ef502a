import psycopg
from fastapi import FastAPI

conn = psycopg.connect("host=db port=5432 dbname=shortener user=postgres password=postgres", connect_timeout=3)
app = FastAPI()


@app.post("/shorten")
def create():
    return {}
