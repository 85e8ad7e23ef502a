"""Registration, opaque bearer tokens (stored as sha256 digests), and the current user."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import session
from app.errors import ApiError
from app.models import Token, User
from app.schemas import Credentials, TokenOut, UserOut

router = APIRouter(prefix="/auth", tags=["auth"])
Db = Annotated[AsyncSession, Depends(session)]


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"{salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt)), stored)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@router.post("/register", status_code=201, response_model=UserOut)
async def register(body: Credentials, db: Db) -> User:
    user = User(email=body.email.lower(), password_hash=hash_password(body.password))
    db.add(user)
    try:
        await db.commit()
    except IntegrityError:
        raise ApiError(409, "conflict", "that email is already registered") from None
    return user


@router.post("/token", response_model=TokenOut)
async def token(body: Credentials, db: Db) -> TokenOut:
    user = await db.scalar(select(User).where(User.email == body.email.lower()))
    if user is None or not check_password(body.password, user.password_hash):
        raise ApiError(401, "unauthorized", "wrong email or password")
    raw = secrets.token_urlsafe(32)
    db.add(Token(digest=_digest(raw), user_id=user.id))
    await db.commit()
    return TokenOut(access_token=raw)


async def current_user(db: Db, authorization: Annotated[str, Header()] = "") -> User:
    scheme, _, raw = authorization.partition(" ")
    if scheme.lower() != "bearer" or not raw:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>")
    user = await db.scalar(
        select(User).join(Token, Token.user_id == User.id).where(Token.digest == _digest(raw))
    )
    if user is None:
        raise ApiError(401, "unauthorized", "the token is not valid")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
