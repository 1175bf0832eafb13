"""`liaison ae add` and `liaison ae list`: the reporting clock from a shell, every mistake named in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app.store.models import AdverseEvent, OutboxEntry
from app.store.store import Store
from tests.conftest import PASSPHRASE
from tests.test_cli import Liaison, one_line_error

BERLIN = {"LIAISON_TIMEZONE": "Europe/Berlin"}


@pytest.fixture
def liaison(data_dir: Path) -> Liaison:
    tool = Liaison(data_dir)
    tool("init")
    return tool


def add(liaison: Liaison, aware_at: str, *extra: str, ok: bool = True, **env: str):  # type: ignore[no-untyped-def]
    return liaison(
        "ae", "add", "--reporter", "Dr Rosalind Franklin, oncologist", "--product", "zentrolimab",
        "--event", "Grade 3 rash after the second dose", "--aware-at", aware_at, *extra, ok=ok, **env,
    )


def ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="minutes")


def stored(data_dir: Path, event_id: str) -> AdverseEvent:
    with Store.open(data_dir, PASSPHRASE) as store:
        return store.repository.get(AdverseEvent, event_id)


def test_add_files_the_event_and_prints_its_id_and_deadline_in_the_msls_zone(liaison: Liaison) -> None:
    result = add(liaison, "2026-11-20T09:30+00:00", "--seriousness", "serious", "--patient-initials", "jd", "--age", "61", "--sex", "female", **BERLIN)
    event_id, deadline_line = result.stdout.splitlines()
    event = stored(liaison.data_dir, event_id)
    assert (event.status, event.seriousness, event.patient_initials, event.patient_age, event.patient_sex) == ("submitted", "serious", "JD", 61, "female")
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
        ("2026-11-20T09:30Z", ("--age", "200"), "error: --age: input should be less than or equal to 130"),
        ("2026-11-20T09:30Z", ("--patient-initials", "M L"), "error: --patient-initials: initials only (letters), never a full name"),
    ],
)
def test_mistakes_are_named_in_one_line_and_nothing_is_written(liaison: Liaison, aware_at: str, extra: tuple[str, ...], message: str) -> None:
    before = liaison.counts()
    assert one_line_error(add(liaison, aware_at, *extra, ok=False)) == message
    assert liaison.counts() == before


def test_likely_identifiers_in_the_narrative_are_warned_about_but_the_event_is_filed(liaison: Liaison) -> None:
    result = liaison(
        "ae", "add", "--reporter", "Dr Curie", "--product", "orvatinib", "--aware-at", ago(2),
        "--event", "Maria Lopez (DOB 12/03/1961) fainted; her son can be reached on 0171 496 0000",
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
