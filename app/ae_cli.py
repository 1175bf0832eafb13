"""`liaison ae add` and `liaison ae list`: adverse events and their reporting clock from the command line.

No `from __future__ import annotations` here: typer reads the option types of these nested commands at run time.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from app.config import load_settings
from app.domain.identifiers import find_identifiers, warning_lines
from app.domain.safety import Urgency, check_awareness, time_left, urgency
from app.errors import ValidationError
from app.store.enums import Seriousness, Sex

if TYPE_CHECKING:
    from app.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]
err = Console(stderr=True, highlight=False, soft_wrap=True)

OPTIONS = {"description": "--event", "patient_age": "--age", "patient_sex": "--sex", "patient_initials": "--patient-initials", "aware_at": "--aware-at"}
"""Model fields by the option a person typed, so an error names what they can fix."""



class SeriousnessChoice(StrEnum):
    serious = Seriousness.SERIOUS.value
    non_serious = Seriousness.NON_SERIOUS.value
    unknown = Seriousness.UNKNOWN.value


class SexChoice(StrEnum):
    female = Sex.FEMALE.value
    male = Sex.MALE.value
    other = Sex.OTHER.value
    unknown = Sex.UNKNOWN.value


def register(cli: typer.Typer, opened: Opener, data_dir_option: Any) -> None:
    ae_cli = typer.Typer(help="Adverse events and their reporting deadline.", no_args_is_help=True)
    cli.add_typer(ae_cli, name="ae")

    @ae_cli.command("add")
    def ae_add(
        reporter: Annotated[str, typer.Option("--reporter", help="Who told you (name and role).")],
        product: Annotated[str, typer.Option("--product")],
        event: Annotated[str, typer.Option("--event", help="What happened, in your words; no patient names.")],
        aware_at: Annotated[str, typer.Option("--aware-at", help="When you became aware, ISO 8601 with a zone, e.g. 2026-11-27T15:00+01:00.")],
        seriousness: Annotated[SeriousnessChoice, typer.Option("--seriousness")] = SeriousnessChoice.unknown,
        patient_initials: Annotated[str | None, typer.Option("--patient-initials", help="Initials only, never a name.")] = None,
        age: Annotated[int | None, typer.Option("--age", help="The patient's age in years.")] = None,
        sex: Annotated[SexChoice, typer.Option("--sex")] = SexChoice.unknown,
        draft: Annotated[bool, typer.Option("--draft", help="Keep it as a draft instead of filing it now.")] = False,
        data_dir: data_dir_option = None,
    ) -> None:
        """Report an adverse event: prints its id and when pharmacovigilance must have it."""
        from app.store.models import AdverseEvent

        values = {
            "reporter": reporter, "product": product, "description": event, "aware_at": _aware_at(aware_at),
            "seriousness": seriousness.value, "patient_initials": patient_initials, "patient_age": age, "patient_sex": sex.value,
        }
        with opened(data_dir) as store:
            write = store.repository.create if draft else store.repository.create_submitted
            try:
                record = write(AdverseEvent, values)
            except ValidationError as error:
                raise ValidationError(OPTIONS.get(error.field, error.field), error.message) from None
        typer.echo(record.id)
        assert record.deadline_at is not None
        now, zone = datetime.now(UTC), _zone()
        typer.echo(f"report by {_local(record.deadline_at, zone)} ({time_left(record.deadline_at, now)}; {urgency(record.aware_at, record.deadline_at, now).label})")
        for line in warning_lines(find_identifiers(event)):
            err.print(f"warning: --event: {line}", markup=False)

    @ae_cli.command("list")
    def ae_list(
        due: Annotated[bool, typer.Option("--due", help="Only reports not yet made that are due soon, urgent or overdue.")] = False,
        limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
        data_dir: data_dir_option = None,
    ) -> None:
        """List adverse events, tab-separated: id, status, product, aware at, report by, clock, level."""
        from app.store import queries

        now, zone = datetime.now(UTC), _zone()
        with opened(data_dir) as store, store.repository.session() as session:
            events = queries.adverse_events(session, limit=limit)
            unreported = {event.id for event in queries.unreported_adverse_events(session)}
        rows = []
        for event in events:
            if event.id in unreported and event.deadline_at is not None:
                level = urgency(event.aware_at, event.deadline_at, now)
                clock, label = time_left(event.deadline_at, now), level.label
            else:
                level, clock, label = None, "", "reported"
            if due and (level is None or level < Urgency.DUE_SOON):
                continue
            rows.append((event.deadline_at or now, (event.id, event.status, event.product, _local(event.aware_at, zone), _local(event.deadline_at, zone), clock, label)))
        if due:
            rows.sort(key=lambda row: row[0])
        for _, cells in rows:
            typer.echo("\t".join(cells))


def _aware_at(text: str) -> datetime:
    """The awareness time as typed, refused in one line naming --aware-at when the clock cannot start from it."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("--aware-at", f"{text!r} is not an ISO 8601 time such as 2026-11-27T15:00+01:00") from None
    try:
        return check_awareness(moment)
    except ValueError as error:
        raise ValidationError("--aware-at", str(error).removeprefix("aware_at: ")) from None


def _zone() -> tzinfo | None:
    """The profile's time zone, or None for the device's own."""
    return load_settings().local_tz


def _local(moment: datetime | None, zone: tzinfo | None) -> str:
    """A time as the MSL reads a clock where they are: 'Mon 30 Nov 2026 15:00 CET'."""
    if moment is None:
        return ""
    shown = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return f"{shown:%a %d %b %Y %H:%M} {shown.tzname() or shown.strftime('%z')}"
