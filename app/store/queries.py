"""Read-side queries the UI and CLI need; they never write.

Search-as-you-type goes through the FTS5 index `hcp_search` (see migration
0002): each word the MSL types becomes a prefix term, all must match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from app.store.models import (
    AdverseEvent,
    Hcp,
    Insight,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
    OutboxEntry,
    TrialSite,
)

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
    statement = select(Hcp).where(col(Hcp.deleted).is_(False))
    match = fts_query(criteria.search)
    if match is not None:
        statement = statement.where(
            text("hcp.rowid IN (SELECT rowid FROM hcp_search WHERE hcp_search MATCH :match)").bindparams(match=match)
        )
    if criteria.kol_tier is not None:
        statement = statement.where(Hcp.kol_tier == criteria.kol_tier)
    if criteria.specialty:
        statement = statement.where(Hcp.specialty == criteria.specialty)
    if criteria.therapeutic_area:
        statement = statement.where(
            text("EXISTS (SELECT 1 FROM json_each(hcp.therapeutic_areas) WHERE json_each.value = :ta)").bindparams(
                ta=criteria.therapeutic_area
            )
        )
    statement = statement.order_by(col(Hcp.name)).limit(limit).offset(offset)
    return list(session.exec(statement).all())


def count_hcps(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Hcp).where(col(Hcp.deleted).is_(False))).one()


def specialties(session: Session) -> list[str]:
    rows = session.exec(
        select(Hcp.specialty).where(col(Hcp.deleted).is_(False), col(Hcp.specialty).is_not(None)).distinct()
    ).all()
    return sorted(row for row in rows if row)


def interactions(
    session: Session, hcp_id: str | None = None, limit: int = 100, statuses: Sequence[str] | None = None
) -> list[Interaction]:
    statement = select(Interaction).where(col(Interaction.deleted).is_(False))
    if hcp_id is not None:
        statement = statement.where(Interaction.hcp_id == hcp_id)
    if statuses:
        statement = statement.where(col(Interaction.status).in_(list(statuses)))
    statement = statement.order_by(col(Interaction.occurred_at).desc()).limit(limit)
    return list(session.exec(statement).all())


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
        session.exec(
            select(Insight)
            .where(Insight.hcp_id == hcp_id, col(Insight.deleted).is_(False))
            .order_by(col(Insight.captured_at).desc())
        ).all()
    )


def trial_sites_for(session: Session, hcp_id: str) -> list[TrialSite]:
    return list(
        session.exec(select(TrialSite).where(TrialSite.pi_hcp_id == hcp_id, col(TrialSite.deleted).is_(False))).all()
    )


def events_attended(session: Session, hcp_id: str) -> list[MedicalEvent]:
    return list(
        session.exec(
            select(MedicalEvent)
            .where(
                col(MedicalEvent.deleted).is_(False),
                text("EXISTS (SELECT 1 FROM json_each(medical_event.attendee_ids) WHERE json_each.value = :hcp)").bindparams(
                    hcp=hcp_id
                ),
            )
            .order_by(col(MedicalEvent.starts_at).desc())
        ).all()
    )


def open_adverse_events(session: Session) -> list[AdverseEvent]:
    """Adverse events not yet acknowledged by pharmacovigilance, soonest deadline first."""
    return list(
        session.exec(
            select(AdverseEvent)
            .where(col(AdverseEvent.status) != "acknowledged")
            .order_by(col(AdverseEvent.deadline_at))
        ).all()
    )


def pending_changes(session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxEntry)).one()
