"""HCP profiles through the repository: lists stored and edited as one field each, consent stamped when recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from liaison.core.errors import ValidationError
from liaison.core.records.models import Hcp
from liaison.device.store import queries
from liaison.device.store.models import OutboxEntry
from liaison.device.store.store import Store

PROFILE = {
    "name": "Dr Ana Sousa",
    "email": "ana@santamaria.example",
    "other_emails": ["ana@uni.example"],
    "other_phones": ["+351 21 000 0000"],
    "address": "Av. Prof. Egas Moniz, Lisboa",
    "specialty": "Cardiology",
    "specialties": ["Heart failure"],
    "affiliations": [{"institution": "Hospital de Santa Maria", "department": "Cardiology", "role": "Consultant"}],
    "publications": [{"title": "A trial", "journal": "NEJM", "year": 2021, "pmid": "34449189"}],
    "trials": [{"study": "EMPEROR", "role": "Sub-investigator"}],
}


def outbox(store: Store, record_id: str) -> list[dict[str, object]]:
    with store.repository.session() as session:
        return [entry.fields for entry in session.exec(select(OutboxEntry).where(OutboxEntry.record_id == record_id).order_by(col(OutboxEntry.seq)))]


def test_a_profile_is_stored_with_its_lists_and_queued_whole_for_sync(store: Store) -> None:
    hcp = store.repository.create(Hcp, PROFILE)
    stored = store.repository.get(Hcp, hcp.id)
    assert stored.affiliations == [{"institution": "Hospital de Santa Maria", "department": "Cardiology", "role": "Consultant"}]
    assert stored.publications == [{"title": "A trial", "journal": "NEJM", "year": 2021, "doi": None, "pmid": "34449189"}]
    assert (stored.other_emails, stored.address, stored.specialties) == (["ana@uni.example"], "Av. Prof. Egas Moniz, Lisboa", ["Heart failure"])
    [sent] = outbox(store, hcp.id)
    assert sent["trials"] == [{"study": "EMPEROR", "role": "Sub-investigator", "trial_site_id": None}]


def test_an_edit_replaces_one_list_and_sends_only_it(store: Store) -> None:
    hcp = store.repository.create(Hcp, PROFILE)
    store.repository.update(Hcp, hcp.id, {"publications": [*hcp.publications, {"title": "Another", "journal": "Lancet", "year": 2024}]})
    assert [item["title"] for item in store.repository.get(Hcp, hcp.id).publications] == ["A trial", "Another"]
    edit = outbox(store, hcp.id)[-1]
    assert set(edit) - {"updated_at", "updated_by"} == {"publications"}


def test_a_bad_entry_is_refused_in_one_line_and_nothing_changes(store: Store) -> None:
    hcp = store.repository.create(Hcp, PROFILE)
    with pytest.raises(ValidationError) as caught:
        store.repository.update(Hcp, hcp.id, {"affiliations": [{"institution": "", "role": "Head"}]})
    assert str(caught.value) == "Affiliations 1, institution: must not be blank"
    assert store.repository.get(Hcp, hcp.id).affiliations == hcp.affiliations


def test_the_search_still_finds_hcps_by_their_primary_institution_and_specialty(store: Store) -> None:
    store.repository.create(Hcp, {**PROFILE, "institution": "Hospital de Santa Maria"})
    with store.repository.session() as session:
        assert [hcp.name for hcp in queries.search_hcps(session, queries.HcpFilter(search="santa mar"))] == ["Dr Ana Sousa"]
        assert [hcp.name for hcp in queries.search_hcps(session, queries.HcpFilter(specialty="Cardiology"))] == ["Dr Ana Sousa"]


def test_consent_given_is_stamped_and_withdrawn_is_stamped_again(store: Store) -> None:
    silent = store.repository.create(Hcp, {"name": "Dr Not Asked"})
    assert not silent.contact_consent and silent.consent_recorded_at is None, "nothing is recorded until the HCP answers"

    hcp = store.repository.create(Hcp, {"name": "Dr Yes", "contact_consent": True})
    given = hcp.consent_recorded_at
    assert given is not None and abs((datetime.now(UTC) - given).total_seconds()) < 60

    store.repository.update(Hcp, hcp.id, {"contact_consent": True, "notes": "asked again"})
    assert store.repository.get(Hcp, hcp.id).consent_recorded_at == given, "repeating the answer held keeps its time"

    withdrawn = store.repository.update(Hcp, hcp.id, {"contact_consent": False})
    assert not withdrawn.contact_consent and withdrawn.consent_recorded_at is not None and withdrawn.consent_recorded_at > given


def test_a_stated_time_of_consent_is_kept(store: Store) -> None:
    when = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    hcp = store.repository.create(Hcp, {"name": "Dr Paper Form", "contact_consent": True, "consent_recorded_at": when})
    assert hcp.consent_recorded_at == when


def test_an_imported_row_that_consents_is_stamped_too(store: Store) -> None:
    [hcp_id] = store.repository.create_many(Hcp, [{"name": "Dr Imported", "contact_consent": "yes"}], action="import")
    hcp = store.repository.get(Hcp, hcp_id)
    assert hcp.contact_consent and hcp.consent_recorded_at is not None


def test_an_erased_hcp_keeps_none_of_the_new_contact_details_or_lists(store: Store) -> None:
    from tests.traces import row_traces

    hcp = store.repository.create(Hcp, PROFILE)
    store.repository.erase_hcp(hcp.id, "Request by e-mail of 20 Nov 2026 (GDPR art. 17)")
    erased = store.repository.get(Hcp, hcp.id, include_deleted=True)
    assert (erased.other_emails, erased.other_phones, erased.address, erased.specialties) == ([], [], None, [])
    assert (erased.affiliations, erased.publications, erased.trials) == ([], [], [])
    traces = ["ana@uni.example", "+351 21 000 0000", "Egas Moniz", "Hospital de Santa Maria", "34449189", "EMPEROR"]
    assert row_traces(store.engine, traces) == []
