"""The manager's dashboard is a list of report sections; this is the one place to add one.

A section computes its numbers for the viewer and the reporting window, draws
them as HTML from its template in `templates/sections/`, and exports the same numbers as JSON and CSV at
`/manager/<slug>.json` and `/manager/<slug>.csv`. The page shows the sections
in this order, each under its own heading with its export links; the routes
need no change for a new one.
"""

from __future__ import annotations

from typing import Any, Protocol

from markupsafe import Markup
from sqlmodel import Session

from liaison.server.models import User
from liaison.server.reports.periods import ReportParams
from liaison.server.settings import ServerSettings
from liaison.server.web.compliance_sections import OverridesSection, SafetySection
from liaison.server.web.insights_section import InsightsSection
from liaison.server.web.plan_section import PlanSection


class Section(Protocol):
    slug: str
    """Its anchor on the page and the name of its exports."""
    title: str

    def numbers(self, session: Session, viewer: User, params: ReportParams, settings: ServerSettings) -> Any:
        """What the viewer may see of it in the window: only the viewer's team (or everyone, for an administrator).

        `settings` are the server's own (the adverse-event window, for one)."""

    def html(self, numbers: Any) -> Markup:
        """The section's body, rendered from its template (the page adds its heading and export links)."""

    def export(self, numbers: Any) -> dict[str, Any]:
        """The same numbers as a JSON document."""

    def table(self, numbers: Any) -> tuple[list[str], list[list[Any]]]:
        """The same numbers as CSV: a header and rows."""


SECTIONS: tuple[Section, ...] = (InsightsSection(), PlanSection(), SafetySection(), OverridesSection())


def by_slug(slug: str) -> Section | None:
    return next((section for section in SECTIONS if section.slug == slug), None)
