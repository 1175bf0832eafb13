"""Adding and editing an HCP in the app: a freshly enrolled MSL builds their directory without the CLI.

No browser: the screens are built over a real store and driven through the
handlers wired to their labelled controls.
"""

from __future__ import annotations

from pathlib import Path

import flet as ft
import pytest

from liaison.core.records.models import Hcp
from liaison.device.store import queries
from liaison.device.store.store import Store
from tests.device.ui.driver import Session, button, choose, click, error_of, labelled, shows, tick, type_in, walk


@pytest.fixture
def ui(store: Store, data_dir: Path) -> Session:
    """A store with no HCP at all, as after enrolment in a new territory."""
    return Session.over(store, data_dir)


def found(store: Store, text: str) -> list[Hcp]:
    with store.repository.session() as session:
        return queries.search_hcps(session, queries.HcpFilter(search=text))


def add_form(ui: Session) -> ft.Control:
    click(ui.screen("HCPs"), "Add HCP")
    assert ui.last_visit == ("HCPs", {"add": True})
    return ui.follow()


def test_an_hcp_added_in_the_app_has_contacts_lists_and_consent_and_is_found_in_search(ui: Session, store: Store) -> None:
    form = add_form(ui)
    type_in(form, "Name", "Dr Chiara Conti")
    choose(form, "KOL tier", "2")
    type_in(form, "Specialties", "Cardiology, Heart failure")
    type_in(form, "Primary institution", "Policlinico Gemelli")
    type_in(form, "Country", "it")
    type_in(form, "E-mails", "c.conti@gemelli.example, chiara@uni.example")
    type_in(form, "Phones", "+39 06 3015 0000")
    tick(form, "Consents to be contacted")
    click(form, "Add affiliation")
    type_in(form, "Institution 1", "Università Cattolica")
    type_in(form, "Role 1", "Associate professor")
    click(form, "Add publication")
    type_in(form, "Title 1", "Sacubitril in elderly patients")
    type_in(form, "Journal 1", "Eur Heart J")
    type_in(form, "Year 1", "2023")
    type_in(form, "DOI 1", "10.1093/eurheartj/ehad001")
    click(form, "Add trial")
    type_in(form, "Study 1", "PARAGON-IT")
    type_in(form, "Trial role 1", "Principal investigator")
    click(form, "Save HCP")

    [hcp] = found(store, "conti")
    assert ui.last_visit == ("HCPs", {"hcp_id": hcp.id})
    assert ui.notices == ["Dr Chiara Conti requested: yours to use now, shared once the data steward approves"]
    assert hcp.master_status == "requested"
    assert (hcp.kol_tier, hcp.country, hcp.specialty, hcp.specialties) == (2, "IT", "Cardiology", ["Heart failure"])
    assert (hcp.email, hcp.other_emails, hcp.phone) == ("c.conti@gemelli.example", ["chiara@uni.example"], "+39 06 3015 0000")
    assert hcp.affiliations == [{"institution": "Università Cattolica", "department": None, "role": "Associate professor"}]
    assert hcp.publications == [
        {"title": "Sacubitril in elderly patients", "journal": "Eur Heart J", "year": 2023, "doi": "10.1093/eurheartj/ehad001", "pmid": None}
    ]
    assert hcp.trials == [{"study": "PARAGON-IT", "role": "Principal investigator", "trial_site_id": None}]
    assert hcp.contact_consent and hcp.consent_recorded_at is not None

    profile = ui.follow()
    for line in (
        "E-mail: chiara@uni.example",
        "Università Cattolica · Associate professor",
        "Sacubitril in elderly patients — Eur Heart J, 2023",
        "PARAGON-IT",
    ):
        assert shows(profile, line), line
    assert shows(profile, "Consents to contact (recorded")


def test_problems_show_beside_their_fields_and_nothing_is_written(ui: Session, store: Store) -> None:
    form = add_form(ui)
    type_in(form, "Name", "Dr Lena Berg")
    type_in(form, "E-mails", "lena at clinic")
    click(form, "Save HCP")
    assert "must look like name@example.org" in (error_of(form, "E-mails") or "")
    type_in(form, "E-mails", "lena@clinic.example")
    assert error_of(form, "E-mails") is None, "typing clears the error"
    click(form, "Add publication")
    type_in(form, "Title 1", "A paper")
    type_in(form, "Journal 1", "BMJ")
    type_in(form, "Year 1", "last year")
    click(form, "Save HCP")
    assert error_of(form, "Year 1") == "must be a year such as 2021"
    click(form, "Add affiliation")
    type_in(form, "Year 1", "2022")
    type_in(form, "Department 1", "Cardiology")
    click(form, "Save HCP")
    assert error_of(form, "Institution 1") == "must not be blank"
    assert found(store, "berg") == []


def test_unsaved_input_of_a_new_hcp_survives_leaving_the_form(ui: Session) -> None:
    form = add_form(ui)
    type_in(form, "Name", "Dr Half Typed")
    click(form, "Add affiliation")
    type_in(form, "Institution 1", "Karolinska")
    ui.screen("Home")
    again = ui.screen("HCPs", add=True)
    assert labelled(again, "Name").value == "Dr Half Typed" and labelled(again, "Institution 1").value == "Karolinska"


def test_editing_a_profile_changes_its_lists_and_withdrawing_consent_records_the_time(ui: Session, store: Store) -> None:
    hcp = store.repository.create(
        Hcp,
        {
            "name": "Dr Ines Duarte",
            "email": "ines@example.org",
            "contact_consent": True,
            "affiliations": [{"institution": "Hospital de Santa Maria", "role": "Consultant"}],
        },
    )
    given = hcp.consent_recorded_at
    assert given is not None, "recording consent stamps its time"
    click(ui.screen("HCPs", hcp_id=hcp.id), "Edit")
    assert ui.last_visit == ("HCPs", {"hcp_id": hcp.id, "edit": True})
    form = ui.follow()
    assert labelled(form, "E-mails").value == "ines@example.org" and labelled(form, "Institution 1").value == "Hospital de Santa Maria"
    assert shows(form, "Consent given on")
    type_in(form, "E-mails", "ines@example.org, duarte@lisboa.example")
    click(form, "Remove affiliation 1")
    assert not [control for control in walk(form) if getattr(control, "label", None) == "Institution 1"]
    tick(form, "Consents to be contacted", False)
    click(form, "Save HCP")

    edited = store.repository.get(Hcp, hcp.id)
    assert (edited.email, edited.other_emails, edited.affiliations) == ("ines@example.org", ["duarte@lisboa.example"], [])
    assert not edited.contact_consent and edited.consent_recorded_at is not None and edited.consent_recorded_at > given
    assert ui.notices == ["Dr Ines Duarte saved"]
    assert shows(ui.follow(), "Contact consent withdrawn (recorded")


def test_the_forms_controls_all_carry_labels(ui: Session, store: Store) -> None:
    hcp = store.repository.create(Hcp, {"name": "Dr Label Check", "publications": [{"title": "T", "journal": "J", "year": 2020}]})
    for view in (ui.screen("HCPs", add=True), ui.screen("HCPs", hcp_id=hcp.id, edit=True)):
        for control in walk(view):
            if isinstance(control, (ft.TextField, ft.Dropdown)):
                assert control.label
            if isinstance(control, ft.Checkbox):
                assert control.label or control.semantics_label, "a checkbox is named for screen readers"
            if isinstance(control, ft.IconButton):
                assert control.tooltip
    assert button(ui.screen("HCPs", hcp_id=hcp.id, edit=True), "Remove publication 1")


def test_a_new_hcp_belongs_to_the_msls_territory_unless_they_say_otherwise(ui: Session, store: Store) -> None:
    from liaison.device.store.models import SyncState

    store.repository.save_enrollment(
        SyncState(server_url="https://liaison.example", token="t", user_email="msl@example.org", user_name="Ada", territory="north-east")
    )
    form = add_form(ui)
    assert labelled(form, "Territory").value == "north-east"
    type_in(form, "Name", "Dr Local")
    click(form, "Save HCP")
    [hcp] = found(store, "local")
    assert hcp.territory == "north-east"


def test_an_edit_form_left_untouched_shows_the_profile_as_it_now_stands(ui: Session, store: Store) -> None:
    hcp = store.repository.create(Hcp, {"name": "Dr Omar Haddad", "city": "Lyon", "affiliations": [{"institution": "HCL"}]})
    form = ui.screen("HCPs", hcp_id=hcp.id, edit=True)
    type_in(form, "Notes", "Prefers mornings")
    store.repository.update(Hcp, hcp.id, {"city": "Marseille", "affiliations": [{"institution": "AP-HM"}]})  # as a pull would
    again = ui.screen("HCPs", hcp_id=hcp.id, edit=True)
    assert labelled(again, "City").value == "Marseille" and labelled(again, "Institution 1").value == "AP-HM"
    assert labelled(again, "Notes").value == "Prefers mornings", "what the MSL typed is kept"
    click(again, "Save HCP")
    saved = store.repository.get(Hcp, hcp.id)
    assert (saved.city, saved.notes, saved.affiliations[0]["institution"]) == ("Marseille", "Prefers mornings", "AP-HM")
