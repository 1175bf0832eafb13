"""`liaison hcp brief ID`: the pre-call brief as plain text sections for a terminal; one line and exit 1 for an id never held."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.device.locale import machine_display
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.domain.test_brief import NOW, Curie, fill_curie
from tests.device.test_cli import Liaison, one_line_error


@pytest.fixture
def liaison(data_dir: Path) -> tuple[Liaison, Curie]:
    tool = Liaison(data_dir)
    tool("init")
    with Store.open(data_dir, PASSPHRASE) as store:
        curie = fill_curie(store)
    return tool, curie


def sections(text: str) -> dict[str, list[str]]:
    """Heading → its lines; the first block (no heading) under ''."""
    found: dict[str, list[str]] = {}
    heading = ""
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if found:
            heading, lines = lines[0], lines[1:]
        found[heading] = lines
    return found


def test_the_brief_prints_each_section_under_its_heading(liaison: tuple[Liaison, Curie]) -> None:
    tool, curie = liaison
    printed = sections(tool("hcp", "brief", curie.hcp.id).stdout)
    assert list(printed) == [
        "",
        "Last interactions (5 of 9)",
        "Open inquiries",
        "Open follow-ups (1 overdue)",
        "Insights",
        "Trials at their site",
        "Events attended",
        "Content already shared",
        "Medical plan not yet covered with them",
    ]
    assert printed[""][:2] == ["Dr Marie Curie", "Oncology · Institut Curie · KOL tier 1"]
    assert printed[""][2].startswith("Consent: consents to contact (recorded ")
    assert printed[""][3] == "Next visit: none planned"


def test_entries_carry_their_dates_as_the_machine_reads_them_and_their_ids(liaison: tuple[Liaison, Curie]) -> None:
    tool, curie = liaison
    printed = sections(tool("hcp", "brief", curie.hcp.id).stdout)
    display = machine_display()
    assert printed["Last interactions (5 of 9)"][0] == f"  {display.date_text(NOW)} · in person · draft · dosing, renal  {curie.latest.id}"
    assert printed["Last interactions (5 of 9)"][1].startswith("    Visit 0: discussed the subgroup data")
    assert len(printed["Last interactions (5 of 9)"]) == 10, "five interactions, each with its excerpt"
    [inquiry, question] = printed["Open inquiries"]
    assert " · 6 days open · draft  " in inquiry and inquiry.endswith(curie.inquiry.id)
    assert question == "    Is dose adjustment needed in CKD stage 4?"
    late, later = printed["Open follow-ups (1 overdue)"]
    assert late.startswith("  OVERDUE · due ") and "Send the renal data" in late and not later.startswith("  OVERDUE")
    assert len([line for line in printed["Insights"] if not line.startswith("    ")]) == 10
    assert printed["Events attended"] == [f"  {display.date_text(curie.congress.starts_at)} · ESMO 2026 · congress  {curie.congress.id}"]
    assert printed["Content already shared"][0].startswith("  Renal dosing booklet · MED-0042 · v3 · last shared ")


def test_an_erased_hcp_is_briefed_as_erased_and_nothing_else(liaison: tuple[Liaison, Curie]) -> None:
    tool, curie = liaison
    with Store.open(tool.data_dir, PASSPHRASE) as store:
        store.repository.erase_hcp(curie.hcp.id, "request by e-mail of 3 March, GDPR art. 17")
    printed = tool("hcp", "brief", curie.hcp.id).stdout
    assert printed.startswith("Erased HCP ") and "erased on request" in printed
    assert "Curie" not in printed and "renal" not in printed.lower()


def test_an_unknown_id_is_one_line_and_exit_1(liaison: tuple[Liaison, Curie]) -> None:
    tool, _ = liaison
    result = tool("hcp", "brief", "no-such-hcp", ok=False)
    assert result.exit_code == 1
    assert one_line_error(result) == "error: hcp: no HCP with id no-such-hcp"
    assert result.stdout == ""
