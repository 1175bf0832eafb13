"""Realistic, varied demo data: a fictional oncology/cardiometabolic territory an MSL could work in.

Every name, institution and molecule here is invented. Data goes in through the
repository like any other write, so a demo store is audited and syncs like a real one.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from liaison.core.records.models import (
    AdverseEvent,
    ContentItem,
    Hcp,
    Insight,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
    MedicalPlanVersion,
    TrialSite,
)
from liaison.core.rules.medical_plan import EXAMPLE_FILE, MedicalPlan, PlanItemKind
from liaison.device.store.medical_plan import current_plan
from liaison.device.store.queries import library
from liaison.device.store.repository import Repository

FIRST_NAMES = (
    "Amara",
    "Ben",
    "Chiara",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiroshi",
    "Ines",
    "Jonas",
    "Kwame",
    "Lena",
    "Marie",
    "Nikhil",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Samuel",
    "Tomoko",
    "Umar",
    "Valeria",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Aisha",
    "Bruno",
    "Carmen",
    "David",
    "Eva",
    "Felix",
    "Greta",
    "Hannah",
    "Ivan",
    "Julia",
)
LAST_NAMES = (
    "Abara",
    "Bergström",
    "Castellano",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "García",
    "Hartmann",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrova",
    "Quintero",
    "Rossi",
    "Schneider",
    "Tanaka",
    "Umarov",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Curie",
    "Mensah",
    "Novak",
    "Oliveira",
    "Papadopoulos",
    "Ribeiro",
    "Svensson",
    "Takahashi",
    "Van Dijk",
    "Wójcik",
)
SPECIALTIES = {
    "Oncology": ("Medical Oncology", "Haematology", "Radiation Oncology", "Surgical Oncology"),
    "Cardiometabolic": ("Cardiology", "Endocrinology", "Nephrology", "Internal Medicine"),
    "Immunology": ("Rheumatology", "Dermatology", "Gastroenterology"),
    "Rare disease": ("Medical Genetics", "Paediatrics", "Neurology"),
}
PRODUCTS = {
    "Oncology": ("zentrolimab", "orvatinib"),
    "Cardiometabolic": ("cardiostatin", "glupetide"),
    "Immunology": ("imrakizumab",),
    "Rare disease": ("raresomab",),
}
TOPICS = (
    "mechanism of action",
    "phase 3 efficacy",
    "long-term safety",
    "real-world data",
    "patient selection",
    "biomarker testing",
    "dosing in renal impairment",
    "trial enrolment",
    "guideline update",
    "drug interactions",
    "subgroup analysis",
    "quality of life outcomes",
)
INSTITUTIONS = (
    ("Northbridge University Hospital", "Northbridge"),
    ("St. Aldhelm Cancer Centre", "Harrowgate"),
    ("Riverside Heart Institute", "Lakemouth"),
    ("Eastfield General Hospital", "Eastfield"),
    ("Kingsmoor Medical Centre", "Kingsmoor"),
    ("Westvale Children's Hospital", "Westvale"),
    ("Ashford Community Clinic", "Ashford"),
    ("Meridian Research Hospital", "Northbridge"),
)
TERRITORY = "north-east"
_SUBGROUPS = ("renal impairment", "hepatic impairment", "age over 80", "prior immunotherapy")
NOTES = (
    "Discussed {topic} for {product}; HCP asked for the latest subgroup data.",
    "HCP raised questions on {topic}; agreed to share the approved slide deck on {product}.",
    "Reviewed {topic} with the team; interest in the ongoing {product} study at their site.",
    "Unsolicited question on {topic} for {product}; captured as a medical inquiry.",
    "Walked through {topic}; HCP sees a gap in patient selection for {product}.",
)
INSIGHTS = (
    ("Several HCPs say worries about {topic} make them hesitate to prescribe {product}; tolerability is the concern.", "safety_perception"),
    ("Community sites lack the biomarker testing needed to select patients for {product}.", "patient_selection"),
    ("KOL expects the guideline update to change first-line sequencing for {product}.", "treatment_sequencing"),
    ("Nurses report confusion about {topic}; education material on {product} would help.", "education_gap"),
    ("Site staff say trial eligibility criteria exclude many real-world patients.", "trial_design"),
    ("Prior authorization for {product} takes weeks and first requests are often denied by payers.", "access_barriers"),
    ("HCPs ask for real-world data on {product} outcomes in routine practice, beyond the pivotal trial.", "real_world_evidence"),
    ("HCPs are not convinced the efficacy benefit of {product} is clinically meaningful.", "efficacy_perception"),
    ("Pharmacists ask how to adjust the {product} dose in renal impairment.", "dosing_administration"),
    ("Another company's new formulation is drawing attention away from {product}.", "competitor_landscape"),
)
"""(text, theme): demo insights say what their theme says, so what the app learns from them is sound."""


@dataclass(frozen=True)
class DemoSize:
    hcps: int = 200
    interactions: int = 600


def populate(
    repository: Repository,
    size: DemoSize = DemoSize(),
    *,
    seed: int = 7,
    now: datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    content: bool = True,
    territory: str | None = TERRITORY,
) -> dict[str, int]:
    """Fill a store with a believable territory; returns how many records of each kind were written.

    With `content=False` the content library is not created here (on an enrolled
    device it comes from the server, which alone may publish it); interactions
    then cite the items already in the local library. An enrolled device passes
    its own `territory`, the only one its HCPs may be in.
    """
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    report = progress or (lambda stage, done, total: None)
    chunk = 1000

    if content:
        content_ids = repository.create_many(ContentItem, content_items(now.date()))
        repository.create(MedicalPlanVersion, example_plan())
    else:
        with repository.session() as session:
            content_ids = [item.id for item in library(session, now.date())]
    with repository.session() as session:
        plan = current_plan(session)
    tags = _Tagger(plan, random.Random(seed + 13))
    hcp_rows = [{**_hcp(rng, number), "territory": territory} for number in range(size.hcps)]
    hcp_ids: list[str] = []
    for start in range(0, len(hcp_rows), chunk):
        hcp_ids += repository.create_many(Hcp, hcp_rows[start : start + chunk], action="demo")
        report("HCPs", len(hcp_ids), size.hcps)
    areas = {hcp_id: row["therapeutic_areas"][0] for hcp_id, row in zip(hcp_ids, hcp_rows, strict=True)}

    interaction_ids: list[str] = []
    with_consent: list[bool] = []
    consenting = {hcp_id for hcp_id, row in zip(hcp_ids, hcp_rows, strict=True) if row["contact_consent"]}
    if hcp_ids:
        while len(interaction_ids) < size.interactions:
            count = min(chunk, size.interactions - len(interaction_ids))
            rows = [tags.interaction(_interaction(rng, now, hcp_ids, areas, content_ids)) for _ in range(count)]
            interaction_ids += repository.create_many(Interaction, rows, action="demo")
            with_consent += [row["hcp_id"] in consenting for row in rows]
            report("Interactions", len(interaction_ids), size.interactions)
    half = len(interaction_ids) // 2
    for interaction_id, consented in zip(interaction_ids[:half], with_consent[:half], strict=True):
        if consented:  # the compliance review would rightly stop the others: they stay drafts to finish
            repository.submit(Interaction, interaction_id)

    counts = {"content_item": len(content_ids) if content else 0, "hcp": len(hcp_ids), "interaction": len(interaction_ids)}
    if not hcp_ids:
        return counts
    few = max(1, min(12, size.hcps // 10))
    counts["medical_inquiry"] = len(repository.create_many(MedicalInquiry, [_inquiry(rng, now, hcp_ids, areas) for _ in range(few)]))
    counts["adverse_event"] = len([repository.create(AdverseEvent, _adverse_event(rng, now, hcp_ids, areas, hours_ago)) for hours_ago in (2, 20, 30)])
    counts["insight"] = len(
        repository.create_many(Insight, [tags.insight(_insight(rng, now, hcp_ids, areas, interaction_ids)) for _ in range(few * 4)])
    )
    counts["trial_site"] = len(repository.create_many(TrialSite, [_trial_site(rng, hcp_ids, number) for number in range(min(6, few))]))
    counts["medical_event"] = len(repository.create_many(MedicalEvent, [_event(rng, now, hcp_ids, number) for number in range(3)]))
    return counts


def _hcp(rng: random.Random, number: int) -> dict[str, Any]:
    area = rng.choice(tuple(SPECIALTIES))
    institution, city = rng.choice(INSTITUTIONS)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    areas = [area] + ([rng.choice(tuple(SPECIALTIES))] if rng.random() < 0.2 else [])
    return {
        "name": f"Dr {first} {last}",
        "specialty": rng.choice(SPECIALTIES[area]),
        "institution": institution,
        "city": city,
        "country": "GB",
        "territory": TERRITORY,
        "kol_tier": rng.choices((1, 2, 3, 4), weights=(1, 3, 6, 10))[0],
        "therapeutic_areas": list(dict.fromkeys(areas)),
        "npi": f"{1_000_000_000 + number * 7 + rng.randrange(7):010d}",
        "email": f"{first}.{last}.{number}@example.org".lower().replace(" ", ""),
        "contact_consent": rng.random() < 0.85,
        "notes": "Prefers early-morning meetings." if rng.random() < 0.1 else None,
    }


def _interaction(rng: random.Random, now: datetime, hcp_ids: list[str], areas: dict[str, str], content_ids: list[str]) -> dict[str, Any]:
    hcp_id = rng.choice(hcp_ids)
    area = areas[hcp_id]
    product = rng.choice(PRODUCTS[area])
    topics = rng.sample(TOPICS, k=rng.randint(1, 3))
    follow_ups = []
    if rng.random() < 0.3:
        due = (now + timedelta(days=rng.randint(-3, 14))).date().isoformat()
        follow_ups.append({"text": f"Send the {topics[0]} material on {product}", "due": due, "done": False})
    return {
        "hcp_id": hcp_id,
        "occurred_at": now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 600)),
        "channel": rng.choices(("in_person", "virtual", "phone", "email", "congress"), weights=(6, 3, 2, 1, 1))[0],
        "therapeutic_area": area,
        "products": [product],
        "topics": topics,
        "initiation": "reactive" if rng.random() < 0.3 else "proactive",
        "materials": rng.sample(content_ids, k=rng.randint(0, 1)) if content_ids else [],
        "notes": rng.choice(NOTES).format(topic=topics[0], product=product),
        "follow_ups": follow_ups,
    }


def _inquiry(rng: random.Random, now: datetime, hcp_ids: list[str], areas: dict[str, str]) -> dict[str, Any]:
    hcp_id = rng.choice(hcp_ids)
    product = rng.choice(PRODUCTS[areas[hcp_id]])
    return {
        "hcp_id": hcp_id,
        "received_at": now - timedelta(days=rng.randint(0, 30)),
        "question": f"Is there data on {product} in patients with {rng.choice(_SUBGROUPS)}?",
        "product": product,
        "off_label": rng.random() < 0.4,
        "unsolicited_attested": True,
        "delivery": rng.choice(("email", "mail", "in_person")),
    }


def _adverse_event(rng: random.Random, now: datetime, hcp_ids: list[str], areas: dict[str, str], hours_ago: int) -> dict[str, Any]:
    hcp_id = rng.choice(hcp_ids)
    return {
        "reporter": "Treating physician",
        "reporter_hcp_id": hcp_id,
        "aware_at": now - timedelta(hours=hours_ago),
        "patient_initials": rng.choice(("JD", "MK", "AL", "RS")),
        "patient_age": rng.randint(30, 85),
        "patient_sex": rng.choice(("female", "male")),
        "product": rng.choice(PRODUCTS[areas[hcp_id]]),
        "description": rng.choice(
            (
                "Grade 3 rash two weeks after the first dose.",
                "Hospitalised with dizziness and hypotension.",
                "Elevated liver enzymes at the routine visit.",
            )
        ),
        **rng.choice(
            ({"seriousness": "serious", "seriousness_criteria": ["hospitalisation"]}, {"seriousness": "non_serious"}, {"seriousness": "unknown"})
        ),
    }


def _insight(rng: random.Random, now: datetime, hcp_ids: list[str], areas: dict[str, str], interaction_ids: list[str]) -> dict[str, Any]:
    hcp_id = rng.choice(hcp_ids)
    area = areas[hcp_id]
    product = rng.choice(PRODUCTS[area])
    text, theme = rng.choice(INSIGHTS)
    return {
        "text": text.format(topic=rng.choice(TOPICS), product=product),
        "theme": theme,
        "therapeutic_area": area,
        "product": product,
        "hcp_id": hcp_id,
        "captured_at": now - timedelta(days=rng.randint(0, 180)),
    }


def _trial_site(rng: random.Random, hcp_ids: list[str], number: int) -> dict[str, Any]:
    institution, _ = INSTITUTIONS[number % len(INSTITUTIONS)]
    target = rng.choice((10, 20, 40))
    status = rng.choice(("feasibility", "start_up", "enrolling", "enrolling", "closed"))
    return {
        "study": "ZEN-301: zentrolimab vs standard of care in 2L NSCLC" if number % 2 == 0 else "CARD-204: cardiostatin outcomes",
        "protocol": "ZEN-301" if number % 2 == 0 else "CARD-204",
        "site_name": institution,
        "pi_hcp_id": rng.choice(hcp_ids),
        "status": status,
        "enrolment_target": target,
        "enrolment_actual": rng.randint(0, target) if status in ("enrolling", "closed") else 0,
        "issues": [{"text": "Pharmacy not yet trained on IP handling", "opened": date(2026, 10, 1).isoformat(), "closed": None}]
        if rng.random() < 0.5
        else [],
    }


def _event(rng: random.Random, now: datetime, hcp_ids: list[str], number: int) -> dict[str, Any]:
    kinds = ("advisory_board", "education", "congress")
    titles = ("Regional advisory board: 2L NSCLC sequencing", "Education session: biomarker testing", "ESMO debrief")
    return {
        "kind": kinds[number],
        "title": titles[number],
        "starts_at": now + timedelta(days=rng.randint(-60, 60)),
        "location": rng.choice(INSTITUTIONS)[0],
        "attendee_ids": rng.sample(hcp_ids, k=min(len(hcp_ids), rng.randint(3, 8))),
        "agenda": "1. Welcome\n2. Data review\n3. Discussion\n4. Close",
        "outcomes": "",
    }


def example_plan() -> dict[str, Any]:
    """The example medical plan (core/data) as a `medical_plan` record's fields: what the demo's server publishes."""
    document = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    return {"version": document["version"], "document": document}


class _Tagger:
    """Tags demo records with the plan's items of their area, as MSLs would: many interactions serve an item or two,
    about half the insights speak to a listening priority. Its own random stream, so the rest of the demo stays as it was."""

    def __init__(self, plan: MedicalPlan | None, rng: random.Random) -> None:
        self.plan, self.rng = plan, rng

    def interaction(self, row: dict[str, Any]) -> dict[str, Any]:
        items = [item.code for item in self.plan.items_for(row.get("therapeutic_area"))] if self.plan else []
        if items and self.rng.random() < 0.6:
            row["plan_items"] = self.rng.sample(items, k=min(len(items), self.rng.randint(1, 2)))
        return row

    def insight(self, row: dict[str, Any]) -> dict[str, Any]:
        items = self.plan.items_for(row.get("therapeutic_area")) if self.plan else ()
        listening = [item.code for item in items if item.kind == PlanItemKind.LISTENING_PRIORITY]
        if listening and self.rng.random() < 0.5:
            row["plan_items"] = [self.rng.choice(listening)]
        return row


def content_items(today: date) -> list[dict[str, Any]]:
    items = (
        ("Zentrolimab mechanism of action slide deck", "ONC-MOA-0142", 365, "Oncology", "zentrolimab"),
        ("ZEN-301 primary results reprint", "ONC-PUB-0178", 200, "Oncology", "zentrolimab"),
        ("Orvatinib dosing and administration guide", "ONC-DOS-0031", 90, "Oncology", "orvatinib"),
        ("Cardiostatin long-term safety summary", "CAR-SAF-0077", 300, "Cardiometabolic", "cardiostatin"),
        ("Glupetide real-world evidence poster", "CAR-RWE-0012", 120, "Cardiometabolic", "glupetide"),
        ("Imrakizumab phase 2 data (superseded)", "IMM-PUB-0004", -30, "Immunology", "imrakizumab"),
    )
    return [
        {
            "title": title,
            "version": "1.0",
            "approval_code": code,
            "expires_on": today + timedelta(days=days),
            "therapeutic_area": area,
            "product": product,
            "summary": f"Approved medical material on {product}.",
        }
        for title, code, days, area, product in items
    ]
