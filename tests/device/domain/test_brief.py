"""The pre-call brief on a real store: each section's content and its limit, an erased HCP, an id never held."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from liaison.core.errors import NotFound
from liaison.core.records.models import ContentItem, Hcp, Insight, Interaction, MedicalEvent, MedicalInquiry, MedicalPlanVersion, TrialSite
from liaison.core.rules.medical_plan import EXAMPLE_FILE
from liaison.device.domain import brief as briefs
from liaison.device.domain.brief import Brief, brief_for
from liaison.device.store.store import Store

NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class Curie:
    """Dr Curie's territory: one HCP with a history, and one other HCP whose records must never leak into her brief."""

    hcp: Hcp
    other: Hcp
    latest: Interaction
    booklet: ContentItem
    site: TrialSite
    linked_site: TrialSite
    congress: MedicalEvent
    inquiry: MedicalInquiry

    @property
    def today(self) -> date:
        return NOW.date()


def fill_curie(store: Store, visits: int = 8) -> Curie:
    """Dr Curie with `visits` interactions (newest shared the booklet twice over), inquiries, follow-ups, insights, a site, an event."""
    repository = store.repository
    linked = repository.create(TrialSite, {"study": "RENAL-2", "protocol": "RN-002", "site_name": "Hôpital Cochin", "status": "enrolling"})
    curie = repository.create(
        Hcp,
        {
            "name": "Dr Marie Curie",
            "specialty": "Oncology",
            "institution": "Institut Curie",
            "kol_tier": 1,
            "contact_consent": True,
            "trials": [{"study": "RENAL-2", "role": "sub-investigator", "trial_site_id": linked.id}],
        },
    )
    other = repository.create(Hcp, {"name": "Dr Pierre Curie", "contact_consent": True})
    booklet = repository.create(
        ContentItem, {"title": "Renal dosing booklet", "version": "3", "approval_code": "MED-0042", "expires_on": (NOW + timedelta(days=300)).date()}
    )
    leaflet = repository.create(ContentItem, {"title": "Old leaflet", "version": "1", "approval_code": "MED-0007", "expires_on": NOW.date()})
    latest = None
    for day in range(visits):
        data = {
            "hcp_id": curie.id,
            "occurred_at": NOW - timedelta(days=day),
            "channel": "in_person",
            "topics": ["dosing", "renal"],
            "notes": f"Visit {day}: discussed the subgroup data " + "in depth " * 40,
            "materials": [booklet.id] if day < 2 else ([leaflet.id] if day == 2 else []),
        }
        made = repository.create(Interaction, data)
        latest = latest or made
    assert latest is not None
    repository.delete(ContentItem, leaflet.id)  # withdrawn from the library since it was handed over
    repository.create(Interaction, {"hcp_id": other.id, "occurred_at": NOW, "channel": "phone", "notes": "Pierre's own visit"})
    promised = {
        "hcp_id": curie.id,
        "occurred_at": NOW - timedelta(days=30),
        "channel": "phone",
        "notes": "Promises",
        "follow_ups": [
            {"text": "Send the renal data", "due": (NOW - timedelta(days=3)).date().isoformat()},
            {"text": "Book the ad board", "due": (NOW + timedelta(days=4)).date().isoformat()},
        ],
    }
    repository.create_submitted(Interaction, promised)
    question = "Is dose adjustment needed in CKD stage 4?"
    inquiry = repository.create(MedicalInquiry, {"hcp_id": curie.id, "received_at": NOW - timedelta(days=6), "question": question})
    answered = repository.create_submitted(
        MedicalInquiry, {"hcp_id": curie.id, "received_at": NOW - timedelta(days=20), "question": "Answered long ago", "unsolicited_attested": True}
    )
    repository.update(MedicalInquiry, answered.id, {"status": "answered"})
    repository.create(MedicalInquiry, {"hcp_id": other.id, "received_at": NOW, "question": "Pierre's question"})
    for number in range(12):
        text = f"Insight {number}: wants renal subgroup data"
        repository.create(Insight, {"hcp_id": curie.id, "text": text, "captured_at": NOW - timedelta(days=number)})
    site = repository.create(TrialSite, {"study": "ONCO-1", "protocol": "ON-001", "site_name": "Institut Curie", "pi_hcp_id": curie.id})
    repository.create(TrialSite, {"study": "ONCO-1", "protocol": "ON-001", "site_name": "Elsewhere", "pi_hcp_id": other.id})
    congress = repository.create(
        MedicalEvent, {"kind": "congress", "title": "ESMO 2026", "starts_at": NOW - timedelta(days=40), "attendee_ids": [curie.id, other.id]}
    )
    repository.create(MedicalEvent, {"kind": "education", "title": "Pierre's webinar", "starts_at": NOW, "attendee_ids": [other.id]})
    return Curie(curie, other, latest, booklet, site, linked, congress, inquiry)


@pytest.fixture
def curie(store: Store) -> Curie:
    return fill_curie(store)


@pytest.fixture
def brief(store: Store, curie: Curie) -> Brief:
    return brief_for(store.repository, curie.hcp.id, curie.today)


def test_the_heading_names_the_hcp_their_tier_and_consent_as_recorded(brief: Brief, curie: Curie) -> None:
    heading = (brief.name, brief.specialty, brief.institution, brief.kol_tier, brief.erased)
    assert heading == ("Dr Marie Curie", "Oncology", "Institut Curie", 1, False)
    assert brief.consent is not None and brief.consent.given and brief.consent.recorded_at is not None


def test_the_last_five_interactions_newest_first_with_channel_topics_and_a_short_excerpt(brief: Brief, curie: Curie) -> None:
    assert len(brief.interactions) == briefs.LAST_INTERACTIONS == 5
    assert brief.interaction_total == 9, "eight visits and the one that made promises; Pierre's is not hers"
    first = brief.interactions[0]
    assert first.id == curie.latest.id and first.channel == "in_person" and first.topics == ("dosing", "renal")
    assert first.excerpt.startswith("Visit 0: discussed the subgroup data") and first.excerpt.endswith("…")
    assert len(first.excerpt) <= briefs.EXCERPT + 1
    assert [item.occurred_at for item in brief.interactions] == sorted((item.occurred_at for item in brief.interactions), reverse=True)


def test_open_inquiries_only_with_their_age_in_days(brief: Brief, curie: Curie) -> None:
    assert [(item.id, item.age_days, item.status) for item in brief.inquiries] == [(curie.inquiry.id, 6, "draft")]
    assert brief.inquiries[0].question == "Is dose adjustment needed in CKD stage 4?"


def test_open_follow_ups_soonest_first_with_the_late_one_marked_overdue(brief: Brief) -> None:
    assert [(item.text, item.overdue) for item in brief.follow_ups] == [("Send the renal data", True), ("Book the ad board", False)]
    assert brief.overdue == 1 and all(item.interaction_id for item in brief.follow_ups)


def test_insights_are_the_ten_latest(brief: Brief) -> None:
    assert len(brief.insights) == briefs.INSIGHTS == 10
    assert brief.insights[0].text == "Insight 0: wants renal subgroup data" and brief.insights[-1].text.startswith("Insight 9:")


def test_trials_are_the_sites_they_lead_and_the_sites_their_profile_links_with_their_role(brief: Brief, curie: Curie) -> None:
    roles = {site.id: site.role for site in brief.trials}
    assert roles == {curie.site.id: "principal investigator", curie.linked_site.id: "sub-investigator"}


def test_events_attended_are_those_naming_them(brief: Brief, curie: Curie) -> None:
    assert [event.title for event in brief.events] == ["ESMO 2026"]


def test_content_shared_is_named_by_the_library_latest_first_withdrawn_items_too(brief: Brief, curie: Curie) -> None:
    shared = [(item.title, item.approval_code, item.times) for item in brief.shared]
    assert shared == [("Renal dosing booklet", "MED-0042", 2), ("Old leaflet", "MED-0007", 1)]
    assert brief.shared[0].last_shared == curie.latest.occurred_at


def test_a_busy_hcp_is_still_briefed_in_bounded_sections(store: Store) -> None:
    busy = fill_curie(store, visits=60)
    brief = brief_for(store.repository, busy.hcp.id, busy.today)
    assert brief.interaction_total == 61 and len(brief.interactions) == 5
    assert all(len(section) <= 10 for section in (brief.inquiries, brief.follow_ups, brief.insights, brief.trials, brief.events, brief.shared))


def test_an_hcp_with_nothing_yet_has_empty_sections_and_no_consent_on_file(store: Store) -> None:
    new = store.repository.create(Hcp, {"name": "Dr Ada Lovelace"})
    brief = brief_for(store.repository, new.id, NOW.date())
    assert brief.consent is not None and not brief.consent.given and brief.consent.recorded_at is None
    assert (brief.interactions, brief.inquiries, brief.follow_ups, brief.insights, brief.trials, brief.events, brief.shared) == ((),) * 7


def test_the_next_visit_is_the_soonest_still_planned_with_them_as_lead_or_attendee(store: Store, curie: Curie) -> None:
    repository = store.repository
    assert brief_for(repository, curie.hcp.id, curie.today).next_visit is None
    later = repository.plan_visit({"hcp_ids": [curie.hcp.id], "starts_at": NOW + timedelta(days=9), "place": "Institut Curie"})
    group = repository.plan_visit(
        {"hcp_ids": [curie.other.id, curie.hcp.id], "starts_at": NOW + timedelta(days=2), "place": "Tumour board", "objectives": ["Dosing"]}
    )
    repository.cancel_visit(repository.plan_visit({"hcp_ids": [curie.hcp.id], "starts_at": NOW + timedelta(days=1)}).id, "Clinic closed")
    upcoming = brief_for(repository, curie.hcp.id, curie.today).next_visit
    assert upcoming is not None and (upcoming.id, upcoming.place, upcoming.objectives, upcoming.group) == (group.id, "Tumour board", ("Dosing",), 2)
    repository.cancel_visit(group.id, None)
    upcoming = brief_for(repository, curie.hcp.id, curie.today).next_visit
    assert upcoming is not None and upcoming.id == later.id


def test_the_plan_items_of_their_areas_not_yet_served_with_them_are_listed(store: Store) -> None:
    document = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    store.repository.create(MedicalPlanVersion, {"version": document["version"], "document": document})
    franklin = store.repository.create(Hcp, {"name": "Dr Rosalind Franklin", "therapeutic_areas": ["Oncology"], "contact_consent": True})
    before = [item.code for item in brief_for(store.repository, franklin.id, NOW.date()).uncovered]
    assert "SI-ONC-1" in before and not any(code.startswith("SI-CM") for code in before), "only the HCP's area"
    store.repository.create(
        Interaction, {"hcp_id": franklin.id, "occurred_at": NOW, "channel": "in_person", "therapeutic_area": "Oncology", "plan_items": ["SI-ONC-1"]}
    )
    after = [item.code for item in brief_for(store.repository, franklin.id, NOW.date()).uncovered]
    assert after == [code for code in before if code != "SI-ONC-1"]


def test_with_no_plan_published_nothing_is_listed_as_uncovered(store: Store, curie: Curie) -> None:
    assert brief_for(store.repository, curie.hcp.id, curie.today).uncovered == ()


def test_an_erased_hcp_is_said_to_be_erased_and_nothing_personal_is_shown(store: Store, curie: Curie) -> None:
    store.repository.erase_hcp(curie.hcp.id, "request by e-mail of 3 March, GDPR art. 17")
    brief = brief_for(store.repository, curie.hcp.id, curie.today)
    assert brief.erased and brief.name.startswith("Erased HCP ") and "Curie" not in brief.name
    assert (brief.specialty, brief.institution, brief.kol_tier, brief.consent) == (None, None, None, None)
    assert (brief.interactions, brief.inquiries, brief.follow_ups, brief.insights, brief.trials, brief.events, brief.shared) == ((),) * 7


def test_an_unknown_id_is_not_found_and_says_which(store: Store) -> None:
    with pytest.raises(NotFound, match="no HCP with id nobody"):
        brief_for(store.repository, "nobody", NOW.date())


def test_a_deleted_hcp_is_not_found_either(store: Store) -> None:
    gone = store.repository.create(Hcp, {"name": "Dr Gone"})
    store.repository.delete(Hcp, gone.id)
    with pytest.raises(NotFound):
        brief_for(store.repository, gone.id, NOW.date())


def test_every_query_of_the_brief_starts_from_an_index_but_the_events_attendee_lists_the_plans_versions_and_the_visits_to_come(
    store: Store, curie: Curie
) -> None:
    """The HCP's own rows through their index, never a scan of a table the territory fills (interactions, inquiries, ...)."""
    executed: list[tuple[str, Any]] = []

    def capture(conn: object, cursor: object, statement: str, parameters: Any, context: object, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            executed.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        brief_for(store.repository, curie.hcp.id, curie.today)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    plans = {}
    with store.engine.connect() as connection:
        for statement, parameters in executed:
            plans[statement] = " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert len(plans) >= 9
    for statement, plan in plans.items():
        table = re.search(r"\bFROM (\w+)", statement, re.IGNORECASE).group(1)  # type: ignore[union-attr]
        if table in ("medical_event", "medical_plan"):
            continue  # the territory's events' attendee lists; the plan's few published versions
        if table == "planned_visit":
            assert "ix_planned_visit_deleted_starts (deleted=? AND starts_at>?)" in plan, "the next visit reads the future window only"
            continue
        assert f"SCAN {table}" not in plan.replace("SCAN json_each", ""), f"{table} scanned: {plan}"
        assert "_deleted" not in plan, f"{table} read through its index on deleted: {plan}"
