"""`liaison visit plan|reschedule|cancel|log` and `liaison agenda`: planned visits from a shell, ids printed, one-line errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from liaison.core.records.models import FollowUpTask, Hcp, Interaction, PlannedVisit
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.test_cli import Liaison, one_line_error

PARIS = {"TZ": "Europe/Paris", "LANG": "en_GB.UTF-8"}


@pytest.fixture
def hcps(data_dir: Path) -> tuple[Liaison, str, str]:
    tool = Liaison(data_dir)
    tool("init")
    with Store.open(data_dir, PASSPHRASE) as store:
        curie = store.repository.create(Hcp, {"name": "Dr Marie Curie", "contact_consent": True})
        pasteur = store.repository.create(Hcp, {"name": "Dr Louis Pasteur", "contact_consent": True})
    return tool, curie.id, pasteur.id


def stored(data_dir: Path, model: type, record_id: str):  # type: ignore[no-untyped-def]
    with Store.open(data_dir, PASSPHRASE) as store:
        return store.repository.get(model, record_id)


def test_plan_prints_the_visit_id_and_reads_a_time_without_offset_as_the_machines_local_time(hcps: tuple[Liaison, str, str]) -> None:
    liaison, curie, pasteur = hcps
    args = ("visit", "plan", "--hcp", curie, "--hcp", pasteur, "--at", "2026-12-08T09:30", "--duration", "45")
    visit_id = liaison(*args, "--place", "Institut Curie", "--channel", "virtual", "--objective", "Readout", **PARIS).stdout.strip()
    visit = stored(liaison.data_dir, PlannedVisit, visit_id)
    assert visit.starts_at == datetime(2026, 12, 8, 8, 30, tzinfo=UTC), "09:30 in Paris is 08:30 UTC in December"
    assert (visit.hcp_ids, visit.duration_minutes, visit.place, visit.channel, visit.objectives) == (
        [curie, pasteur],
        45,
        "Institut Curie",
        "virtual",
        ["Readout"],
    )


def test_agenda_prints_one_line_per_visit_of_the_day_or_week_in_local_time(hcps: tuple[Liaison, str, str]) -> None:
    liaison, curie, pasteur = hcps
    tuesday = liaison("visit", "plan", "--hcp", curie, "--hcp", pasteur, "--at", "2026-12-08T09:30", "--place", "Lyon", **PARIS).stdout.strip()
    thursday = liaison("visit", "plan", "--hcp", pasteur, "--at", "2026-12-10T16:00+01:00", **PARIS).stdout.strip()
    day = [line.split("\t") for line in liaison("agenda", "--day", "2026-12-08", **PARIS).stdout.splitlines()]
    assert day == [[tuesday, "8 Dec 2026, 09:30", "Dr Marie Curie, Dr Louis Pasteur", "Lyon", "planned"]]
    week = [line.split("\t")[0] for line in liaison("agenda", "--day", "2026-12-09", "--week", **PARIS).stdout.splitlines()]
    assert week == [tuesday, thursday]
    assert liaison("agenda", "--day", "2026-12-09", **PARIS).stdout == ""


def test_reschedule_and_cancel_print_the_id_and_the_agenda_shows_the_status(hcps: tuple[Liaison, str, str]) -> None:
    liaison, curie, _ = hcps
    visit_id = liaison("visit", "plan", "--hcp", curie, "--at", "2026-12-08T09:30", **PARIS).stdout.strip()
    assert liaison("visit", "reschedule", visit_id, "--at", "2026-12-09T11:00", **PARIS).stdout.strip() == visit_id
    assert liaison("visit", "cancel", visit_id, "--reason", "Clinic closed", **PARIS).stdout.strip() == visit_id
    line = liaison("agenda", "--day", "2026-12-09", **PARIS).stdout.strip().split("\t")
    assert (line[1], line[-1]) == ("9 Dec 2026, 11:00", "cancelled")
    assert stored(liaison.data_dir, PlannedVisit, visit_id).cancel_reason == "Clinic closed"


def test_log_files_the_interaction_prefilled_from_the_plan_and_prints_its_id(hcps: tuple[Liaison, str, str]) -> None:
    liaison, curie, pasteur = hcps
    visit_id = liaison(
        "visit", "plan", "--hcp", curie, "--hcp", pasteur, "--at", "2026-12-08T09:30", "--objective", "Readout", **PARIS
    ).stdout.strip()
    interaction_id = liaison("visit", "log", visit_id, "--notes", "Discussed the readout", "--follow-up", "Send the poster", **PARIS).stdout.strip()
    interaction = stored(liaison.data_dir, Interaction, interaction_id)
    assert (interaction.hcp_id, interaction.attendee_ids, interaction.topics, interaction.status) == (curie, [pasteur], ["Readout"], "submitted")
    assert (interaction.planned_visit_id, interaction.notes) == (visit_id, "Discussed the readout")
    assert stored(liaison.data_dir, PlannedVisit, visit_id).interaction_id == interaction_id
    with Store.open(liaison.data_dir, PASSPHRASE) as store, store.repository.session() as session:
        assert [task.text for task in session.exec(select(FollowUpTask))] == ["Send the poster"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("visit", "plan", "--hcp", "no-such-hcp", "--at", "2026-12-08T09:30"), "no HCP with id no-such-hcp"),
        (("visit", "plan", "--hcp", "{curie}", "--at", "next tuesday"), "--at"),
        (("visit", "plan", "--hcp", "{curie}", "--at", "2026-12-08T09:30", "--duration", "1000"), "Duration (minutes)"),
        (("agenda", "--day", "8/12/2026"), "--day"),
        (("visit", "cancel", "no-such-visit"), "planned visit no-such-visit not found"),
    ],
)
def test_bad_input_is_one_line_naming_the_problem_with_exit_1_and_nothing_written(
    hcps: tuple[Liaison, str, str], args: tuple[str, ...], named: str
) -> None:
    liaison, curie, _ = hcps
    before = liaison.counts()
    result = liaison(*(arg.replace("{curie}", curie) for arg in args), ok=False, **PARIS)
    assert result.exit_code == 1
    assert named in one_line_error(result)
    assert liaison.counts() == before


def test_logging_a_cancelled_visit_is_refused_in_one_line(hcps: tuple[Liaison, str, str]) -> None:
    liaison, curie, _ = hcps
    visit_id = liaison("visit", "plan", "--hcp", curie, "--at", "2026-12-08T09:30", **PARIS).stdout.strip()
    liaison("visit", "cancel", visit_id)
    result = liaison("visit", "log", visit_id, "--notes", "x", ok=False)
    assert result.exit_code == 1
    assert "was cancelled" in one_line_error(result)


def test_a_command_line_typer_cannot_read_exits_2(hcps: tuple[Liaison, str, str]) -> None:
    liaison, _, _ = hcps
    assert liaison("visit", "plan", "--at", "2026-12-08T09:30", ok=False).exit_code == 2, "--hcp is required"
