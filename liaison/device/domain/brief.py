"""The pre-call brief: what an MSL reads about an HCP in the minutes before they meet, on one screen or one terminal page.

Each section is built by a function of its own from one bounded store query
(`liaison.device.store.brief_queries`), so a section is added or dropped
without touching the others, and no section grows with the HCP's history: a
KOL with hundreds of visits briefs as fast as one met once. The brief holds
values, not records: the screen and the CLI format its dates through the MSL's
`Display`, and nothing in it can be written back by mistake.

An erased HCP's brief says so and holds nothing else: no name but the
pseudonym, no sections. An id the store never held is `NotFound`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from sqlmodel import Session

from liaison.core.erasure import is_pseudonym, pseudonym
from liaison.core.errors import NotFound
from liaison.core.records.models import FollowUpTask, Hcp, Interaction, MedicalInquiry
from liaison.core.rules.medical_plan import KIND_LABELS
from liaison.device.store import brief_queries as reads
from liaison.device.store import medical_plan, queries, visits
from liaison.device.store.repository import Repository

LAST_INTERACTIONS = 5
OPEN_INQUIRIES = 10
OPEN_FOLLOW_UPS = 10
INSIGHTS = 10
TRIAL_SITES = 10
EVENTS = 10
SHARED_CONTENT = 10
PLAN_ITEMS = 10
MATERIAL_SCAN = 50
"""The newest interactions that shared material read to find what was shared: enough for ten distinct items, never the whole history."""
EXCERPT = 160
"""Characters of notes, a question or an insight the brief shows: a line or two, the rest is on the record's own screen."""
PI_ROLE = "principal investigator"


@dataclass(frozen=True)
class InteractionLine:
    id: str
    occurred_at: datetime
    channel: str
    status: str
    topics: tuple[str, ...]
    excerpt: str


@dataclass(frozen=True)
class InquiryLine:
    id: str
    received_at: datetime
    question: str
    status: str
    age_days: int
    """Whole days since it was received, counted in the MSL's zone: how long the HCP has waited."""


@dataclass(frozen=True)
class FollowUpLine:
    id: str
    text: str
    due: date | None
    overdue: bool
    interaction_id: str | None
    inquiry_id: str | None


@dataclass(frozen=True)
class InsightLine:
    id: str
    captured_at: datetime
    text: str
    theme: str | None


@dataclass(frozen=True)
class TrialLine:
    id: str
    study: str
    protocol: str
    site_name: str
    status: str
    role: str | None
    """The HCP's role at the site: their profile's trial involvement, else principal investigator when the site names them so."""


@dataclass(frozen=True)
class EventLine:
    id: str
    title: str
    kind: str
    starts_at: datetime
    location: str | None


@dataclass(frozen=True)
class SharedItem:
    code: str
    """What the interaction's materials hold: a library item's id."""
    title: str
    approval_code: str | None
    version: str | None
    last_shared: datetime
    times: int
    """Interactions, among those read, that shared it."""


@dataclass(frozen=True)
class Consent:
    given: bool
    recorded_at: datetime | None


@dataclass(frozen=True)
class NextVisit:
    id: str
    starts_at: datetime
    place: str | None
    objectives: tuple[str, ...]
    group: int
    """How many HCPs the visit is planned with, this one included."""


@dataclass(frozen=True)
class PlanItemLine:
    code: str
    kind: str
    title: str


@dataclass(frozen=True)
class Brief:
    """One HCP before a meeting; every tuple is bounded by its module constant, newest (or most pressing) first."""

    hcp_id: str
    name: str
    today: date
    erased: bool = False
    specialty: str | None = None
    institution: str | None = None
    kol_tier: int | None = None
    consent: Consent | None = None
    interaction_total: int = 0
    interactions: tuple[InteractionLine, ...] = ()
    inquiries: tuple[InquiryLine, ...] = ()
    follow_ups: tuple[FollowUpLine, ...] = ()
    insights: tuple[InsightLine, ...] = ()
    trials: tuple[TrialLine, ...] = ()
    events: tuple[EventLine, ...] = ()
    shared: tuple[SharedItem, ...] = ()
    next_visit: NextVisit | None = None
    uncovered: tuple[PlanItemLine, ...] = ()
    """The current medical plan's items (of the areas met with them) not yet served with this HCP."""

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.follow_ups if item.overdue)


def brief_for(source: Session | Repository, hcp_id: str, today: date, *, zone: tzinfo | None = None) -> Brief:
    """The HCP's brief as of `today` (the MSL's day); `zone` is where they are: by default the repository's, else the machine's."""
    if isinstance(source, Repository):
        with source.session() as session:
            return brief_for(session, hcp_id, today, zone=zone or source.local_tz)
    session, zone = source, zone or datetime.now().astimezone().tzinfo or UTC
    hcp = session.get(Hcp, hcp_id)
    if hcp is None or hcp.deleted:
        if (hcp is not None and is_pseudonym(hcp.name)) or reads.erasure_of(session, hcp_id) is not None:
            return Brief(hcp_id=hcp_id, name=pseudonym(hcp_id), today=today, erased=True)
        raise NotFound(f"hcp: no HCP with id {hcp_id}")
    return Brief(
        hcp_id=hcp.id,
        name=hcp.name,
        today=today,
        specialty=hcp.specialty,
        institution=hcp.institution,
        kol_tier=hcp.kol_tier,
        consent=Consent(given=hcp.contact_consent, recorded_at=hcp.consent_recorded_at),
        interaction_total=queries.count_interactions(session, hcp.id),
        interactions=last_interactions(session, hcp.id),
        inquiries=open_inquiries(session, hcp.id, today, zone),
        follow_ups=open_follow_ups(session, hcp.id, today),
        insights=insights(session, hcp.id),
        trials=trials(session, hcp),
        events=events(session, hcp.id),
        shared=shared_content(session, hcp.id),
        next_visit=next_visit(session, hcp.id, datetime.now(UTC)),
        uncovered=uncovered_plan_items(session, hcp),
    )


# --- one function a section ------------------------------------------------------


def next_visit(session: Session, hcp_id: str, now: datetime) -> NextVisit | None:
    visit = visits.next_planned_visit(session, hcp_id, now)
    if visit is None:
        return None
    return NextVisit(id=visit.id, starts_at=visit.starts_at, place=visit.place or None, objectives=tuple(visit.objectives), group=len(visit.hcp_ids))


def uncovered_plan_items(session: Session, hcp: Hcp) -> tuple[PlanItemLine, ...]:
    """Items of the HCP's areas and of those discussed with them (every item when none is known) that nothing with them served."""
    areas = list(dict.fromkeys([*hcp.therapeutic_areas, *reads.areas_discussed(session, hcp.id)]))
    return tuple(
        PlanItemLine(code=item.code, kind=KIND_LABELS[item.kind], title=item.title)
        for item in medical_plan.plan_items_not_covered(session, hcp.id, areas)[:PLAN_ITEMS]
    )


def last_interactions(session: Session, hcp_id: str) -> tuple[InteractionLine, ...]:
    return tuple(_interaction_line(item) for item in reads.latest_interactions(session, hcp_id, LAST_INTERACTIONS))


def open_inquiries(session: Session, hcp_id: str, today: date, zone: tzinfo) -> tuple[InquiryLine, ...]:
    return tuple(_inquiry_line(item, today, zone) for item in reads.open_inquiries(session, hcp_id, OPEN_INQUIRIES))


def open_follow_ups(session: Session, hcp_id: str, today: date) -> tuple[FollowUpLine, ...]:
    return tuple(_follow_up_line(task, today) for task in reads.open_follow_ups(session, hcp_id, OPEN_FOLLOW_UPS))


def insights(session: Session, hcp_id: str) -> tuple[InsightLine, ...]:
    return tuple(
        InsightLine(id=item.id, captured_at=item.captured_at, text=excerpt(item.text), theme=item.theme)
        for item in reads.latest_insights(session, hcp_id, INSIGHTS)
    )


def trials(session: Session, hcp: Hcp) -> tuple[TrialLine, ...]:
    """Sites the HCP leads or their profile links; the role the profile gives wins over "principal investigator"."""
    roles = {str(item["trial_site_id"]): str(item.get("role") or "") for item in hcp.trials if item.get("trial_site_id")}
    sites = reads.trial_sites_of(session, hcp.id, sorted(roles), TRIAL_SITES)
    return tuple(
        TrialLine(
            id=site.id,
            study=site.study,
            protocol=site.protocol,
            site_name=site.site_name,
            status=str(site.status),
            role=roles.get(site.id) or (PI_ROLE if site.pi_hcp_id == hcp.id else None),
        )
        for site in sites
    )


def events(session: Session, hcp_id: str) -> tuple[EventLine, ...]:
    return tuple(
        EventLine(id=event.id, title=event.title, kind=str(event.kind), starts_at=event.starts_at, location=event.location)
        for event in reads.events_attended(session, hcp_id, EVENTS)
    )


def shared_content(session: Session, hcp_id: str) -> tuple[SharedItem, ...]:
    """What was already handed to the HCP, the latest first, named by the library's title (an item not on this device by its id)."""
    latest: dict[str, datetime] = {}
    times: dict[str, int] = {}
    for when, materials in reads.materials_shared(session, hcp_id, MATERIAL_SCAN):
        for code in dict.fromkeys(str(value) for value in materials if value):
            latest.setdefault(code, when)
            times[code] = times.get(code, 0) + 1
    codes = list(latest)[:SHARED_CONTENT]
    library = {item.id: item for item in reads.content_items(session, codes)}
    found = []
    for code in codes:
        item = library.get(code)
        found.append(
            SharedItem(
                code=code,
                title=item.title if item else code,
                approval_code=item.approval_code if item else None,
                version=item.version if item else None,
                last_shared=latest[code],
                times=times[code],
            )
        )
    return tuple(found)


# --- lines ----------------------------------------------------------------------


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The text on one line, cut at a word near `limit` with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,;:.") + "…"


def _interaction_line(item: Interaction) -> InteractionLine:
    return InteractionLine(
        id=item.id,
        occurred_at=item.occurred_at,
        channel=str(item.channel),
        status=str(item.status),
        topics=tuple(item.topics),
        excerpt=excerpt(item.notes),
    )


def _inquiry_line(item: MedicalInquiry, today: date, zone: tzinfo) -> InquiryLine:
    received = item.received_at.astimezone(zone).date()
    return InquiryLine(
        id=item.id,
        received_at=item.received_at,
        question=excerpt(item.question),
        status=str(item.status),
        age_days=max(0, (today - received).days),
    )


def _follow_up_line(task: FollowUpTask, today: date) -> FollowUpLine:
    return FollowUpLine(
        id=task.id,
        text=task.text,
        due=task.due,
        overdue=queries.is_overdue(task, today),
        interaction_id=task.interaction_id,
        inquiry_id=task.inquiry_id,
    )
