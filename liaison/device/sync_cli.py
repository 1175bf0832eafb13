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
    from liaison.device.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]
err = Console(stderr=True, highlight=False)


def register(cli: typer.Typer, opened: Opener, data_dir_option: Any) -> None:
    conflicts_cli = typer.Typer(help="Concurrent edits that lost, kept for you to review.", invoke_without_command=True)
    cli.add_typer(conflicts_cli, name="conflicts")
    rejected_cli = typer.Typer(help="Changes the server refused, waiting for you to correct and resend or discard.", invoke_without_command=True)
    cli.add_typer(rejected_cli, name="rejected")

    @cli.command()
    def enroll(
        server: Annotated[str, typer.Option("--server", help="The central server's URL (https://…).")],
        code: Annotated[str, typer.Option("--code", help="One-time code from your administrator.")],
        name: Annotated[str | None, typer.Option("--name", help="What to call this device.")] = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """Connect this device to the central server with a one-time code."""
        from liaison.device.sync.engine import SyncEngine

        with opened(data_dir) as store:
            state = SyncEngine(store).enroll(server, code, name)
        typer.echo(f"enrolled with {state.server_url} as {state.user_email}")

    @cli.command("sync")
    def sync_command(data_dir: data_dir_option = None) -> None:
        """Run one full sync round now: push the outbox, pull what is new."""
        from rich.progress import BarColumn, Progress, TextColumn

        from liaison.device.sync.engine import SyncEngine

        with opened(data_dir) as store:
            with Progress(TextColumn("{task.description}"), BarColumn(), console=err, transient=True) as bar:
                task = bar.add_task("sync", total=1.0)
                report = SyncEngine(store).run_once(lambda stage, fraction: bar.update(task, description=stage, completed=fraction))
            typer.echo(f"pushed {report.pushed}, received {report.pulled}, conflicts {report.conflicts}")
            _warn_refused(store)
        if report.audit_breaks:
            first = report.audit_breaks[0]
            err.print(
                f"warning: the server found this device's audit log does not match its anchor (entry {first.seq}: {first.reason}); "
                "run 'liaison verify-audit'",
                markup=False,
            )

    @rejected_cli.callback()
    def rejected_list(ctx: typer.Context, data_dir: data_dir_option = None) -> None:
        """List refused changes, one line per record: id, record, field, reason, changes waiting."""
        if ctx.invoked_subcommand is not None:
            return
        from liaison.device.store.queries import record_subject

        with opened(data_dir) as store, store.repository.session() as session:
            for refusal in store.repository.refused():
                subject = record_subject(session, refusal.table, refusal.record_id)
                typer.echo("\t".join((refusal.change_id, subject, refusal.field or "-", refusal.reason, f"{refusal.waiting} waiting")))

    @rejected_cli.command("resend")
    def rejected_resend(
        change_id: Annotated[str, typer.Argument(metavar="ID")],
        data_dir: data_dir_option = None,
    ) -> None:
        """Send a refused record again as it stands now (correct it first); it syncs at the next round."""
        with opened(data_dir) as store:
            queued = store.repository.resend_refused(change_id)
        typer.echo(queued)

    @rejected_cli.command("discard")
    def rejected_discard(
        change_id: Annotated[str, typer.Argument(metavar="ID")],
        yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
        data_dir: data_dir_option = None,
    ) -> None:
        """Give up sending a refused record's changes (kept in the audit log; never for adverse events or inquiries)."""
        if not yes:
            typer.confirm("The record stays on this device but its refused changes will never reach the server. Discard them?", abort=True)
        with opened(data_dir) as store:
            dropped = store.repository.discard_refused(change_id)
        typer.echo(f"discarded {dropped} change(s) of {change_id}")

    @cli.command()
    def retire(data_dir: data_dir_option = None) -> None:
        """Hand this device back: sync everything, give up its token, wipe the local store."""
        from liaison.device.sync.engine import SyncEngine

        with opened(data_dir) as store:
            SyncEngine(store).retire()
        typer.echo("device retired: everything was synced and the local store wiped")

    @conflicts_cli.callback()
    def conflicts_list(ctx: typer.Context, data_dir: data_dir_option = None) -> None:
        """List open conflicts: id, record, field, kept value, other value."""
        if ctx.invoked_subcommand is not None:
            return
        from sqlmodel import col, select

        from liaison.device.store.models import Conflict

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


def _warn_refused(store: "Store") -> None:
    """One line per record the server refused, on stderr: stdout keeps the one summary line scripts read."""
    from liaison.device.store.queries import record_subject

    waiting = store.repository.refused()
    if not waiting:
        return
    with store.repository.session() as session:
        for refusal in waiting:
            where = f" ({refusal.field})" if refusal.field else ""
            err.print(f"needs your attention: {record_subject(session, refusal.table, refusal.record_id)}{where}: {refusal.reason}", markup=False)
    err.print(
        f"{len(waiting)} record(s) need your attention: correct and 'liaison rejected resend ID', or 'liaison rejected discard ID'", markup=False
    )
