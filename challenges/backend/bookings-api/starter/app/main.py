"""Room bookings API. Start: python3 -m uvicorn app.main:app --host 127.0.0.1 --port $PORT

See brief.md for the endpoints, the error shape and the rules. The grader starts the app with
the `web:` line of the Procfile and passes DATABASE_URL (PostgreSQL) and MAIL_SINK_URL.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI(title="Room bookings")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


# TODO: auth (/auth/register, /auth/token), rooms (/rooms), bookings (/bookings).
