"""The dashboard's compliance sections: adverse-event timeliness and overrides of the non-promotional guard.

Both cover the same people as every other section (`scope.report_owners`) and
the same reporting window: events the MSL became aware of in it, or still not
reported, and overrides filed in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup
from sqlmodel import Session, col, select

from liaison.server import scope
from liaison.server.models import RecordRow, User
from liaison.server.reports.periods import ReportParams, period_key
from liaison.server.reports.safety import Policy, TimelinessReport, ae_timeliness
from liaison.server.settings import ServerSettings
from liaison.server.web.html import fragment

EVENT_COLUMNS = [
    "event_id",
    "msl_email",
    "msl_name",
    "product",
    "seriousness",
    "status",
    "aware_at",
    "deadline_at",
    "received_at",
    "hours_to_receipt",
    "outcome",
]
OVERRIDE_COLUMNS = [
    "override_id",
    "msl_email",
    "msl_name",
    "overridden_at",
    "subject_table",
    "subject_id",
    "rule_id",
    "category",
    "phrase",
    "reason",
    "justification",
]


def _in_window(moment: datetime | None, params: ReportParams) -> bool:
    return moment is not None and period_key(moment, params.period) in set(params.window())


class SafetySection:
    slug = "ae-timeliness"
    title = "Adverse-event timeliness"

    def numbers(self, session: Session, viewer: User, params: ReportParams, settings: ServerSettings) -> TimelinessReport:
        """Events heard of in the window, and any not yet reported whenever they were heard of: an overdue one never drops off."""
        report = ae_timeliness(session, viewer, Policy(settings.ae_window, settings.ae_timezone))
        shown = [event for event in report.events if _in_window(event.aware_at, params) or event.received_at is None]
        return report.model_copy(update={"events": shown})

    def html(self, report: TimelinessReport) -> Markup:
        hours = sorted(event.hours_to_receipt for event in report.events if event.hours_to_receipt is not None)
        return fragment(
            "sections/ae-timeliness.html",
            report=report,
            received=sum(event.received_at is not None for event in report.events),
            late=sum(event.outcome == "late" for event in report.events),
            median=f"{hours[len(hours) // 2]:.1f} h" if hours else "—",
        )

    def export(self, report: TimelinessReport) -> dict[str, Any]:
        return report.model_dump(mode="json")

    def table(self, report: TimelinessReport) -> tuple[list[str], list[list[Any]]]:
        rows = [event.model_dump(mode="json") for event in report.events]
        return EVENT_COLUMNS, [[row[name] for name in EVENT_COLUMNS] for row in rows]


@dataclass(frozen=True)
class Override:
    """Flagged wording an MSL filed anyway, with their reason."""

    override_id: str
    msl_email: str
    msl_name: str
    overridden_at: datetime | None
    subject_table: str
    subject_id: str
    findings: list[dict[str, Any]]
    justification: str


class OverridesSection:
    slug = "overrides"
    title = "Compliance overrides"

    def numbers(self, session: Session, viewer: User, params: ReportParams, settings: ServerSettings) -> list[Override]:
        owners = scope.report_owners(session, viewer)
        if not owners:
            return []
        people = {user.id: user for user in session.exec(select(User).where(col(User.id).in_(owners)))}
        rows = session.exec(select(RecordRow).where(RecordRow.table_name == "compliance_override", col(RecordRow.owner_user_id).in_(owners))).all()
        found = [self._override(row, people[row.owner_user_id]) for row in rows]
        return sorted(
            (item for item in found if _in_window(item.overridden_at, params)),
            key=lambda item: item.overridden_at or datetime.min.replace(tzinfo=UTC),
            reverse=True,
        )

    def _override(self, row: RecordRow, owner: User) -> Override:
        fields = row.fields
        raw = fields.get("overridden_at")
        moment = datetime.fromisoformat(str(raw)) if raw else None
        return Override(
            override_id=row.record_id,
            msl_email=owner.email,
            msl_name=owner.name,
            overridden_at=moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC),
            subject_table=str(fields.get("subject_table", "")),
            subject_id=str(fields.get("subject_id", "")),
            findings=list(fields.get("findings") or []),
            justification=str(fields.get("justification", "")),
        )

    def html(self, overrides: list[Override]) -> Markup:
        return fragment("sections/overrides.html", overrides=overrides, msls=len({item.msl_email for item in overrides}))

    def export(self, overrides: list[Override]) -> dict[str, Any]:
        return {
            "overrides": [{**item.__dict__, "overridden_at": item.overridden_at.isoformat() if item.overridden_at else None} for item in overrides]
        }

    def table(self, overrides: list[Override]) -> tuple[list[str], list[list[Any]]]:
        rows = []
        for item in overrides:
            for finding in item.findings or [{}]:
                rows.append(
                    [
                        item.override_id,
                        item.msl_email,
                        item.msl_name,
                        item.overridden_at.isoformat() if item.overridden_at else "",
                        item.subject_table,
                        item.subject_id,
                        finding.get("rule_id", ""),
                        finding.get("category", ""),
                        finding.get("phrase", ""),
                        finding.get("reason", ""),
                        item.justification,
                    ]
                )
        return OVERRIDE_COLUMNS, rows
