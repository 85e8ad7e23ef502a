"""``grader users``: create people from the command line (the first admin above all)."""

from __future__ import annotations

import click
from sqlalchemy.orm import sessionmaker

from grader.cli._common import guarded, out
from grader.settings import get_settings
from grader.store import open_store
from grader.store.web_tables import ROLES
from grader.web import accounts


@click.group("users")
def users() -> None:
    """Manage the web app's people (docs/web.md)."""


@users.command("create")
@click.argument("email")
@click.option("--name", default="", help="Full name (default: the email).")
@click.option("--admin", "make_admin", is_flag=True, help="Same as --role admin.")
@click.option("--role", type=click.Choice(ROLES), default="recruiter", show_default=True)
@click.option("--org", "org_name", default="", help="Organisation name for the first person.")
@click.password_option(help="Prompted for when not given (at least 12 characters).")
@guarded
def create(
    email: str, name: str, make_admin: bool, role: str, org_name: str, password: str
) -> None:
    """Create a person who signs in with EMAIL; the first one also creates the organisation."""
    store = open_store(get_settings().effective_database_url)
    try:
        db = sessionmaker(store.engine, expire_on_commit=False)
        org_id = accounts.first_org(db) or accounts.create_org(db, org_name)
        accounts.create_user(
            db,
            org_id=org_id,
            email=email,
            name=name,
            role="admin" if make_admin else role,
            password=password,
        )
    finally:
        store.close()
    out.print(f"created {'admin' if make_admin else role} {email}; sign in at /login")
