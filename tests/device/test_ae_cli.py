"""`liaison ae …`: the reporting clock and the whole adverse-event workflow from a shell, every mistake named in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.records.models import AdverseEvent, Amendment
from liaison.device.store.models import OutboxEntry
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.test_cli import Liaison, one_line_error

BERLIN = {"LIAISON_TIMEZONE": "Europe/Berlin"}


@pytest.fixture
def liaison(data_dir: Path) -> Liaison:
    tool = Liaison(data_dir)
    tool("init")
    return tool


def add(liaison: Liaison, aware_at: str, *extra: str, ok: bool = True, **env: str):  # type: ignore[no-untyped-def]
    return liaison(
        "ae",
        "add",
        "--reporter",
        "Dr Rosalind Franklin, oncologist",
        "--product",
        "zentrolimab",
        "--event",
        "Grade 3 rash after the second dose",
        "--aware-at",
        aware_at,
        *extra,
        ok=ok,
        **env,
    )


def ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="minutes")


def stored(data_dir: Path, event_id: str) -> AdverseEvent:
    with Store.open(data_dir, PASSPHRASE) as store:
        return store.repository.get(AdverseEvent, event_id)


def test_add_files_the_event_and_prints_its_id_and_deadline_in_the_msls_zone(liaison: Liaison) -> None:
    result = add(
        liaison,
        "2026-11-20T09:30+00:00",
        "--seriousness",
        "serious",
        "--criterion",
        "hospitalisation",
        "--patient-initials",
        "jd",
        "--age",
        "61",
        "--sex",
        "female",
        **BERLIN,
    )
    event_id, deadline_line = result.stdout.splitlines()
    event = stored(liaison.data_dir, event_id)
    assert (event.status, event.seriousness, event.patient_initials, event.patient_age, event.patient_sex) == (
        "submitted",
        "serious",
        "JD",
        61,
        "female",
    )
    assert event.seriousness_criteria == ["hospitalisation"]
    assert event.deadline_at == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert deadline_line.startswith("report by Sat 21 Nov 2026 10:30 CET (overdue by ")
    assert deadline_line.endswith("; overdue)")
    assert result.stderr == "", "no identifier in that narrative"


def test_a_business_day_window_skips_the_weekend(liaison: Liaison) -> None:
    result = add(liaison, "2026-11-20T15:00+01:00", LIAISON_AE_WINDOW_BUSINESS_DAYS="1", **BERLIN)
    assert result.stdout.splitlines()[1].startswith("report by Mon 23 Nov 2026 15:00 CET")


def test_a_fresh_event_shows_the_time_left_and_its_level(liaison: Liaison) -> None:
    line = add(liaison, ago(20)).stdout.splitlines()[1]
    assert "(due in 3 h" in line and line.endswith("; urgent)")


def test_add_with_draft_keeps_it_a_draft(liaison: Liaison) -> None:
    event_id = add(liaison, ago(1), "--draft").stdout.splitlines()[0]
    assert stored(liaison.data_dir, event_id).status == "draft"


@pytest.mark.parametrize(
    ("aware_at", "extra", "message"),
    [
        ("2026-11-20T09:30", (), "error: --aware-at: must include a time zone, e.g. 2026-11-27T15:00+01:00"),
        ("2099-01-01T09:30+00:00", (), "error: --aware-at: is in the future; give the moment you became aware"),
        ("yesterday", (), "error: --aware-at: 'yesterday' is not an ISO 8601 time such as 2026-11-27T15:00+01:00"),
        ("2026-11-20T09:30Z", ("--age", "200"), "error: --age: must be 130 or less"),
        ("2026-11-20T09:30Z", ("--patient-initials", "M L"), "error: --patient-initials: initials only (letters), never a full name"),
        (
            "2026-11-20T09:30Z",
            ("--seriousness", "serious"),
            "error: --criterion: a serious event names at least one seriousness criterion (e.g. hospitalisation)",
        ),
        (
            "2026-11-20T09:30Z",
            ("--seriousness", "non_serious", "--criterion", "death"),
            "error: --criterion: a non-serious event meets no seriousness criterion: mark it serious or remove the criteria",
        ),
        (
            "2026-11-20T09:30Z",
            ("--onset-date", "2026-11-22"),
            "error: --onset-date: is after the moment you became aware; the event began before you heard of it",
        ),
        ("2026-11-20T09:30Z", ("--onset-date", "last week"), "error: --onset-date: use a date like 2026-12-31"),
    ],
)
def test_mistakes_are_named_in_one_line_and_nothing_is_written(liaison: Liaison, aware_at: str, extra: tuple[str, ...], message: str) -> None:
    before = liaison.counts()
    assert one_line_error(add(liaison, aware_at, *extra, ok=False)) == message
    assert liaison.counts() == before


def test_likely_identifiers_in_the_narrative_are_warned_about_but_the_event_is_filed(liaison: Liaison) -> None:
    result = liaison(
        "ae",
        "add",
        "--reporter",
        "Dr Curie",
        "--product",
        "orvatinib",
        "--aware-at",
        ago(2),
        "--event",
        "Maria Lopez (DOB 12/03/1961) fainted; her son can be reached on 0171 496 0000",
    )
    assert result.stderr.splitlines() == [
        "warning: --event: “Maria Lopez” looks like a person's name: use the patient's initials instead",
        "warning: --event: “12/03/1961” looks like a date of birth: give the patient's age instead",
        "warning: --event: “0171 496 0000” looks like a phone or record number: keep it out of the report",
    ]
    assert stored(liaison.data_dir, result.stdout.splitlines()[0]).status == "submitted"


def test_list_due_shows_what_is_due_soon_or_overdue_soonest_first_and_drops_what_reached_the_server(liaison: Liaison) -> None:
    on_track, urgent, overdue, reported = (add(liaison, ago(hours)).stdout.splitlines()[0] for hours in (1, 20, 30, 40))
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        with store.repository.session() as session:
            sent = [entry.change_id for entry in session.exec(select(OutboxEntry).where(OutboxEntry.record_id == reported))]
        store.repository.acknowledge(sent)  # as after a push the server acknowledged

    everything = [line.split("\t") for line in liaison("ae", "list").stdout.splitlines()]
    assert [(row[0], row[-1]) for row in everything] == [(on_track, "on track"), (urgent, "urgent"), (overdue, "overdue"), (reported, "reported")]
    assert everything[2][5].startswith("overdue by 6 h") and everything[3][5] == ""

    due = [line.split("\t") for line in liaison("ae", "list", "--due").stdout.splitlines()]
    assert [(row[0], row[-1]) for row in due] == [(overdue, "overdue"), (urgent, "urgent")]


def fields_of(liaison: Liaison, event_id: str) -> dict[str, str]:
    """`liaison ae show` as label → value, for the event's own lines (before any follow-up)."""
    lines = liaison("ae", "show", event_id).stdout.splitlines()
    end = next((number for number, line in enumerate(lines) if line.startswith("follow-up ")), len(lines))
    return dict(line.split(": ", 1) for line in lines[:end])


def test_add_takes_the_new_fields_and_criteria_alone_make_the_event_serious(liaison: Liaison) -> None:
    event_id = add(
        liaison,
        ago(3),
        "--onset-date",
        "2026-11-01",
        "--outcome",
        "recovering",
        "--criterion",
        "hospitalisation",
        "--criterion",
        "life_threatening",
        "--concomitant-medication",
        "metformin 500 mg",
        "--reporter-contact",
        "+44 20 7946 0000 (ward 4)",
    ).stdout.splitlines()[0]
    event = stored(liaison.data_dir, event_id)
    assert event.seriousness == "serious", "naming a criterion is saying it is serious"
    assert (event.onset_date.isoformat() if event.onset_date else None, event.outcome, event.seriousness_criteria) == (
        "2026-11-01",
        "recovering",
        ["hospitalisation", "life_threatening"],
    )
    assert (event.concomitant_medication, event.reporter_contact) == ("metformin 500 mg", "+44 20 7946 0000 (ward 4)")


def test_a_draft_is_completed_with_edit_shown_and_then_submitted(liaison: Liaison) -> None:
    event_id = add(liaison, ago(2), "--draft").stdout.splitlines()[0]
    assert (
        liaison("ae", "edit", event_id, "--outcome", "recovered", "--onset-date", "2026-11-01", "--reporter-contact", "ward 4").stdout.strip()
        == event_id
    )
    shown = fields_of(liaison, event_id)
    assert (shown["status"], shown["outcome"], shown["onset-date"], shown["reporter-contact"]) == (
        "draft",
        "Recovered/resolved",
        "2026-11-01",
        "ward 4",
    )
    assert shown["report-by"].endswith("; on track)")

    submitted = liaison("ae", "submit", event_id).stdout.splitlines()
    assert submitted[0] == event_id and submitted[1].startswith("report by ")
    assert stored(liaison.data_dir, event_id).status == "submitted"


def test_edit_refuses_a_filed_event_and_points_to_follow_up(liaison: Liaison) -> None:
    event_id = add(liaison, ago(2)).stdout.splitlines()[0]
    before = liaison.counts()
    message = one_line_error(liaison("ae", "edit", event_id, "--outcome", "fatal", ok=False))
    assert message == f"error: ID: adverse event {event_id} was submitted; add new facts with `liaison ae follow-up {event_id} --reason …`"
    assert liaison.counts() == before


def test_follow_up_amends_a_filed_event_keeps_the_original_and_syncs_first(liaison: Liaison) -> None:
    event_id = add(liaison, ago(2), "--outcome", "not_recovered").stdout.splitlines()[0]
    amendment_id = liaison(
        "ae",
        "follow-up",
        event_id,
        "--reason",
        "call with the ward nurse",
        "--outcome",
        "recovered",
        "--criterion",
        "hospitalisation",
    ).stdout.strip()
    event = stored(liaison.data_dir, event_id)
    assert (event.outcome, event.seriousness) == ("not_recovered", "unknown"), "the original stays as filed"
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        amendment = store.repository.get(Amendment, amendment_id)
        with store.repository.session() as session:
            [entry] = session.exec(select(OutboxEntry).where(OutboxEntry.record_id == amendment_id)).all()
    assert amendment.changes == {"seriousness": "serious", "seriousness_criteria": ["hospitalisation"], "outcome": "recovered"}
    assert entry.priority == 0, "follow-up information jumps the sync queue like the event itself"

    lines = liaison("ae", "show", event_id).stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"follow-up {amendment_id} (")))
    assert lines[start].endswith("): call with the ward nurse")
    assert lines[start + 1 :] == ["  seriousness: serious", "  criterion: Hospitalisation or its prolongation", "  outcome: Recovered/resolved"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--reason", "nurse"), "error: --reason: give the new information too, e.g. --outcome recovered"),
        (("--reason", " ", "--outcome", "fatal"), "error: --reason: say where the new information came from"),
        (
            ("--reason", "nurse", "--outcome", "not_recovered"),
            "error: changes: nothing differs from the adverse event as it stands; give at least one new value",
        ),
        (
            ("--reason", "nurse", "--onset-date", "2099-01-01"),
            "error: --onset-date: is after the moment you became aware; the event began before you heard of it",
        ),
    ],
)
def test_a_follow_up_that_says_nothing_new_or_breaks_a_rule_is_refused_in_one_line(liaison: Liaison, extra: tuple[str, ...], message: str) -> None:
    event_id = add(liaison, ago(2), "--outcome", "not_recovered").stdout.splitlines()[0]
    before = liaison.counts()
    assert one_line_error(liaison("ae", "follow-up", event_id, *extra, ok=False)) == message
    assert liaison.counts() == before


def test_a_follow_up_of_a_draft_is_refused(liaison: Liaison) -> None:
    event_id = add(liaison, ago(2), "--draft").stdout.splitlines()[0]
    message = one_line_error(liaison("ae", "follow-up", event_id, "--reason", "nurse", "--outcome", "fatal", ok=False))
    assert message == f"error: status: adverse event {event_id} is still a draft; edit it directly"


def test_case_ref_is_set_on_a_filed_event_without_an_amendment(liaison: Liaison) -> None:
    event_id = add(liaison, ago(2)).stdout.splitlines()[0]
    assert liaison("ae", "case-ref", event_id, " PV-2026-001234 ").stdout.strip() == f"{event_id}\tPV-2026-001234"
    assert stored(liaison.data_dir, event_id).case_reference == "PV-2026-001234"
    assert fields_of(liaison, event_id)["case-ref"] == "PV-2026-001234"
    with Store.open(liaison.data_dir, PASSPHRASE) as store, store.repository.session() as session:
        assert session.exec(select(Amendment)).all() == []
    assert one_line_error(liaison("ae", "case-ref", event_id, "x" * 65, ok=False)) == "error: REF: keep it to 64 characters or fewer (this has 65)"


def test_an_unknown_event_is_named_in_one_line(liaison: Liaison) -> None:
    for command in (("show", "nope"), ("submit", "nope"), ("case-ref", "nope", "PV-1"), ("edit", "nope", "--outcome", "fatal")):
        assert one_line_error(liaison("ae", *command, ok=False)) == "error: adverse event nope not found"
