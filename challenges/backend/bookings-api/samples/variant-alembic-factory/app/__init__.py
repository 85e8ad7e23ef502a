"""Room bookings API: FastAPI, async SQLAlchemy 2, Pydantic v2."""
