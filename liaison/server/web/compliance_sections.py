"""The dashboard's compliance sections: adverse-event timeliness and overrides of the non-promotional guard.

Both cover the same people as every other section (`scope.report_owners`) and
the same reporting window: events the MSL became aware of in it, or still not
reported, and overrides filed in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from liaison.server import scope
from liaison.server.models import RecordRow, User
from liaison.server.reports.periods import ReportParams, period_key
from liaison.server.reports.safety import EventTimeliness, Policy, TimelinessReport, ae_timeliness
from liaison.server.settings import ServerSettings
from liaison.server.web.html import esc

EVENT_COLUMNS = ["event_id", "msl_email", "msl_name", "product", "seriousness", "status", "aware_at", "deadline_at", "received_at", "hours_to_receipt", "outcome"]
OVERRIDE_COLUMNS = ["override_id", "msl_email", "msl_name", "overridden_at", "subject_table", "subject_id", "rule_id", "category", "phrase", "reason", "justification"]


def _in_window(moment: datetime | None, params: ReportParams) -> bool:
    return moment is not None and period_key(moment, params.period) in set(params.window())


def _when(moment: datetime | None) -> str:
    return f"{moment:%d %b %Y %H:%M} UTC" if moment else "—"


class SafetySection:
    slug = "ae-timeliness"
    title = "Adverse-event timeliness"

    def numbers(self, session: Session, viewer: User, params: ReportParams, settings: ServerSettings) -> TimelinessReport:
        """Events heard of in the window, and any not yet reported whenever they were heard of: an overdue one never drops off."""
        report = ae_timeliness(session, viewer, Policy(settings.ae_window, settings.ae_timezone))
        shown = [event for event in report.events if _in_window(event.aware_at, params) or event.received_at is None]
        return report.model_copy(update={"events": shown})

    def html(self, report: TimelinessReport) -> str:
        events = report.events
        late = [event for event in events if event.outcome == "late"]
        hours = sorted(event.hours_to_receipt for event in events if event.hours_to_receipt is not None)
        median = f"{hours[len(hours) // 2]:.1f} h" if hours else "—"
        cards = (
            '<div class="cards">'
            f'<div class="card"><b>{len(events)}</b>adverse events</div>'
            f'<div class="card"><b>{sum(event.received_at is not None for event in events)}</b>reached the server</div>'
            f'<div class="card"><b>{len(late)}</b>late or overdue</div>'
            f'<div class="card"><b>{median}</b>median awareness → receipt</div>'
            "</div>"
        )
        if not events:
            return cards + '<p class="muted">No adverse events from the team in this window.</p>'
        per_msl = "".join(
            f"<tr><td>{esc(msl.msl_name)}</td><td class=\"num\">{msl.events}</td><td class=\"num\">{msl.received}</td>"
            f"<td class=\"num\">{'—' if msl.median_hours is None else f'{msl.median_hours:.1f}'}</td>"
            f"<td class=\"num\">{'—' if msl.worst_hours is None else f'{msl.worst_hours:.1f}'}</td>"
            f"<td class=\"num\">{'<span class=flag>' + str(msl.late) + '</span>' if msl.late else 0}</td></tr>"
            for msl in report.msls
        )
        rows = "".join(self._row(event) for event in events)
        return (
            cards
            + '<h3>Per MSL</h3><table><thead><tr><th>MSL</th><th class="num">Events</th><th class="num">Received</th>'
            + '<th class="num">Median hours</th><th class="num">Worst hours</th><th class="num">Late</th></tr></thead>'
            + f"<tbody>{per_msl}</tbody></table>"
            + '<h3>Per event</h3><p class="muted">From the moment the MSL became aware to the moment the filed report reached the server.</p>'
            + '<table><thead><tr><th>MSL</th><th>Product</th><th>Seriousness</th><th>Aware</th><th>Deadline</th><th>Received</th>'
            + f'<th class="num">Hours</th><th>Outcome</th></tr></thead><tbody>{rows}</tbody></table>'
        )

    def _row(self, event: EventTimeliness) -> str:
        outcome = f"<span class=flag>{esc(event.outcome)}</span>" if event.outcome == "late" else esc(event.outcome)
        hours = "—" if event.hours_to_receipt is None else f"{event.hours_to_receipt:.1f}"
        return (
            f"<tr><td>{esc(event.msl_name)}</td><td>{esc(event.product or '—')}</td><td>{esc((event.seriousness or '—').replace('_', ' '))}</td>"
            f"<td>{_when(event.aware_at)}</td><td>{_when(event.deadline_at)}</td><td>{_when(event.received_at)}</td>"
            f'<td class="num">{hours}</td><td>{outcome}</td></tr>'
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
        rows = session.exec(
            select(RecordRow).where(RecordRow.table_name == "compliance_override", col(RecordRow.owner_user_id).in_(owners))
        ).all()
        found = [self._override(row, people[row.owner_user_id]) for row in rows]
        return sorted((item for item in found if _in_window(item.overridden_at, params)), key=lambda item: item.overridden_at or datetime.min.replace(tzinfo=UTC), reverse=True)

    def _override(self, row: RecordRow, owner: User) -> Override:
        fields = row.fields
        raw = fields.get("overridden_at")
        moment = datetime.fromisoformat(str(raw)) if raw else None
        return Override(
            override_id=row.record_id, msl_email=owner.email, msl_name=owner.name,
            overridden_at=moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC),
            subject_table=str(fields.get("subject_table", "")), subject_id=str(fields.get("subject_id", "")),
            findings=list(fields.get("findings") or []), justification=str(fields.get("justification", "")),
        )

    def html(self, overrides: list[Override]) -> str:
        msls = len({item.msl_email for item in overrides})
        cards = (
            '<div class="cards">'
            f'<div class="card"><b>{len(overrides)}</b>records filed despite findings</div>'
            f'<div class="card"><b>{msls}</b>MSLs</div>'
            "</div>"
        )
        if not overrides:
            return cards + '<p class="muted">No flagged wording was filed in this window.</p>'
        items = "".join(
            "<blockquote>"
            + "".join(f"<p><span class=flag>{esc(finding.get('phrase', ''))}</span> · {esc(finding.get('rule_id', ''))}: {esc(finding.get('reason', ''))}</p>" for finding in item.findings)
            + f"<p><b>Justification:</b> {esc(item.justification)}</p>"
            + f"<footer>{esc(item.msl_name)} · {esc(item.subject_table.replace('_', ' '))} {esc(item.subject_id[:8])} · {_when(item.overridden_at)}</footer>"
            "</blockquote>"
            for item in overrides
        )
        return cards + '<p class="muted">Each was flagged by the non-promotional guard and filed with a written justification.</p>' + items

    def export(self, overrides: list[Override]) -> dict[str, Any]:
        return {"overrides": [{**item.__dict__, "overridden_at": item.overridden_at.isoformat() if item.overridden_at else None} for item in overrides]}

    def table(self, overrides: list[Override]) -> tuple[list[str], list[list[Any]]]:
        rows = []
        for item in overrides:
            for finding in item.findings or [{}]:
                rows.append([
                    item.override_id, item.msl_email, item.msl_name, item.overridden_at.isoformat() if item.overridden_at else "",
                    item.subject_table, item.subject_id, finding.get("rule_id", ""), finding.get("category", ""),
                    finding.get("phrase", ""), finding.get("reason", ""), item.justification,
                ])
        return OVERRIDE_COLUMNS, rows
