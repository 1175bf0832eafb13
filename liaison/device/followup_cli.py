"""`liaison followup …`: follow-up tasks for scripts and support.

`list` prints one task a line, tab-separated: id, due date, HCP, text, status
(`open`, `overdue` or `done`; overdue counts from today in the MSL's time zone);
`done` ticks one off as the MSL signed in on this store, `reopen` opens it again,
`due` moves it to another day. Each of those prints the task's id; a problem is
one line on stderr with exit status 1.

No `from __future__ import annotations` here: typer reads the option types of these nested commands at run time.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from liaison.device.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(cli: typer.Typer, opened: Opener, data_dir_option: Any) -> None:
    followup_cli = typer.Typer(help="Follow-ups promised to HCPs, as tasks.", no_args_is_help=True)
    cli.add_typer(followup_cli, name="followup")

    @followup_cli.command("list")
    def followup_list(
        overdue: Annotated[bool, typer.Option("--overdue", help="Only open follow-ups due before today.")] = False,
        all_: Annotated[bool, typer.Option("--all", help="Done ones too.")] = False,
        data_dir: data_dir_option = None,
    ) -> None:
        """List open follow-ups, soonest due first: id, due date, HCP, text, status."""
        from liaison.device.store import queries

        with opened(data_dir) as store, store.repository.session() as session:
            today = queries.local_today(store.repository.local_tz)
            tasks = queries.follow_ups(session, open_only=not all_, limit=100_000)
            if overdue:
                tasks = [task for task in tasks if queries.is_overdue(task, today)]
            names = queries.hcp_names(session, [task.hcp_id for task in tasks])
        for task in tasks:
            status = "overdue" if queries.is_overdue(task, today) else str(task.status)
            cells = (task.id, task.due.isoformat() if task.due else "", names.get(task.hcp_id, task.hcp_id), task.text, status)
            typer.echo("\t".join(" ".join(str(cell).split()) for cell in cells))

    @followup_cli.command("done")
    def followup_done(task_id: Annotated[str, typer.Argument(metavar="ID")], data_dir: data_dir_option = None) -> None:
        """Tick a follow-up off, done now by you; prints its id. One already done stays as it was."""
        with opened(data_dir) as store:
            task = store.repository.complete_follow_up(task_id)
        typer.echo(task.id)

    @followup_cli.command("reopen")
    def followup_reopen(task_id: Annotated[str, typer.Argument(metavar="ID")], data_dir: data_dir_option = None) -> None:
        """Open a done follow-up again; prints its id."""
        with opened(data_dir) as store:
            task = store.repository.reopen_follow_up(task_id)
        typer.echo(task.id)

    @followup_cli.command("due")
    def followup_due(
        task_id: Annotated[str, typer.Argument(metavar="ID")],
        due: Annotated[str, typer.Argument(metavar="YYYY-MM-DD", help="The new due date; 'none' for no date.")],
        data_dir: data_dir_option = None,
    ) -> None:
        """Give a follow-up another due date; prints its id."""
        with opened(data_dir) as store:
            task = store.repository.reschedule_follow_up(task_id, None if due.strip().lower() == "none" else due)
        typer.echo(task.id)
