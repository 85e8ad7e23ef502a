import os
import random
import string

import psycopg2
from flask import Flask, jsonify, request

app = Flask(__name__)
conn = psycopg2.connect(os.environ["DATABASE_URL"])
conn.autocommit = True

with conn.cursor() as cur:
    cur.execute(
        "CREATE TABLE IF NOT EXISTS urls (id SERIAL PRIMARY KEY, url TEXT, short_code TEXT, "
        "created_at TIMESTAMP DEFAULT now(), updated_at TIMESTAMP DEFAULT now(), "
        "access_count INT DEFAULT 0)"
    )


def to_dict(row):
    return {
        "id": row[0],
        "url": row[1],
        "shortCode": row[2],
        "createdAt": row[3].isoformat(),
        "updatedAt": row[4].isoformat(),
    }


@app.route("/shorten", methods=["POST"])
def shorten():
    code = "".join(random.choice(string.ascii_letters) for _ in range(6))
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO urls (url, short_code) VALUES (%s, %s) RETURNING *",
            (request.json["url"], code),
        )
        return jsonify(to_dict(cur.fetchone())), 201


@app.route("/shorten/<code>")
def get(code):
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE urls SET access_count = access_count + 1 WHERE short_code = %s RETURNING *",
            (code,),
        )
        return jsonify(to_dict(cur.fetchone()))
