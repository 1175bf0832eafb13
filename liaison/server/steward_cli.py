"""`liaison-server hcp-requests`: the data steward's queue of HCPs MSLs requested, from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlmodel import Session

from liaison.server import migrate, stewardship
from liaison.server.db import make_engine
from liaison.server.settings import ServerSettings

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="LIAISON_DATABASE_URL", help="e.g. postgresql+psycopg://user@host/db; default an SQLite file."),
]
Steward = Annotated[str, typer.Option("--steward", envvar="LIAISON_STEWARD", help="The deciding data steward's (or administrator's) e-mail.")]
RequestId = Annotated[str, typer.Argument(metavar="ID", help="The requested HCP's id, as 'hcp-requests list' shows it.")]

requests_cli = typer.Typer(name="hcp-requests", help="HCPs MSLs requested on their devices: list, approve, reject, merge.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(requests_cli)


@requests_cli.command("list")
def list_requests(
    steward: Steward,
    rejected: Annotated[bool, typer.Option("--rejected", help="Also list the requests already rejected.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Each request awaiting a decision, oldest first, with the HCPs already held that it may duplicate."""
    with Session(_engine(database_url)) as session:
        stewardship.steward(session, steward)
        found = stewardship.queue(session, everything=rejected)
    if not found:
        typer.echo("no HCP requests awaiting a decision")
        return
    for request in found:
        place = ", ".join(part for part in (request.institution, request.city) if part)
        note = f": {request.note}" if request.note else ""
        typer.echo(f"{request.hcp_id}  {request.name}  ({place or 'no institution or city'})  by {request.requested_by}  {request.status}{note}")
        for duplicate in request.duplicates:
            where = ", ".join(part for part in (duplicate.institution, duplicate.city) if part)
            typer.echo(f"    likely duplicate {duplicate.hcp_id}  {duplicate.name}  ({where})  {duplicate.reason}")


@requests_cli.command("approve")
def approve(hcp_id: RequestId, steward: Steward, database_url: DatabaseUrl = None) -> None:
    """Approve the request: the HCP joins the master data and every device of its territory receives it."""
    stewardship.approve(_engine(database_url), steward_email=steward, hcp_id=hcp_id)
    typer.echo(f"approved {hcp_id}")


@requests_cli.command("reject")
def reject(
    hcp_id: RequestId,
    steward: Steward,
    reason: Annotated[str, typer.Option("--reason", help="Why: the MSL reads it on the HCP's profile.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Reject the request: it stays with its requester, flagged with the reason; nothing is deleted."""
    stewardship.reject(_engine(database_url), steward_email=steward, hcp_id=hcp_id, reason=reason)
    typer.echo(f"rejected {hcp_id}")


@requests_cli.command("merge")
def merge(
    hcp_id: RequestId,
    steward: Steward,
    into: Annotated[str, typer.Option("--into", metavar="EXISTING_ID", help="The approved HCP the request duplicates.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Merge the request into an existing HCP: the requester's records move to it, the request is tombstoned."""
    moved = stewardship.merge(_engine(database_url), steward_email=steward, hcp_id=hcp_id, into_id=into)
    typer.echo(f"merged {hcp_id} into {into}; {moved} record{'s' if moved != 1 else ''} re-pointed")


def _engine(database_url: str | None) -> Engine:
    engine = make_engine(ServerSettings.from_env(database_url=database_url).database_url)
    migrate.upgrade(engine)
    return engine
