"""Follow-ups: every promise made to an HCP as a task, overdue first, with its due date to move and the way back to its interaction."""

from __future__ import annotations

from datetime import date, datetime

import flet as ft

from liaison.core.errors import LiaisonError
from liaison.core.records.models import FollowUpTask
from liaison.device.store import queries
from liaison.device.ui.components.follow_up import task_row
from liaison.device.ui.components.forms import empty, section
from liaison.device.ui.components.when import picked_day
from liaison.device.ui.state import UiContext

SCREEN = "Follow-ups"
RECENTLY_DONE = 20


def build(ctx: UiContext) -> ft.Control:
    repository = ctx.unlocked.repository
    today = ctx.display.today()
    with repository.session() as session:
        open_tasks = queries.follow_ups(session)
        done = queries.done_follow_ups(session, limit=RECENTLY_DONE)
        names = queries.hcp_names(session, [task.hcp_id for task in [*open_tasks, *done]])

    def again() -> None:
        ctx.navigate(SCREEN)

    def rows(tasks: list[FollowUpTask]) -> list[ft.Control]:
        return [ft.Row([ft.Container(task_row(ctx, task, names, today, again), expand=True), _due_button(ctx, task)]) for task in tasks]

    overdue = [task for task in open_tasks if queries.is_overdue(task, today)]
    upcoming = [task for task in open_tasks if not queries.is_overdue(task, today)]
    return ft.ListView(
        [
            section("Overdue", *rows(overdue) or [empty("Nothing overdue.")]),
            section("Open", *rows(upcoming) or [empty("No open follow-ups.")]),
            section("Done recently", *rows(done) or [empty("None ticked off yet.")]),
        ],
        spacing=16,
        padding=16,
        expand=True,
    )


def _due_button(ctx: UiContext, task: FollowUpTask) -> ft.Control:
    """A date picker for the task's due date; the choice is written at once."""
    picker = ft.DatePicker(value=task.due, help_text=f"Due date: {task.text}", on_change=lambda e: reschedule(ctx, task, e.control.value))
    return ft.IconButton(ft.Icons.EDIT_CALENDAR, tooltip=f"Change the due date of {task.text}", on_click=lambda e: ctx.show_dialog(picker))


def reschedule(ctx: UiContext, task: FollowUpTask, chosen: date | datetime | None) -> None:
    """The picked day, read where the MSL is (a picker may hand back midnight in UTC), written through the repository."""
    if isinstance(chosen, datetime):
        chosen = picked_day(ctx.display, chosen)
    try:
        moved = ctx.unlocked.repository.reschedule_follow_up(task.id, chosen)
    except LiaisonError as error:
        ctx.notify(str(error))
        return
    ctx.changed()
    ctx.notify(f"Now due {ctx.display.date_text(moved.due)}: {task.text}" if moved.due else f"No due date: {task.text}")
    ctx.navigate(SCREEN)
