"""`liaison-server publish-taxonomy`, `publish-plan` and `set-password`: medical affairs' and managers' commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from liaison.core.rules import medical_plan as plan_rules
from liaison.core.rules.taxonomy import load
from liaison.server import medical_plan, migrate, taxonomy
from liaison.server.db import make_engine
from liaison.server.settings import ServerSettings
from liaison.server.web import auth

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="LIAISON_DATABASE_URL", help="e.g. postgresql+psycopg://user@host/db; default an SQLite file."),
]


def register(cli: typer.Typer) -> None:
    cli.command("publish-taxonomy")(publish_taxonomy)
    cli.command("set-password")(set_password)
    cli.command("publish-plan")(publish_plan)


def publish_taxonomy(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A taxonomy JSON file, as liaison/core/data/taxonomy/insight_themes.json.")],
    admin: Annotated[str, typer.Option("--admin", help="The publishing administrator's e-mail.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Check an insight taxonomy and publish it to every device; it must carry a higher version than the last."""
    checked, document = load(file)
    record_id, published = taxonomy.publish(_engine(database_url), admin_email=admin, document=document)
    themes = len(published.themes)
    typer.echo(f"published insight taxonomy version {checked.version}: {len(published.areas)} therapeutic areas, {themes} themes ({record_id})")


def publish_plan(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A medical plan JSON file, as liaison/core/data/medical_plan/example_plan.json.")],
    admin: Annotated[str, typer.Option("--admin", help="The publishing administrator's e-mail.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Check a medical plan and publish it to every device; it must carry a higher version than the last."""
    checked, document = plan_rules.load(file)
    record_id, published = medical_plan.publish(_engine(database_url), admin_email=admin, document=document)
    counts = ", ".join(f"{count} {plan_rules.KIND_PLURALS[kind]}" for kind, count in published.counts().items())
    typer.echo(f"published medical plan version {checked.version}: {len(published.items)} items ({counts}) ({record_id})")


def set_password(
    email: Annotated[str, typer.Option("--email", help="A manager's or administrator's e-mail.")],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            envvar="LIAISON_WEB_PASSWORD",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Asked for when not given (hidden, twice); prefer the prompt to the command line.",
        ),
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Set the password a manager or administrator signs in to the web pages with (/manager); signs out their sessions."""
    user = auth.set_password(_engine(database_url), email=email, password=password)
    typer.echo(f"password set for {user.role} {user.email}; sign in at /manager/login")


def _engine(database_url: str | None) -> Engine:
    engine = make_engine(ServerSettings.from_env(database_url=database_url).database_url)
    migrate.upgrade(engine)
    return engine
