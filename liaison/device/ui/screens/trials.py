"""Trials: each site's status, enrolment against target, and its issue log."""

from __future__ import annotations

from datetime import date

import flet as ft

from liaison.core.enums import TrialStatus
from liaison.core.errors import LiaisonError
from liaison.core.records.models import TrialSite
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
        form = Form(self.ctx.draft(f"trial:{site.id}"), on_input=self.ctx.touch)
        form.draft.setdefault("status", site.status)
        form.draft.setdefault("enrolment_actual", str(site.enrolment_actual))
        share = site.enrolment_actual / site.enrolment_target if site.enrolment_target else 0
        issues = [ft.Text(f"{'✓' if issue.get('closed') else '•'} {issue.get('opened', '')} {issue.get('text', '')}") for issue in site.issues]

        def save(e: object) -> None:
            actual = form.value("enrolment_actual", "0")
            changes: dict[str, object] = {"status": form.value("status", site.status)}
            if str(actual).isdigit():
                changes["enrolment_actual"] = int(actual)
            else:
                from liaison.core.errors import ValidationError

                form.show_error(ValidationError("enrolment_actual", "must be a whole number of patients"))
                return
            new_issue = form.value("issue")
            if new_issue:
                changes["issues"] = [*site.issues, {"text": new_issue, "opened": date.today().isoformat(), "closed": None}]
            try:
                self.ctx.unlocked.repository.update(TrialSite, site.id, changes)
            except LiaisonError as error:
                form.show_error(error)
                return
            form.reset()
            self.ctx.changed()
            self.ctx.notify("Trial site updated")
            self.ctx.navigate("Trials")

        return ft.Card(
            ft.Container(
                ft.Column(
                    [
                        ft.Text(f"{site.protocol} · {site.site_name}", theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                        ft.Text(f"{site.study} · PI: {names.get(site.pi_hcp_id or '', '—')} · {site.status.replace('_', '-')}"),
                        ft.Text(f"Enrolment {site.enrolment_actual} of {site.enrolment_target}"),
                        ft.ProgressBar(value=min(share, 1.0), semantics_label=f"Enrolment {site.enrolment_actual} of {site.enrolment_target}"),
                        ft.Text("Issue log"),
                        *(issues or [empty("No issues logged.")]),
                        ft.Row(
                            [
                                form.dropdown("status", "Status", STATUSES, width=180),
                                form.text("enrolment_actual", "Enrolled", width=120),
                                form.text("issue", "New issue", width=320),
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
