"""Read-side queries on the medical plan: the plan in force on this device, its items, and what a record's codes mean.

The plan arrives from the server as `medical_plan` records, one per published
version; the newest this app can read is in force. There is none until medical
affairs publishes one. Codes on a record that the plan in force no longer holds
(a superseded plan's) are kept on the record and read as the code itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from liaison.core.records.models import Insight, Interaction, MedicalPlanVersion
from liaison.core.rules.medical_plan import MedicalPlan, PlanItem, readable


def current_plan(session: Session) -> MedicalPlan | None:
    """The newest published plan this app can read; None before the first is published."""
    rows = session.exec(
        select(MedicalPlanVersion.document).where(col(MedicalPlanVersion.deleted).is_(False)).order_by(col(MedicalPlanVersion.version).desc())
    ).all()
    return next((plan for plan in map(readable, rows) if plan is not None), None)


def plan_items(session: Session, therapeutic_area: str | None = None, product: str | None = None) -> list[PlanItem]:
    """The current plan's items for an area (as typed; aliases count) and product, in the plan's order; all of them when neither is given."""
    plan = current_plan(session)
    return list(plan.items_for(therapeutic_area, product)) if plan else []


def plan_item_titles(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Each code's title in the current plan, in the order given; a code the plan does not hold reads as the code."""
    plan = current_plan(session)
    return {code: plan.title_of(code) if plan else code for code in codes}


def plan_items_not_covered(session: Session, hcp_id: str, therapeutic_areas: Iterable[str] = ()) -> list[PlanItem]:
    """The current plan's items of the HCP's areas (every item when none is given) that no interaction or insight
    with this HCP is tagged with yet: what the next visit could still serve."""
    plan = current_plan(session)
    if plan is None:
        return []
    areas = [area for area in therapeutic_areas if area]
    items = [item for item in plan.items if not areas or any(item.concerns(area) for area in areas)]
    covered = set(covered_codes(session, hcp_id))
    return [item for item in items if item.code not in covered]


def covered_codes(session: Session, hcp_id: str) -> list[str]:
    """Every plan item code the MSL's interactions and insights with this HCP are tagged with, each once."""
    tagged = list(session.exec(select(Interaction.plan_items).where(Interaction.hcp_id == hcp_id, col(Interaction.deleted).is_(False))).all()) + list(
        session.exec(select(Insight.plan_items).where(Insight.hcp_id == hcp_id, col(Insight.deleted).is_(False))).all()
    )
    return list(dict.fromkeys(code for codes in tagged for code in codes or []))
