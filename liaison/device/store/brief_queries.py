"""The reads behind the pre-call brief: one HCP's recent activity, each section bounded and read through an index.

Every query here names the HCP first, so SQLite starts from the HCP's own
index (`ix_interaction_hcp_occurred`, `ix_medical_inquiry_hcp_id`,
`ix_follow_up_hcp_id`, `ix_insight_hcp_id`, `ix_trial_site_pi_hcp_id`) and reads
that HCP's rows only, however large the territory; the limits keep what a
KOL seen weekly for years brings back to a screenful. The unary `+` on
`deleted` keeps SQLite off the index on `deleted`, which holds nearly every
row (as `queries.count_interactions` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, text
from sqlmodel import Session, col, select

from liaison.core.enums import FollowUpStatus, InquiryStatus
from liaison.core.records.models import (
    NO_FOLLOW_UPS,
    ContentItem,
    FollowUpTask,
    HcpErasure,
    Insight,
    Interaction,
    MedicalEvent,
    MedicalInquiry,
    TrialSite,
)

OPEN_INQUIRY = (InquiryStatus.DRAFT, InquiryStatus.SUBMITTED)
"""An inquiry is open until it is answered or closed."""

_LIVE_INTERACTION = text("+interaction.deleted = 0")
_NO_MATERIALS = NO_FOLLOW_UPS
"""An empty list column is stored as `[]`, materials like follow-ups."""


def erasure_of(session: Session, hcp_id: str) -> HcpErasure | None:
    """The receipt of this HCP's erasure, if they were erased (here or on another device)."""
    return session.exec(select(HcpErasure).where(HcpErasure.hcp_id == hcp_id).limit(1)).first()


def latest_interactions(session: Session, hcp_id: str, limit: int) -> list[Interaction]:
    """The HCP's newest interactions, drafts included, through `ix_interaction_hcp_occurred` backwards."""
    statement = (
        select(Interaction)
        .where(Interaction.hcp_id == hcp_id, _LIVE_INTERACTION)
        .order_by(col(Interaction.occurred_at).desc(), col(Interaction.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())


def areas_discussed(session: Session, hcp_id: str) -> list[str]:
    """The therapeutic areas of the HCP's interactions, each once, through `ix_interaction_hcp_occurred`."""
    statement = (
        select(Interaction.therapeutic_area)
        .where(Interaction.hcp_id == hcp_id, _LIVE_INTERACTION, col(Interaction.therapeutic_area).is_not(None))
        .distinct()
    )
    return sorted(str(area) for area in session.exec(statement).all() if area)


def open_inquiries(session: Session, hcp_id: str, limit: int) -> list[MedicalInquiry]:
    """The HCP's inquiries not yet answered or closed, oldest first: the one waiting longest leads."""
    statement = (
        select(MedicalInquiry)
        .where(MedicalInquiry.hcp_id == hcp_id, text("+medical_inquiry.deleted = 0"), col(MedicalInquiry.status).in_(list(OPEN_INQUIRY)))
        .order_by(col(MedicalInquiry.received_at), col(MedicalInquiry.id))
        .limit(limit)
    )
    return list(session.exec(statement).all())


def open_follow_ups(session: Session, hcp_id: str, limit: int) -> list[FollowUpTask]:
    """What was promised to the HCP and not yet done, soonest due first and undated last."""
    statement = (
        select(FollowUpTask)
        .where(FollowUpTask.hcp_id == hcp_id, text("+follow_up.deleted = 0"), text("+follow_up.status = :open").bindparams(open=FollowUpStatus.OPEN))
        .order_by(col(FollowUpTask.due).is_(None), col(FollowUpTask.due), col(FollowUpTask.created_at), col(FollowUpTask.id))
        .limit(limit)
    )
    return list(session.exec(statement).all())


def latest_insights(session: Session, hcp_id: str, limit: int) -> list[Insight]:
    statement = (
        select(Insight)
        .where(Insight.hcp_id == hcp_id, text("+insight.deleted = 0"))
        .order_by(col(Insight.captured_at).desc(), col(Insight.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())


def trial_sites_of(session: Session, hcp_id: str, site_ids: Sequence[str], limit: int) -> list[TrialSite]:
    """Sites the HCP leads as principal investigator, and those their profile's trial involvement names."""
    leads = col(TrialSite.pi_hcp_id) == hcp_id
    named = or_(leads, col(TrialSite.id).in_(list(site_ids))) if site_ids else leads
    statement = select(TrialSite).where(named, text("+trial_site.deleted = 0"))
    return list(session.exec(statement.order_by(col(TrialSite.study), col(TrialSite.site_name), col(TrialSite.id)).limit(limit)).all())


def events_attended(session: Session, hcp_id: str, limit: int) -> list[MedicalEvent]:
    """Events whose attendee list names the HCP, newest first.

    Attendees are a JSON list, which no index reaches: this reads the live
    events' attendee lists, which a territory holds hundreds of (not the tens of
    thousands of HCPs or interactions the other sections read around).
    """
    statement = (
        select(MedicalEvent)
        .where(
            text("+medical_event.deleted = 0"),
            text("EXISTS (SELECT 1 FROM json_each(medical_event.attendee_ids) WHERE json_each.value = :hcp)").bindparams(hcp=hcp_id),
        )
        .order_by(col(MedicalEvent.starts_at).desc(), col(MedicalEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())


def materials_shared(session: Session, hcp_id: str, scan: int) -> list[tuple[datetime, list[str]]]:
    """(when, materials) of the HCP's newest `scan` interactions that shared any, newest first."""
    statement = (
        select(Interaction.occurred_at, Interaction.materials)
        .where(Interaction.hcp_id == hcp_id, _LIVE_INTERACTION, text(f"interaction.materials != '{_NO_MATERIALS}'"))
        .order_by(col(Interaction.occurred_at).desc(), col(Interaction.id).desc())
        .limit(scan)
    )
    return [(when, list(materials or [])) for when, materials in session.exec(statement).all()]


def content_items(session: Session, ids: Sequence[str]) -> list[ContentItem]:
    """The library items an interaction's materials name (by id, as the repository checks them), withdrawn ones too:
    what was handed over stays named by its title after the item leaves the library."""
    if not ids:
        return []
    return list(session.exec(select(ContentItem).where(col(ContentItem.id).in_(list(ids)))).all())
