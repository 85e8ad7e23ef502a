"""Registration, JWT bearer tokens signed with SECRET_KEY, and the current user."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, Header
from passlib.context import CryptContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import session
from app.errors import ApiError
from app.models import User
from app.schemas import Credentials, TokenOut, UserOut
from app.settings import settings

router = APIRouter(prefix="/auth", tags=["auth"])
Db = Annotated[AsyncSession, Depends(session)]
passwords = CryptContext(schemes=["bcrypt"], bcrypt__rounds=10)
ALGORITHM = "HS256"


@router.post("/register", status_code=201, response_model=UserOut)
async def register(body: Credentials, db: Db) -> User:
    user = User(email=body.email.lower(), password_hash=passwords.hash(body.password))
    db.add(user)
    try:
        await db.commit()
    except IntegrityError:
        raise ApiError(409, "conflict", "that email is already registered") from None
    return user


@router.post("/token", response_model=TokenOut)
async def token(body: Credentials, db: Db) -> TokenOut:
    user = await db.scalar(select(User).where(User.email == body.email.lower()))
    if user is None or not passwords.verify(body.password, user.password_hash):
        raise ApiError(400, "unauthorized", "wrong email or password")  # OAuth2: invalid_grant
    expires = datetime.now(UTC) + timedelta(minutes=settings().token_minutes)
    claims = {"sub": str(user.id), "exp": expires}
    return TokenOut(access_token=jwt.encode(claims, settings().secret_key, algorithm=ALGORITHM))


async def current_user(db: Db, authorization: Annotated[str, Header()] = "") -> User:
    scheme, _, raw = authorization.partition(" ")
    if scheme.lower() != "bearer" or not raw:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>")
    try:
        claims = jwt.decode(raw, settings().secret_key, algorithms=[ALGORITHM])
        user = await db.get(User, uuid.UUID(claims["sub"]))
    except (jwt.InvalidTokenError, KeyError, ValueError):
        user = None
    if user is None:
        raise ApiError(401, "unauthorized", "the token is not valid")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
