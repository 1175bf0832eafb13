"""`liaison-server`: serve the central server and administer users and devices."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core
from rich.console import Console
from rich.table import Table

from liaison.core.errors import LiaisonError
from liaison.server import admin, manager_cli, migrate, steward_cli
from liaison.server.db import make_engine
from liaison.server.settings import ServerSettings

if TYPE_CHECKING:
    from typer._click import Context  # Typer vendors Click; it does not install it

err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Group(typer.core.TyperGroup):
    def invoke(self, ctx: Context) -> object:
        try:
            return super().invoke(ctx)
        except LiaisonError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None


KEEP_ALIVE_SECONDS = 75
"""Longer than clients keep idle connections (httpx: 5 s), so the server never closes one a client is reusing."""

cli = typer.Typer(
    cls=_Group,
    name="liaison-server",
    help="Liaison's central sync server.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="LIAISON_DATABASE_URL", help="e.g. postgresql+psycopg://user@host/db; default an SQLite file."),
]


def _engine(database_url: str | None):  # type: ignore[no-untyped-def]
    engine = make_engine(ServerSettings.from_env(database_url=database_url).database_url)
    migrate.upgrade(engine)
    return engine


@cli.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8765,
    workers: Annotated[int, typer.Option("--workers", min=1)] = 1,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            envvar="LIAISON_FORWARDED_ALLOW_IPS",
            help="Comma-separated addresses (or '*') of the TLS proxies whose X-Forwarded-Proto and X-Forwarded-For are believed.",
        ),
    ] = "127.0.0.1",
    docs: Annotated[bool, typer.Option("--docs", help="Serve the OpenAPI docs at /docs, for development (Swagger UI loads from a CDN).")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the sync API and the manager dashboard."""
    import uvicorn

    settings = ServerSettings.from_env(database_url=database_url)
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise LiaisonError("--workers: an SQLite database is served by one process; use PostgreSQL (--database-url) for more")
    migrate.upgrade(make_engine(settings.database_url))
    os.environ["LIAISON_DATABASE_URL"] = settings.database_url
    if docs:
        os.environ["LIAISON_DOCS"] = "1"
    uvicorn.run(
        "liaison.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@cli.command("migrate")
def migrate_command(database_url: DatabaseUrl = None) -> None:
    """Bring the database schema up to date."""
    _engine(database_url)
    typer.echo("database schema is up to date")


@cli.command("create-user")
def create_user(
    email: Annotated[str, typer.Option("--email")],
    name: Annotated[str, typer.Option("--name")],
    role: Annotated[str, typer.Option("--role", help="msl, manager, admin or data_steward")],
    territory: Annotated[str | None, typer.Option("--territory")] = None,
    manager: Annotated[str | None, typer.Option("--manager", help="The manager's e-mail.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a user."""
    user = admin.create_user(_engine(database_url), email=email, name=name, role=role, territory=territory, manager_email=manager)
    typer.echo(f"created {user.role} {user.email}")


@cli.command("enroll-code")
def enroll_code(
    email: Annotated[str, typer.Option("--email")],
    ttl_minutes: Annotated[int, typer.Option("--ttl-minutes")] = 60,
    database_url: DatabaseUrl = None,
) -> None:
    """Print a one-time code that enrols one device for this user; it expires."""
    typer.echo(admin.enroll_code(_engine(database_url), email=email, minutes=ttl_minutes))


@cli.command("revoke-device")
def revoke_device(device_id: Annotated[str, typer.Argument(metavar="DEVICE_ID")], database_url: DatabaseUrl = None) -> None:
    """Refuse this device from now on; it wipes its local store at its next contact."""
    device = admin.revoke_device(_engine(database_url), device_id)
    typer.echo(f"revoked {device.id} ({device.name})")


@cli.command("list-devices")
def list_devices(database_url: DatabaseUrl = None) -> None:
    """Every enrolled device, its user, when it was last seen and whether it is revoked."""
    table = Table("device", "name", "user", "enrolled", "last seen", "revoked")
    for row in admin.list_devices(_engine(database_url)):
        table.add_row(
            row.id,
            row.name,
            row.user_email,
            f"{row.created_at:%Y-%m-%d %H:%M}",
            f"{row.last_seen_at:%Y-%m-%d %H:%M}" if row.last_seen_at else "never",
            f"{row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "",
        )
    Console(width=160).print(table)


@cli.command("safety-intake")
def safety_intake(database_url: DatabaseUrl = None) -> None:
    """Safety changes delivered by revoked devices: what each was, whether the records took it, and why not."""
    from sqlmodel import Session, col, select

    from liaison.server.models import SafetyIntake

    table = Table("change", "device", "record", "outcome", "received", "reason")
    with Session(_engine(database_url)) as session:
        for row in session.exec(select(SafetyIntake).order_by(col(SafetyIntake.received_at))):
            table.add_row(
                row.change_id, row.device_id, f"{row.table_name} {row.record_id}", row.outcome, f"{row.received_at:%Y-%m-%d %H:%M}", row.reason or ""
            )
    Console(width=200).print(table)


@cli.command("verify-audit")
def verify_audit(
    device: Annotated[str, typer.Option("--device", help="The device id, as list-devices shows it.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Check a device's anchored audit chain: every link in place, and no break recorded at any sync."""
    from sqlmodel import Session

    from liaison.server import anchors
    from liaison.server.models import Device

    with Session(_engine(database_url)) as session:
        if session.get(Device, device) is None:
            raise admin.AdminError(f"device: no device {device}")
        verdict = anchors.verify(session, device)
    if not verdict.intact:
        for seq, reason in verdict.problems:
            typer.echo(f"entry {seq}: {reason}")
        seq, reason = verdict.problems[0]
        raise LiaisonError(f"device {device}: audit chain broken at entry {seq}: {reason}")
    if verdict.head is None:
        typer.echo(f"device {device}: nothing anchored yet")
        return
    head = verdict.head
    typer.echo(
        f"device {device}: audit anchor intact: {verdict.links} entries anchored, head entry {head.seq} ({head.hash[:12]}…), "
        f"last anchored {head.anchored_at:%Y-%m-%d %H:%M} UTC"
    )


manager_cli.register(cli)
steward_cli.register(cli)


def main() -> None:
    cli()
