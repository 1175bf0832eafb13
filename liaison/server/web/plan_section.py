"""The dashboard's medical plan section: coverage of each strategic imperative and listening priority by region and
period, and the items no insight has come back on yet, drawn from `reports.plan_coverage`."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from liaison.server import medical_plan
from liaison.server.models import User
from liaison.server.reports.periods import ReportParams, period_label
from liaison.server.reports.plan_coverage import PlanCoverage, plan_coverage
from liaison.server.settings import ServerSettings
from liaison.server.web.html import fragment

CSV_HEADER = ["row", "code", "kind", "title", "therapeutic_area", "region", "period", "interactions", "insights"]


class PlanSection:
    slug = "medical-plan"
    title = "Medical plan"

    def numbers(self, session: Session, viewer: User, params: ReportParams, settings: ServerSettings) -> PlanCoverage:
        return plan_coverage(session, viewer, medical_plan.current(session), params)

    def html(self, report: PlanCoverage) -> Markup:
        return fragment(
            "sections/medical-plan.html",
            report=report,
            labels=[period_label(period) for period in report.periods],
            interactions=sum(coverage.total("interaction") for coverage in report.items),
            insights=sum(coverage.total("insight") for coverage in report.items),
        )

    def export(self, report: PlanCoverage) -> dict[str, Any]:
        return {
            "section": self.slug,
            "period": report.params.period,
            "as_of": report.params.day.isoformat(),
            "periods": report.periods,
            "plan_version": report.plan_version,
            "regions": report.regions,
            "items": [
                {
                    "code": coverage.item.code,
                    "kind": coverage.item.kind.value,
                    "title": coverage.item.title,
                    "therapeutic_area": coverage.item.therapeutic_area,
                    "products": list(coverage.item.products),
                    "interactions": coverage.total("interaction"),
                    "insights": coverage.total("insight"),
                }
                for coverage in report.items
            ],
            "counts": report.rows(),
            "without_insights": [item.code for item in report.without_insights],
            "other_tags": report.other_tags,
        }

    def table(self, report: PlanCoverage) -> tuple[list[str], list[list[Any]]]:
        rows: list[list[Any]] = [["count", *(row[name] for name in CSV_HEADER[1:])] for row in report.rows()]
        rows += [["no_insights", item.code, item.kind.value, item.title, item.therapeutic_area, "", "", "", 0] for item in report.without_insights]
        return CSV_HEADER, rows
