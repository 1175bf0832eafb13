"""Read-side queries the UI and CLI need; they never write.

Search-as-you-type goes through the FTS5 index `hcp_search` (see migration
0002): each word the MSL types becomes a prefix term, all must match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import and_, func, or_, text
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from liaison.core.enums import FollowUpStatus
from liaison.core.erasure import is_pseudonym
from liaison.core.records.kinds import KINDS, TABLES, kind_for
from liaison.core.records.models import (
    AdverseEvent,
    Amendment,
    ContentItem,
    FollowUpTask,
    Hcp,
    Insight,
    InsightTaxonomy,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
    TrialSite,
)
from liaison.core.rules.taxonomy import Taxonomy, newest
from liaison.device.store.models import Conflict, OutboxEntry, SyncState
from liaison.device.store.refusals import held_records

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(typed: str) -> str | None:
    """Turn what the MSL typed into an FTS5 query of quoted prefix terms; None when nothing searchable."""
    words = _WORD.findall(typed)
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


@dataclass(frozen=True)
class HcpFilter:
    search: str = ""
    kol_tier: int | None = None
    specialty: str | None = None
    therapeutic_area: str | None = None


def search_hcps(session: Session, criteria: HcpFilter = HcpFilter(), limit: int = 50, offset: int = 0) -> list[Hcp]:
    return list(session.exec(hcp_search_statement(criteria, limit, offset)).all())


def hcp_search_statement(criteria: HcpFilter, limit: int = 50, offset: int = 0) -> SelectOfScalar[Hcp]:
    """The first `limit` live HCPs in name order that match every typed word and filter.

    The unary `+` keeps SQLite from driving the query by the matching rowids
    (then fetching and sorting every match of a one-letter prefix); instead it
    walks `ix_hcp_deleted_name` in order, tests each row against the matches,
    and stops at the `limit`-th.
    """
    statement = select(Hcp).where(col(Hcp.deleted).is_(False))
    match = fts_query(criteria.search)
    if match is not None:
        statement = statement.where(text("+hcp.rowid IN (SELECT rowid FROM hcp_search WHERE hcp_search MATCH :match)").bindparams(match=match))
    if criteria.kol_tier is not None:
        statement = statement.where(Hcp.kol_tier == criteria.kol_tier)
    if criteria.specialty:
        statement = statement.where(Hcp.specialty == criteria.specialty)
    if criteria.therapeutic_area:
        statement = statement.where(
            text("EXISTS (SELECT 1 FROM json_each(hcp.therapeutic_areas) WHERE json_each.value = :ta)").bindparams(ta=criteria.therapeutic_area)
        )
    return statement.order_by(col(Hcp.name)).limit(limit).offset(offset)


def count_hcps(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Hcp).where(col(Hcp.deleted).is_(False))).one()


def specialties(session: Session) -> list[str]:
    rows = session.exec(select(Hcp.specialty).where(col(Hcp.deleted).is_(False), col(Hcp.specialty).is_not(None)).distinct()).all()
    return sorted(row for row in rows if row)


def interactions(
    session: Session,
    hcp_id: str | None = None,
    limit: int = 100,
    statuses: Sequence[str] | None = None,
    older_than: Interaction | None = None,
) -> list[Interaction]:
    """Newest first; `older_than` continues a list after the last interaction already shown.

    Continuing from a row rather than an offset keeps the pages apart when an
    interaction is logged while the list is open.
    """
    statement = select(Interaction).where(col(Interaction.deleted).is_(False))
    if hcp_id is not None:
        statement = statement.where(Interaction.hcp_id == hcp_id)
    if statuses:
        statement = statement.where(col(Interaction.status).in_(list(statuses)))
    if older_than is not None:
        statement = statement.where(
            or_(
                col(Interaction.occurred_at) < older_than.occurred_at,
                and_(col(Interaction.occurred_at) == older_than.occurred_at, col(Interaction.id) < older_than.id),
            )
        )
    statement = statement.order_by(col(Interaction.occurred_at).desc(), col(Interaction.id).desc()).limit(limit)
    return list(session.exec(statement).all())


def count_interactions(session: Session, hcp_id: str) -> int:
    """Counted through the HCP's own index: the `+` keeps SQLite off the index on `deleted`, which holds nearly every row."""
    return session.exec(select(func.count()).select_from(Interaction).where(Interaction.hcp_id == hcp_id, text("+interaction.deleted = 0"))).one()


def inquiries_for(session: Session, hcp_id: str) -> list[MedicalInquiry]:
    return list(
        session.exec(
            select(MedicalInquiry)
            .where(MedicalInquiry.hcp_id == hcp_id, col(MedicalInquiry.deleted).is_(False))
            .order_by(col(MedicalInquiry.received_at).desc())
        ).all()
    )


def insights_for(session: Session, hcp_id: str) -> list[Insight]:
    return list(
        session.exec(select(Insight).where(Insight.hcp_id == hcp_id, col(Insight.deleted).is_(False)).order_by(col(Insight.captured_at).desc())).all()
    )


def trial_sites_for(session: Session, hcp_id: str) -> list[TrialSite]:
    return list(session.exec(select(TrialSite).where(TrialSite.pi_hcp_id == hcp_id, col(TrialSite.deleted).is_(False))).all())


def events_attended(session: Session, hcp_id: str) -> list[MedicalEvent]:
    return list(
        session.exec(
            select(MedicalEvent)
            .where(
                col(MedicalEvent.deleted).is_(False),
                text("EXISTS (SELECT 1 FROM json_each(medical_event.attendee_ids) WHERE json_each.value = :hcp)").bindparams(hcp=hcp_id),
            )
            .order_by(col(MedicalEvent.starts_at).desc())
        ).all()
    )


def open_adverse_events(session: Session) -> list[AdverseEvent]:
    """Adverse events not yet acknowledged by pharmacovigilance, soonest deadline first."""
    return list(session.exec(select(AdverseEvent).where(col(AdverseEvent.status) != "acknowledged").order_by(col(AdverseEvent.deadline_at))).all())


def unsent_adverse_event_ids(session: Session) -> set[str]:
    """Adverse events with a change still in the outbox: the server does not have them as they stand here."""
    rows = session.exec(select(OutboxEntry.record_id).where(OutboxEntry.table_name == "adverse_event").distinct()).all()
    return set(rows)


def unreported_adverse_events(session: Session) -> list[AdverseEvent]:
    """Adverse events whose report has not yet reached the server, soonest deadline first.

    A report counts as made once the event is submitted and nothing of it waits
    in the outbox: the server then holds it as filed, and the clock stops.
    """
    unsent = select(OutboxEntry.record_id).where(OutboxEntry.table_name == "adverse_event")
    return list(
        session.exec(
            select(AdverseEvent)
            .where(col(AdverseEvent.deleted).is_(False))
            .where((col(AdverseEvent.status) == "draft") | col(AdverseEvent.id).in_(unsent))
            .order_by(col(AdverseEvent.deadline_at))
        ).all()
    )


def pending_changes(session: Session) -> int:
    """Changes waiting to be sent; those held back by a refusal wait for the MSL instead (`refusals.count`)."""
    return session.exec(select(func.count()).select_from(OutboxEntry).where(col(OutboxEntry.record_id).not_in(held_records()))).one()


def enrolled_territory(session: Session) -> str | None:
    """The territory the server enrolled this device's MSL in: where an HCP they add belongs, unless they say otherwise."""
    state = session.get(SyncState, 1)
    return state.territory if state is not None else None


# --- screens of the app --------------------------------------------------------


def drafts(session: Session, limit: int = 50) -> list[Interaction]:
    """Interactions still in draft: the MSL has something to finish and submit."""
    return interactions(session, limit=limit, statuses=["draft"])


def follow_ups(
    session: Session,
    *,
    open_only: bool = True,
    due_by: date | None = None,
    hcp_id: str | None = None,
    interaction_id: str | None = None,
    limit: int = 200,
) -> list[FollowUpTask]:
    """Follow-up tasks, soonest due first and undated last; `due_by` keeps those due on or before that day."""
    statement = select(FollowUpTask).where(col(FollowUpTask.deleted).is_(False))
    if open_only:
        statement = statement.where(FollowUpTask.status == FollowUpStatus.OPEN)
    if due_by is not None:
        statement = statement.where(col(FollowUpTask.due).is_not(None), col(FollowUpTask.due) <= due_by)
    if hcp_id is not None:
        statement = statement.where(FollowUpTask.hcp_id == hcp_id)
    if interaction_id is not None:
        statement = statement.where(FollowUpTask.interaction_id == interaction_id)
    order = (col(FollowUpTask.due).is_(None), col(FollowUpTask.due), col(FollowUpTask.created_at), col(FollowUpTask.id))
    return list(session.exec(statement.order_by(*order).limit(limit)).all())


def done_follow_ups(session: Session, limit: int = 20) -> list[FollowUpTask]:
    """Follow-up tasks ticked off, the latest first."""
    statement = select(FollowUpTask).where(col(FollowUpTask.deleted).is_(False), FollowUpTask.status == FollowUpStatus.DONE)
    return list(session.exec(statement.order_by(col(FollowUpTask.done_at).desc(), col(FollowUpTask.id)).limit(limit)).all())


def local_today(zone: tzinfo | None) -> date:
    """Today where the MSL is: the profile's time zone, else the device's."""
    return datetime.now(zone).date() if zone is not None else datetime.now().astimezone().date()


def is_overdue(task: FollowUpTask, today: date) -> bool:
    """Open and due before today (the MSL's today, where they are)."""
    return task.status == FollowUpStatus.OPEN and task.due is not None and task.due < today


def adverse_events(session: Session, limit: int = 100) -> list[AdverseEvent]:
    return list(session.exec(select(AdverseEvent).order_by(col(AdverseEvent.aware_at).desc()).limit(limit)).all())


def amendments_of(session: Session, table: str, record_id: str) -> list[Amendment]:
    """A filed record's amendments (follow-up information for an adverse event), oldest first."""
    statement = select(Amendment).where(Amendment.subject_table == table, Amendment.subject_id == record_id)
    return list(session.exec(statement.order_by(col(Amendment.created_at), col(Amendment.id))).all())


def inquiries(session: Session, limit: int = 100) -> list[MedicalInquiry]:
    return list(
        session.exec(
            select(MedicalInquiry).where(col(MedicalInquiry.deleted).is_(False)).order_by(col(MedicalInquiry.received_at).desc()).limit(limit)
        ).all()
    )


@dataclass(frozen=True)
class InsightFilter:
    theme: str | None = None
    therapeutic_area: str | None = None
    product: str | None = None


def insights(session: Session, criteria: InsightFilter = InsightFilter(), limit: int = 200) -> list[Insight]:
    statement = select(Insight).where(col(Insight.deleted).is_(False))
    if criteria.theme:
        statement = statement.where(Insight.theme == criteria.theme)
    if criteria.therapeutic_area:
        statement = statement.where(Insight.therapeutic_area == criteria.therapeutic_area)
    if criteria.product:
        statement = statement.where(Insight.product == criteria.product)
    return list(session.exec(statement.order_by(col(Insight.captured_at).desc()).limit(limit)).all())


def insight_themes_by_month(
    session: Session, criteria: InsightFilter = InsightFilter(), months: int = 12, today: date | None = None
) -> dict[str, dict[str, int]]:
    """{month "YYYY-MM": {theme: count}} from the first month with insights (at most `months` back) to the
    latest one or `today`'s, months without insights included: time runs evenly along the chart.

    An insight linked as the same signal as an earlier one is not counted again.
    """
    counts: dict[str, dict[str, int]] = {}
    for insight in insights(session, criteria, limit=100_000):
        if insight.duplicate_of:
            continue
        month = insight.captured_at.strftime("%Y-%m")
        theme = insight.theme or UNTHEMED
        counts.setdefault(month, {})
        counts[month][theme] = counts[month].get(theme, 0) + 1
    if not counts:
        return {}
    last = max(max(counts), today.strftime("%Y-%m") if today else "")
    span = _months_back(last, months)
    first = max(min(counts), span[0])
    return {month: counts.get(month, {}) for month in span if month >= first}


UNTHEMED = "unthemed"
"""The key `insight_themes_by_month` counts insights without a theme under."""


def _months_back(last: str, count: int) -> list[str]:
    year, month = int(last[:4]), int(last[5:7])
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def insight_taxonomy(session: Session) -> Taxonomy:
    """The taxonomy in force on this device: the newest the server published, or the bundled one if that is newer."""
    row = session.exec(
        select(InsightTaxonomy).where(col(InsightTaxonomy.deleted).is_(False)).order_by(col(InsightTaxonomy.version).desc()).limit(1)
    ).first()
    return newest(row.document if row else None)


def insight_fingerprint(session: Session) -> tuple[int, str]:
    """Changes whenever an insight is added, edited or deleted: when to rebuild what is learnt from them."""
    count, latest = session.exec(select(func.count(), func.max(Insight.updated_at)).select_from(Insight)).one()
    return count, str(latest)


def trial_sites(session: Session) -> list[TrialSite]:
    return list(
        session.exec(select(TrialSite).where(col(TrialSite.deleted).is_(False)).order_by(col(TrialSite.study), col(TrialSite.site_name))).all()
    )


def medical_events(session: Session) -> list[MedicalEvent]:
    return list(session.exec(select(MedicalEvent).where(col(MedicalEvent.deleted).is_(False)).order_by(col(MedicalEvent.starts_at).desc())).all())


def library(session: Session, today: date) -> list[ContentItem]:
    """Approved content still valid today; expired items are hidden."""
    return list(
        session.exec(
            select(ContentItem).where(col(ContentItem.deleted).is_(False), col(ContentItem.expires_on) >= today).order_by(col(ContentItem.title))
        ).all()
    )


def open_conflicts(session: Session) -> list[Conflict]:
    return list(session.exec(select(Conflict).where(col(Conflict.resolved_at).is_(None)).order_by(col(Conflict.detected_at))).all())


def conflict_subject(session: Session, conflict: Conflict) -> str:
    """The record a conflict is about, as the MSL knows it: "HCP Dr Marie Curie", "Interaction with Dr Curie on 24 Nov 2026"."""
    return record_subject(session, conflict.table_name, conflict.record_id)


def record_subject(session: Session, table: str, record_id: str) -> str:
    """A record as the MSL knows it, for conflicts and refused changes: "HCP Dr Marie Curie"."""
    model = _LABELLED.get(table)
    record = session.get(model, record_id) if model is not None else None
    label = kind_for(table).label if table in TABLES else table.replace("_", " ")
    kind = label[:1].upper() + label[1:]
    if record is None:
        return f"{kind} {record_id}"
    if isinstance(record, Interaction):
        name = hcp_names(session, [record.hcp_id]).get(record.hcp_id, "an HCP no longer here")
        return f"{kind} with {name} on {record.occurred_at:%d %b %Y}"
    label = str(getattr(record, kind_for(table).title or "id") or "")
    return f"{kind} {label[:60] + '…' if len(label) > 60 else label}".rstrip()


_LABELLED: dict[str, type[SQLModel]] = {kind.table: kind.model for kind in KINDS if kind.title is not None or kind.model is Interaction}
"""The kinds a record is named by: a field of its own (`RecordKind.title`), or, for an interaction, its HCP and date."""


def hcp_names(session: Session, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.exec(select(Hcp.id, Hcp.name).where(col(Hcp.id).in_(list(ids)))).all()
    names: dict[str, str] = dict(rows)
    names.update({value: value for value in ids if is_pseudonym(value)})  # records of an erased HCP name their pseudonym
    return names


def therapeutic_areas(session: Session) -> list[str]:
    rows = session.exec(text("SELECT DISTINCT json_each.value FROM hcp, json_each(hcp.therapeutic_areas) WHERE hcp.deleted = 0")).all()  # type: ignore[call-overload]
    return sorted(row[0] for row in rows if row[0])
