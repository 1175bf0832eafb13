"""`liaison ae …`: adverse events and their reporting clock from the command line.

`add` reports one (filed at once, or kept as a draft), `list` shows the clocks,
`show` one event with its follow-ups, `edit` completes a draft, `submit` files it,
`follow-up` adds new facts to a filed event as an amendment (the original stays
as filed), and `case-ref` records the company's case number once it arrives.

No `from __future__ import annotations` here: typer reads the option types of these nested commands at run time.
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from liaison.core.enums import CRITERION_LABELS, OUTCOME_LABELS, Outcome, Seriousness, SeriousnessCriterion, Sex
from liaison.core.errors import ImmutableRecord, ValidationError, ValidationErrors
from liaison.core.rules.safety import Urgency, check_awareness, time_left, urgency
from liaison.device.config import load_settings
from liaison.device.domain.identifiers import find_identifiers, warning_lines

if TYPE_CHECKING:
    from liaison.device.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]
err = Console(stderr=True, highlight=False, soft_wrap=True)

OPTIONS = {
    "description": "--event",
    "patient_age": "--age",
    "patient_sex": "--sex",
    "patient_initials": "--patient-initials",
    "aware_at": "--aware-at",
    "reporter": "--reporter",
    "product": "--product",
    "seriousness": "--seriousness",
    "seriousness_criteria": "--criterion",
    "onset_date": "--onset-date",
    "outcome": "--outcome",
    "concomitant_medication": "--concomitant-medication",
    "reporter_contact": "--reporter-contact",
    "case_reference": "REF",
    "reason": "--reason",
}
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


class OutcomeChoice(StrEnum):
    recovered = Outcome.RECOVERED.value
    recovering = Outcome.RECOVERING.value
    not_recovered = Outcome.NOT_RECOVERED.value
    recovered_with_sequelae = Outcome.RECOVERED_WITH_SEQUELAE.value
    fatal = Outcome.FATAL.value
    unknown = Outcome.UNKNOWN.value


class CriterionChoice(StrEnum):
    death = SeriousnessCriterion.DEATH.value
    life_threatening = SeriousnessCriterion.LIFE_THREATENING.value
    hospitalisation = SeriousnessCriterion.HOSPITALISATION.value
    disability = SeriousnessCriterion.DISABILITY.value
    congenital_anomaly = SeriousnessCriterion.CONGENITAL_ANOMALY.value
    medically_important = SeriousnessCriterion.MEDICALLY_IMPORTANT.value


OnsetOption = Annotated[str | None, typer.Option("--onset-date", help="When the event began, YYYY-MM-DD (not after you became aware).")]
OutcomeOption = Annotated[OutcomeChoice | None, typer.Option("--outcome", help="The outcome as known now.")]
CriteriaOption = Annotated[
    list[CriterionChoice] | None,
    typer.Option("--criterion", help="A seriousness criterion; repeat for several. Naming one makes the event serious."),
]
ConMedsOption = Annotated[str | None, typer.Option("--concomitant-medication", help="Other medicines the patient takes.")]
ContactOption = Annotated[str | None, typer.Option("--reporter-contact", help="How pharmacovigilance reaches the reporter.")]


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
        onset_date: OnsetOption = None,
        outcome: OutcomeOption = None,
        criterion: CriteriaOption = None,
        concomitant_medication: ConMedsOption = None,
        reporter_contact: ContactOption = None,
        draft: Annotated[bool, typer.Option("--draft", help="Keep it as a draft instead of filing it now.")] = False,
        data_dir: data_dir_option = None,
    ) -> None:
        """Report an adverse event: prints its id and when pharmacovigilance must have it."""
        from liaison.core.records.models import AdverseEvent

        values = {
            "reporter": reporter,
            "product": product,
            "description": event,
            "aware_at": _aware_at(aware_at),
            "seriousness": seriousness.value,
            "patient_initials": patient_initials,
            "patient_age": age,
            "patient_sex": sex.value,
            **_given(
                onset_date=onset_date,
                outcome=outcome,
                criterion=criterion,
                concomitant_medication=concomitant_medication,
                reporter_contact=reporter_contact,
            ),
        }
        with opened(data_dir) as store, _named_by_option():
            write = store.repository.create if draft else store.repository.create_submitted
            record = write(AdverseEvent, values)
        typer.echo(record.id)
        assert record.deadline_at is not None
        now, zone = datetime.now(UTC), _zone()
        level = urgency(record.aware_at, record.deadline_at, now).label
        typer.echo(f"report by {_local(record.deadline_at, zone)} ({time_left(record.deadline_at, now)}; {level})")
        for line in warning_lines(find_identifiers(event)):
            err.print(f"warning: --event: {line}", markup=False)

    @ae_cli.command("list")
    def ae_list(
        due: Annotated[bool, typer.Option("--due", help="Only reports not yet made that are due soon, urgent or overdue.")] = False,
        limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
        data_dir: data_dir_option = None,
    ) -> None:
        """List adverse events, tab-separated: id, status, product, aware at, report by, clock, level."""
        from liaison.device.store import queries

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
            rows.append(
                (
                    event.deadline_at or now,
                    (event.id, event.status, event.product, _local(event.aware_at, zone), _local(event.deadline_at, zone), clock, label),
                )
            )
        if due:
            rows.sort(key=lambda row: row[0])
        for _, cells in rows:
            typer.echo("\t".join(cells))

    @ae_cli.command("show")
    def ae_show(event_id: Annotated[str, typer.Argument(metavar="ID")], data_dir: data_dir_option = None) -> None:
        """One adverse event as filed (or drafted), then each follow-up with its reason and what it changed."""
        from liaison.core.records.models import AdverseEvent
        from liaison.device.store import queries

        with opened(data_dir) as store, store.repository.session() as session:
            event = store.repository.get(AdverseEvent, event_id)
            follow_ups = queries.amendments_of(session, "adverse_event", event_id)
            unsent = queries.unsent_adverse_event_ids(session)
        zone = _zone()
        for label, value in _described(event, reported=event.status != "draft" and event.id not in unsent, zone=zone):
            typer.echo(f"{label}: {value}")
        for amendment in follow_ups:
            typer.echo(f"follow-up {amendment.id} ({_local(amendment.created_at, zone)}): {amendment.reason}")
            for name, value in amendment.changes.items():
                typer.echo(f"  {OPTIONS.get(name, name).removeprefix('--')}: {_shown(name, value)}")

    @ae_cli.command("edit")
    def ae_edit(
        event_id: Annotated[str, typer.Argument(metavar="ID")],
        reporter: Annotated[str | None, typer.Option("--reporter")] = None,
        product: Annotated[str | None, typer.Option("--product")] = None,
        event: Annotated[str | None, typer.Option("--event")] = None,
        aware_at: Annotated[str | None, typer.Option("--aware-at")] = None,
        seriousness: Annotated[SeriousnessChoice | None, typer.Option("--seriousness")] = None,
        patient_initials: Annotated[str | None, typer.Option("--patient-initials")] = None,
        age: Annotated[int | None, typer.Option("--age")] = None,
        sex: Annotated[SexChoice | None, typer.Option("--sex")] = None,
        onset_date: OnsetOption = None,
        outcome: OutcomeOption = None,
        criterion: CriteriaOption = None,
        concomitant_medication: ConMedsOption = None,
        reporter_contact: ContactOption = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """Complete a draft: only the options given change. A filed event takes follow-up information instead."""
        from liaison.core.records.models import AdverseEvent

        changes = _given(
            reporter=reporter,
            product=product,
            description=event,
            aware_at=_aware_at(aware_at) if aware_at else None,
            seriousness=seriousness,
            patient_initials=patient_initials,
            patient_age=age,
            patient_sex=sex,
            onset_date=onset_date,
            outcome=outcome,
            criterion=criterion,
            concomitant_medication=concomitant_medication,
            reporter_contact=reporter_contact,
        )
        if not changes:
            raise ValidationError("ID", "give at least one option to change, e.g. --outcome recovered")
        with opened(data_dir) as store, _named_by_option():
            try:
                record = store.repository.update(AdverseEvent, event_id, changes)
            except ImmutableRecord:
                raise ValidationError(
                    "ID", f"adverse event {event_id} was submitted; add new facts with `liaison ae follow-up {event_id} --reason …`"
                ) from None
        typer.echo(record.id)

    @ae_cli.command("submit")
    def ae_submit(event_id: Annotated[str, typer.Argument(metavar="ID")], data_dir: data_dir_option = None) -> None:
        """File a draft for pharmacovigilance; it syncs first. Prints its id and when it must be reported."""
        from liaison.core.records.models import AdverseEvent

        with opened(data_dir) as store, _named_by_option():
            record = store.repository.submit(AdverseEvent, event_id)
        typer.echo(record.id)
        assert record.deadline_at is not None
        typer.echo(f"report by {_local(record.deadline_at, _zone())} ({time_left(record.deadline_at)})")

    @ae_cli.command("follow-up")
    def ae_follow_up(
        event_id: Annotated[str, typer.Argument(metavar="ID")],
        reason: Annotated[str, typer.Option("--reason", help="Where the new information came from, e.g. 'call with the nurse, 3 Dec'.")],
        event: Annotated[str | None, typer.Option("--event", help="The description as it now reads.")] = None,
        seriousness: Annotated[SeriousnessChoice | None, typer.Option("--seriousness")] = None,
        patient_initials: Annotated[str | None, typer.Option("--patient-initials")] = None,
        age: Annotated[int | None, typer.Option("--age")] = None,
        sex: Annotated[SexChoice | None, typer.Option("--sex")] = None,
        onset_date: OnsetOption = None,
        outcome: OutcomeOption = None,
        criterion: CriteriaOption = None,
        concomitant_medication: ConMedsOption = None,
        reporter_contact: ContactOption = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """Add follow-up information to a filed event as an amendment; prints the amendment's id."""
        from liaison.core.records.models import AdverseEvent

        changes = _given(
            description=event,
            seriousness=seriousness,
            patient_initials=patient_initials,
            patient_age=age,
            patient_sex=sex,
            onset_date=onset_date,
            outcome=outcome,
            criterion=criterion,
            concomitant_medication=concomitant_medication,
            reporter_contact=reporter_contact,
        )
        if not changes:
            raise ValidationError("--reason", "give the new information too, e.g. --outcome recovered")
        if not reason.strip():
            raise ValidationError("--reason", "say where the new information came from")
        with opened(data_dir) as store, _named_by_option():
            amendment = store.repository.amend(AdverseEvent, event_id, changes, reason)
        typer.echo(amendment.id)

    @ae_cli.command("case-ref")
    def ae_case_ref(
        event_id: Annotated[str, typer.Argument(metavar="ID")],
        reference: Annotated[str, typer.Argument(metavar="REF", help="The company's safety case number.")],
        data_dir: data_dir_option = None,
    ) -> None:
        """Record the case number pharmacovigilance gave the event; allowed after filing, without an amendment."""
        from liaison.core.records.models import AdverseEvent

        if not reference.strip():
            raise ValidationError("REF", "give the case number pharmacovigilance sent")
        with opened(data_dir) as store, _named_by_option():
            record = store.repository.update(AdverseEvent, event_id, {"case_reference": reference})
        typer.echo(f"{record.id}\t{record.case_reference}")


@contextmanager
def _named_by_option() -> Iterator[None]:
    """A refusal from the store names the option a person typed rather than the model's field."""
    try:
        yield
    except ValidationError as error:
        problems = error.problems if isinstance(error, ValidationErrors) else [error]
        raise ValidationErrors.of([_by_option(problem) for problem in problems]) from None


def _by_option(problem: ValidationError) -> ValidationError:
    field = problem.field.split(".")[0]
    return ValidationError(OPTIONS.get(field, field), problem.message)


def _given(**options: Any) -> dict[str, Any]:
    """The options a person gave, as model fields and values (`--criterion` is the list of criteria)."""
    values: dict[str, Any] = {name: value.value if isinstance(value, StrEnum) else value for name, value in options.items() if value is not None}
    if "criterion" in values:
        values["seriousness_criteria"] = [item.value for item in values.pop("criterion")]
    return values


def _described(event: Any, *, reported: bool, zone: tzinfo | None) -> list[tuple[str, str]]:
    """An event's fields as `label: value` lines, named as the options that set them."""
    clock = "reported" if reported else f"{time_left(event.deadline_at)}; {urgency(event.aware_at, event.deadline_at, datetime.now(UTC)).label}"
    patient = ", ".join(
        part for part in (event.patient_initials, f"{event.patient_age} y" if event.patient_age is not None else None, event.patient_sex) if part
    )
    return [
        ("id", event.id),
        ("status", event.status),
        ("reporter", event.reporter),
        ("reporter-contact", event.reporter_contact or ""),
        ("product", event.product),
        ("event", " ".join(event.description.split())),
        ("patient", patient),
        ("aware-at", _local(event.aware_at, zone)),
        ("report-by", f"{_local(event.deadline_at, zone)} ({clock})"),
        ("onset-date", _shown("onset_date", event.onset_date)),
        ("seriousness", _shown("seriousness", event.seriousness)),
        ("criterion", _shown("seriousness_criteria", event.seriousness_criteria)),
        ("outcome", _shown("outcome", event.outcome)),
        ("concomitant-medication", event.concomitant_medication or ""),
        ("case-ref", event.case_reference or ""),
    ]


def _shown(name: str, value: Any) -> str:
    """A field's value in words: E2B's labels for outcomes and criteria, ISO dates, one line of text."""
    if value is None:
        return ""
    if name == "outcome":
        return OUTCOME_LABELS[Outcome(value)]
    if name == "seriousness_criteria":
        return "; ".join(CRITERION_LABELS[SeriousnessCriterion(item)] for item in value)
    if name == "seriousness":
        return str(Seriousness(value).value).replace("_", "-")
    return " ".join(str(value.isoformat() if hasattr(value, "isoformat") else value).split())


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
