"""Interactions: the MSL's exchanges, newest first; drafts can be submitted, submitted ones amended."""

from __future__ import annotations

import flet as ft

from liaison.core.errors import ComplianceFindings, LiaisonError
from liaison.core.records.models import LONG_TEXT, Interaction
from liaison.device.store import medical_plan as plan_queries
from liaison.device.store import queries
from liaison.device.ui.components.follow_up import task_row
from liaison.device.ui.components.forms import Form, empty, section
from liaison.device.ui.components.review import ReviewPanel
from liaison.device.ui.state import UiContext


def build(ctx: UiContext, open_id: str | None = None) -> ft.Control:
    with ctx.unlocked.repository.session() as session:
        items = queries.interactions(session, limit=100)
        names = queries.hcp_names(session, [item.hcp_id for item in items])
    tiles: list[ft.Control] = [
        ft.ListTile(
            title=ft.Text(f"{names.get(item.hcp_id, 'HCP')} · {ctx.display.datetime_text(item.occurred_at)}"),
            subtitle=ft.Text(f"{item.channel.replace('_', ' ')} · {item.status} · {item.notes[:80]}"),
            trailing=ft.Icon(ft.Icons.EDIT_NOTE if item.status == "draft" else ft.Icons.TASK_ALT, tooltip=item.status),
            on_click=lambda e, item_id=item.id: ctx.navigate("Interactions", open_id=item_id),
        )
        for item in items
    ]
    detail = _detail(ctx, open_id, names) if open_id else ft.Container()
    return ft.ListView([detail, *(tiles or [empty("No interactions yet. Use “Log interaction”.")])], spacing=4, padding=16, expand=True)


def _detail(ctx: UiContext, interaction_id: str, names: dict[str, str]) -> ft.Control:
    repository = ctx.unlocked.repository
    item = repository.get(Interaction, interaction_id)
    with repository.session() as session:
        tasks = queries.follow_ups(session, open_only=False, interaction_id=interaction_id)
        plan_titles = plan_queries.plan_item_titles(session, item.plan_items)
    today = queries.local_today(repository.local_tz)
    form = Form(ctx.draft(f"amend:{interaction_id}"), on_input=ctx.touch)

    def submit(justification: str | None = None) -> None:
        try:
            repository.submit(Interaction, interaction_id, justification=justification)
        except ComplianceFindings as error:
            form.clear_errors()
            review.show(error.findings)
            return
        except LiaisonError as error:
            form.show_error(error)
            return
        ctx.changed()
        ctx.notify("Interaction submitted")
        ctx.navigate("Interactions", open_id=interaction_id)

    def amend(justification: str | None = None) -> None:
        try:
            repository.amend(Interaction, interaction_id, {"notes": form.value("notes", "")}, form.value("reason", ""), justification=justification)
        except ComplianceFindings as error:
            form.clear_errors()
            review.show(error.findings)
            return
        except LiaisonError as error:
            form.show_error(error)
            return
        form.reset()
        ctx.changed()
        ctx.notify("Amendment recorded; the original stays as filed")
        ctx.navigate("Interactions", open_id=interaction_id)

    rows: list[ft.Control] = [
        ft.Text(f"With {names.get(item.hcp_id, 'HCP')} on {ctx.display.datetime_text(item.occurred_at)}"),
        ft.Text(f"Topics: {', '.join(item.topics) or '—'} · Products: {', '.join(item.products) or '—'} · {item.initiation}"),
        ft.Text(item.notes or "No notes."),
    ]
    if plan_titles:
        rows.append(ft.Text("Medical plan: " + "; ".join(code if title == code else f"{code} · {title}" for code, title in plan_titles.items())))
    if tasks:

        def again() -> None:
            ctx.navigate("Interactions", open_id=interaction_id)

        rows.append(section("Follow-ups", *[task_row(ctx, task, names, today, again, leads_back=False) for task in tasks]))
    if item.status == "draft":
        review = ReviewPanel(form, action="submit", on_override=submit)
        rows += [review, ft.FilledButton(content="Submit", on_click=lambda e: submit())]
    else:
        review = ReviewPanel(form, action="amend", button="Record amendment anyway", on_override=amend)
        form.draft.setdefault("notes", item.notes)
        rows += [
            ft.Text("Submitted records are immutable; a change is recorded as an amendment."),
            form.text("notes", "Amended notes", multiline=True, limit=LONG_TEXT),
            form.text("reason", "Reason for the amendment"),
            review,
            ft.OutlinedButton(content="Record amendment", on_click=lambda e: amend()),
        ]
    rows.append(form.banner)
    return ft.Card(ft.Container(section("Interaction", *rows), padding=16))
