"""One follow-up task as Home and the follow-ups list show it: tick it off, see when it is due, go back to where it came from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import flet as ft

from liaison.core.enums import FollowUpStatus
from liaison.core.errors import LiaisonError
from liaison.core.records.models import FollowUpTask
from liaison.device.store import queries
from liaison.device.ui.state import UiContext

OVERDUE = "Overdue"


def task_row(
    ctx: UiContext, task: FollowUpTask, names: Mapping[str, str], today: date, after: Callable[[], None], *, leads_back: bool = True
) -> ft.Control:
    """The task's own checkbox (labelled with its text) over who it is for and when it is due; overdue ones in red.

    With `leads_back`, a button opens the interaction (or inquiry) it came from.
    """
    done = task.status == FollowUpStatus.DONE
    checkbox = ft.Checkbox(label=task.text, value=done, on_change=lambda e: toggle(ctx, task, bool(e.control.value), after))
    overdue = queries.is_overdue(task, today)
    when = f"due {ctx.display.date_text(task.due)}" if task.due else "no due date"
    if done and task.done_at is not None:
        when = f"done {ctx.display.date_text(task.done_at)}"
    line = ft.Text(
        " · ".join([*([OVERDUE] if overdue else []), names.get(task.hcp_id, "HCP"), when]),
        color=ft.Colors.ERROR if overdue else ft.Colors.ON_SURFACE_VARIANT,
        semantics_label=f"{OVERDUE}: {task.text}" if overdue else None,
    )
    actions: list[ft.Control] = []
    source = _source(task) if leads_back else None
    if source is not None:
        screen, tooltip, kwargs = source
        actions.append(ft.IconButton(ft.Icons.OPEN_IN_NEW, tooltip=tooltip, on_click=lambda e: ctx.navigate(screen, **kwargs)))
    marker = [ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.ERROR, tooltip=OVERDUE)] if overdue else []
    return ft.Column(
        [ft.Row([*marker, ft.Container(checkbox, expand=True), *actions]), ft.Container(line, padding=ft.Padding.only(left=40))],
        spacing=0,
    )


def toggle(ctx: UiContext, task: FollowUpTask, done: bool, after: Callable[[], None]) -> None:
    """Tick off (or reopen) through the repository, then let the screen show the task where it now belongs."""
    repository = ctx.unlocked.repository
    try:
        if done:
            repository.complete_follow_up(task.id)
        else:
            repository.reopen_follow_up(task.id)
    except LiaisonError as error:
        ctx.notify(str(error))
        return
    ctx.changed()
    ctx.notify(f"Done: {task.text}" if done else f"Open again: {task.text}")
    after()


def _source(task: FollowUpTask) -> tuple[str, str, dict[str, str]] | None:
    """Where the task came from: the interaction it was promised in, else the inquiry it answers."""
    if task.interaction_id:
        return "Interactions", "Open the interaction", {"open_id": task.interaction_id}
    if task.inquiry_id:
        return "Inquiries", "Open the inquiry", {}
    return None
