"""Trials: each site's status, enrolment against target (warned about past it), and its issue log, whose issues close and reopen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import flet as ft

from liaison.core.enums import TrialStatus
from liaison.core.errors import LiaisonError, ValidationError
from liaison.core.records.models import TrialSite
from liaison.core.rules.trials import ISSUE_TEXT, over_enrolment
from liaison.device.domain import trials
from liaison.device.locale import Display
from liaison.device.store import queries
from liaison.device.ui.components.forms import Form, empty
from liaison.device.ui.state import UiContext

STATUSES = [(status.value, status.value.replace("_", "-").capitalize()) for status in TrialStatus]


class TrialsScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            sites = queries.trial_sites(session)
            names = queries.hcp_names(session, [site.pi_hcp_id for site in sites if site.pi_hcp_id])
        return ft.ListView(
            [self.card(site, names) for site in sites] or [empty("No trial sites in your territory.")], spacing=12, padding=16, expand=True
        )

    def card(self, site: TrialSite, names: dict[str, str]) -> ft.Control:
        form = Form(
            self.ctx.draft(f"trial:{site.id}"),
            on_input=self.ctx.touch,
            defaults={"status": site.status, "enrolment_actual": str(site.enrolment_actual)},
        )
        share = site.enrolment_actual / site.enrolment_target if site.enrolment_target else 0
        warning = over_enrolment(site.enrolment_actual, site.enrolment_target)

        def save(e: object) -> None:
            actual = str(form.value("enrolment_actual", "0")).strip()
            changes: dict[str, object] = {"status": form.value("status", site.status)}
            if not actual.isdigit():
                form.show_error(ValidationError("enrolment_actual", "use a whole number of patients, like 12", label="Enrolled"))
                return
            changes["enrolment_actual"] = int(actual)
            new_issue = (form.value("issue") or "").strip()
            if new_issue:
                changes["issues"] = [*site.issues, trials.new_issue(new_issue, self.ctx.unlocked.repository.actor.user)]
            try:
                updated = self.ctx.unlocked.repository.update(TrialSite, site.id, changes)
            except LiaisonError as error:
                form.show_error(error)
                return
            form.reset()
            self.ctx.changed()
            warned = over_enrolment(updated.enrolment_actual, updated.enrolment_target)
            self.ctx.notify(f"Trial site updated. {warned}" if warned else "Trial site updated")
            self.ctx.navigate("Trials")

        return ft.Card(
            ft.Container(
                ft.Column(
                    [
                        ft.Text(f"{site.protocol} · {site.site_name}", theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                        ft.Text(f"{site.study} · PI: {names.get(site.pi_hcp_id or '', '—')} · {site.status.replace('_', '-')}"),
                        ft.Text(f"Enrolment {site.enrolment_actual} of {site.enrolment_target}"),
                        ft.ProgressBar(value=min(share, 1.0), semantics_label=f"Enrolment {site.enrolment_actual} of {site.enrolment_target}"),
                        *([_warning(warning)] if warning else []),
                        ft.Text("Issue log"),
                        *([self.issue_row(site, number, issue) for number, issue in enumerate(site.issues, start=1)] or [empty("No issues logged.")]),
                        ft.Row(
                            [
                                form.dropdown("status", "Status", STATUSES, width=180),
                                form.text("enrolment_actual", "Enrolled", width=120, keyboard=ft.KeyboardType.NUMBER),
                                form.text("issue", "New issue", width=320, limit=ISSUE_TEXT),
                            ],
                            wrap=True,
                        ),
                        form.banner,
                        ft.OutlinedButton(content="Update site", on_click=save),
                    ],
                    spacing=8,
                ),
                padding=16,
            )
        )

    def issue_row(self, site: TrialSite, number: int, issue: dict[str, Any]) -> ft.Control:
        """One issue, who opened or closed it and when, and the button that closes (or reopens) it."""
        closed = bool(issue.get("closed"))
        action = "Reopen" if closed else "Close"
        return ft.Row(
            [
                ft.Text(f"{'✓' if closed else '•'} {issue.get('opened', '')} {issue.get('text', '')}", expand=True),
                ft.Text(_history(issue, self.ctx.display), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                ft.TextButton(
                    content=action,
                    tooltip=f"{action} issue {number} of {site.site_name}",
                    on_click=lambda e: self.toggle(site, number, closed),
                ),
            ],
            wrap=True,
        )

    def toggle(self, site: TrialSite, number: int, closed: bool) -> None:
        try:
            (trials.reopen_issue if closed else trials.close_issue)(self.ctx.unlocked.repository, site.id, number)
        except LiaisonError as error:
            self.ctx.notify(str(error))
            return
        self.ctx.changed()
        self.ctx.notify(f"Issue {number} {'reopened' if closed else 'closed'}")
        self.ctx.navigate("Trials")


def _warning(text: str) -> ft.Control:
    return ft.Row(
        [ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.ERROR, semantics_label="Warning"), ft.Text(text, color=ft.Colors.ERROR, expand=True)]
    )


def _history(issue: dict[str, Any], display: Display) -> str:
    """ "closed by msl@… on 3 Dec 2026 10:05", in the MSL's time zone; or who reopened it; nothing for an issue never closed."""
    if issue.get("closed") and issue.get("closed_at"):
        return f"closed by {issue.get('closed_by') or 'someone'} on {_local(issue['closed_at'], display)}"
    if issue.get("reopened_at"):
        return f"reopened by {issue.get('reopened_by') or 'someone'} on {_local(issue['reopened_at'], display)}"
    return f"opened by {issue['opened_by']}" if issue.get("opened_by") else ""


def _local(stamp: str, display: Display) -> str:
    try:
        return display.datetime_text(datetime.fromisoformat(stamp))
    except ValueError:
        return stamp
