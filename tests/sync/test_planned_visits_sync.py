"""Planned visits across an MSL's two devices and a real server: the MSL's own plan, on each of their devices and no one else's."""

from __future__ import annotations

from pathlib import Path

from liaison.core.records.models import Hcp, Interaction, PlannedVisit
from liaison.device.store import visits
from liaison.device.store.store import Store
from liaison.server.embedded import EmbeddedServer
from tests.conftest import PASSPHRASE
from tests.sync.test_two_devices import devices, liaison

__all__ = ["devices"]


def two_hcps(data_dir: Path) -> tuple[str, str]:
    with Store.open(data_dir, PASSPHRASE) as store:
        curie = store.repository.create(Hcp, {"name": "Dr Marie Curie", "territory": "north", "contact_consent": True})
        pasteur = store.repository.create(Hcp, {"name": "Dr Louis Pasteur", "territory": "north", "contact_consent": True})
    return curie.id, pasteur.id


def test_a_visit_planned_on_the_laptop_shows_on_the_tablet_and_never_on_a_colleagues_device(
    server: EmbeddedServer, devices: tuple[Path, Path], tmp_path: Path
) -> None:
    laptop, tablet = devices
    colleague = tmp_path / "colleague"
    code = server.create_user("ben@example.org", "Ben", territory="north")
    liaison(colleague, "init")
    liaison(colleague, "enroll", "--server", server.url, "--code", code)
    curie, pasteur = two_hcps(laptop)
    visit_id = liaison(laptop, "visit", "plan", "--hcp", curie, "--hcp", pasteur, "--at", "2026-12-08T09:30+01:00", "--place", "Lyon")
    for data_dir in (laptop, tablet, colleague):
        liaison(data_dir, "sync")
    assert liaison(tablet, "agenda", "--day", "2026-12-08").split("\t")[0] == visit_id
    assert liaison(colleague, "agenda", "--day", "2026-12-08") == "", "another MSL never receives the plan"
    with Store.open(colleague, PASSPHRASE) as store, store.repository.session() as session:
        assert session.get(Hcp, curie) is not None, "while the HCPs of the territory do travel"
        assert session.get(PlannedVisit, visit_id) is None


def test_a_visit_logged_on_the_tablet_shows_logged_on_the_laptop_with_its_group_meeting(devices: tuple[Path, Path]) -> None:
    laptop, tablet = devices
    curie, pasteur = two_hcps(laptop)
    visit_id = liaison(laptop, "visit", "plan", "--hcp", curie, "--hcp", pasteur, "--at", "2026-12-08T09:30+01:00")
    liaison(laptop, "sync")
    liaison(tablet, "sync")
    interaction_id = liaison(tablet, "visit", "log", visit_id, "--notes", "Discussed the readout")
    liaison(tablet, "sync")
    liaison(laptop, "sync")
    with Store.open(laptop, PASSPHRASE) as store, store.repository.session() as session:
        visit = session.get(PlannedVisit, visit_id)
        assert visit is not None and (visit.status, visit.interaction_id) == ("logged", interaction_id)
        pulled = session.get(Interaction, interaction_id)
        assert pulled is not None and (pulled.hcp_id, pulled.attendee_ids, pulled.planned_visit_id) == (curie, [pasteur], visit_id)
        attended = visits.interactions_attended(session, pasteur, 5)
    assert [item.id for item in attended] == [interaction_id], "the pull keeps the attendee lookup too"
