"""`liaison enroll`, `liaison sync`, `liaison conflicts`, `liaison retire`: the engine the app runs, for scripts and support.

No `from __future__ import annotations` here: typer reads the option types of these nested commands at run time.
"""


import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from app.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]
err = Console(stderr=True, highlight=False)


def register(cli: typer.Typer, opened: Opener, data_dir_option: Any) -> None:
    conflicts_cli = typer.Typer(help="Concurrent edits that lost, kept for you to review.", invoke_without_command=True)
    cli.add_typer(conflicts_cli, name="conflicts")

    @cli.command()
    def enroll(
        server: Annotated[str, typer.Option("--server", help="The central server's URL (https://…).")],
        code: Annotated[str, typer.Option("--code", help="One-time code from your administrator.")],
        name: Annotated[str | None, typer.Option("--name", help="What to call this device.")] = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """Connect this device to the central server with a one-time code."""
        from sync.client.engine import SyncEngine

        with opened(data_dir) as store:
            state = SyncEngine(store).enroll(server, code, name)
        typer.echo(f"enrolled with {state.server_url} as {state.user_email}")

    @cli.command("sync")
    def sync_command(data_dir: data_dir_option = None) -> None:
        """Run one full sync round now: push the outbox, pull what is new."""
        from rich.progress import BarColumn, Progress, TextColumn

        from sync.client.engine import SyncEngine

        with opened(data_dir) as store, Progress(TextColumn("{task.description}"), BarColumn(), console=err, transient=True) as bar:
            task = bar.add_task("sync", total=1.0)
            report = SyncEngine(store).run_once(lambda stage, fraction: bar.update(task, description=stage, completed=fraction))
        typer.echo(f"pushed {report.pushed}, received {report.pulled}, conflicts {report.conflicts}")
        if report.audit_breaks:
            first = report.audit_breaks[0]
            err.print(f"warning: the server found this device's audit log does not match its anchor (entry {first.seq}: {first.reason}); run 'liaison verify-audit'", markup=False)

    @cli.command()
    def retire(data_dir: data_dir_option = None) -> None:
        """Hand this device back: sync everything, give up its token, wipe the local store."""
        from sync.client.engine import SyncEngine

        with opened(data_dir) as store:
            SyncEngine(store).retire()
        typer.echo("device retired: everything was synced and the local store wiped")

    @conflicts_cli.callback()
    def conflicts_list(ctx: typer.Context, data_dir: data_dir_option = None) -> None:
        """List open conflicts: id, record, field, kept value, other value."""
        if ctx.invoked_subcommand is not None:
            return
        from sqlmodel import col, select

        from app.store.models import Conflict

        with opened(data_dir) as store, store.repository.session() as session:
            rows = session.exec(select(Conflict).where(col(Conflict.resolved_at).is_(None)).order_by(col(Conflict.detected_at))).all()
        for row in rows:
            typer.echo("\t".join((row.id, f"{row.table_name}/{row.record_id}", row.field, json.dumps(row.kept_value), json.dumps(row.lost_value))))

    @conflicts_cli.command("resolve")
    def conflicts_resolve(
        conflict_id: Annotated[str, typer.Argument(metavar="ID")],
        keep: Annotated[str, typer.Option("--keep", help="mine or theirs")],
        data_dir: data_dir_option = None,
    ) -> None:
        """Settle a conflict; the chosen value syncs to your other devices."""
        with opened(data_dir) as store:
            store.repository.resolve_conflict(conflict_id, keep)
        typer.echo(f"resolved {conflict_id}: kept {keep}")
