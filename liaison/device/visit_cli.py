"""`liaison visit …` and `liaison agenda`: planned visits for scripts and support.

`visit plan` prints the new visit's id; `reschedule` and `cancel` print it
again; `log` files the interaction prefilled from the plan and prints the
interaction's id. `agenda` prints one visit a line, tab-separated: id, local
time, HCP names, place, status. A time without an offset is the machine's
local time. A problem is one line on stderr with exit status 1 (2 for a
command line typer cannot read).

No `from __future__ import annotations` here: typer reads the option types of these nested commands at run time.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from liaison.core.enums import Channel
from liaison.core.errors import ValidationError

if TYPE_CHECKING:
    from liaison.device.locale import Display
    from liaison.device.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]


def register(cli: typer.Typer, opened: Opener, data_dir_option: Any) -> None:
    visit_cli = typer.Typer(help="Visits planned with HCPs: plan, move, cancel, log.", no_args_is_help=True)
    cli.add_typer(visit_cli, name="visit")

    @visit_cli.command("plan")
    def visit_plan(
        hcp: Annotated[list[str], typer.Option("--hcp", help="An HCP's id; repeat for a group meeting (the first leads).")],
        at: Annotated[str, typer.Option("--at", help="When it starts, ISO 8601 (local time unless an offset is given).")],
        duration: Annotated[int, typer.Option("--duration", help="Minutes, 5 to 720.")] = 30,
        place: Annotated[str | None, typer.Option("--place")] = None,
        channel: Annotated[Channel, typer.Option("--channel")] = Channel.IN_PERSON,
        objective: Annotated[list[str] | None, typer.Option("--objective", help="What the visit is for; repeat for more.")] = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """Plan a visit with one or more HCPs; prints its id."""
        from liaison.device.locale import machine_display

        starts_at = _moment(at, machine_display())
        data = {
            "hcp_ids": hcp,
            "starts_at": starts_at,
            "duration_minutes": duration,
            "place": place,
            "channel": channel,
            "objectives": objective or [],
        }
        with opened(data_dir) as store:
            visit = store.repository.plan_visit(data)
        typer.echo(visit.id)

    @visit_cli.command("reschedule")
    def visit_reschedule(
        visit_id: Annotated[str, typer.Argument(metavar="ID")],
        at: Annotated[str, typer.Option("--at", help="The new start, ISO 8601 (local time unless an offset is given).")],
        duration: Annotated[int | None, typer.Option("--duration", help="Minutes, 5 to 720.")] = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """Move a planned visit to another time; prints its id."""
        from liaison.device.locale import machine_display

        starts_at = _moment(at, machine_display())
        with opened(data_dir) as store:
            visit = store.repository.reschedule_visit(visit_id, starts_at, duration)
        typer.echo(visit.id)

    @visit_cli.command("cancel")
    def visit_cancel(
        visit_id: Annotated[str, typer.Argument(metavar="ID")],
        reason: Annotated[str | None, typer.Option("--reason")] = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """Cancel a planned visit (it stays on record as cancelled); prints its id."""
        with opened(data_dir) as store:
            visit = store.repository.cancel_visit(visit_id, reason)
        typer.echo(visit.id)

    @visit_cli.command("log")
    def visit_log(
        visit_id: Annotated[str, typer.Argument(metavar="ID")],
        notes: Annotated[str, typer.Option("--notes", help="What was discussed.")],
        follow_up: Annotated[list[str] | None, typer.Option("--follow-up", help="Something promised; repeat for more. Each becomes a task.")] = None,
        at: Annotated[str | None, typer.Option("--at", help="When it really happened, if not as planned.")] = None,
        justification: Annotated[str | None, typer.Option("--justification", help="Why flagged text is appropriate.")] = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """File the interaction the visit became, prefilled from the plan; prints the interaction's id."""
        from liaison.device.locale import machine_display

        values: dict[str, Any] = {"notes": notes, "follow_ups": [{"text": text} for text in follow_up or []]}
        if at is not None:
            values["occurred_at"] = _moment(at, machine_display())
        with opened(data_dir) as store:
            interaction = store.repository.log_visit(visit_id, values, justification=justification)
        typer.echo(interaction.id)

    @cli.command("agenda")
    def agenda_command(
        day: Annotated[str | None, typer.Option("--day", metavar="YYYY-MM-DD", help="The day to show; today if not given.")] = None,
        week: Annotated[bool, typer.Option("--week", help="The whole week (Monday to Sunday) of that day.")] = False,
        data_dir: data_dir_option = None,
    ) -> None:
        """The visits of a day (or week), soonest first: id, local time, HCPs, place, status."""
        from liaison.device.domain.agenda import agenda, week_start
        from liaison.device.locale import machine_display

        display = machine_display()
        first = _day(day) if day is not None else display.today()
        if week:
            first = week_start(first)
        with opened(data_dir) as store:
            entries = agenda(store.repository, first, display.zone, 7 if week else 1)
        for entry in entries:
            visit = entry.visit
            cells = (visit.id, display.datetime_text(visit.starts_at), ", ".join(entry.names), visit.place or "", str(visit.status))
            typer.echo("\t".join(" ".join(cell.split()) for cell in cells))


def _moment(text: str, display: "Display") -> datetime:
    """A time as typed, refused in one line naming --at."""
    from liaison.device.domain.agenda import local_moment

    try:
        return local_moment(text, display.zone)
    except ValueError:
        raise ValidationError("--at", f"{text!r} is not an ISO 8601 time such as 2026-12-08T09:30 or 2026-12-08T09:30+01:00") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("--day", f"{text!r} is not a date such as 2026-12-08") from None
