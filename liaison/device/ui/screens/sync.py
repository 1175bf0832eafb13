"""Sync: online or offline, pending changes, a running sync's progress, history, refused changes and conflicts to settle."""

from __future__ import annotations

import threading

import flet as ft

from liaison.core.clock import Stamp
from liaison.core.errors import LiaisonError
from liaison.device.store import queries
from liaison.device.store.models import Conflict
from liaison.device.ui.components.forms import Form, empty, section
from liaison.device.ui.components.refusal import RefusalCard
from liaison.device.ui.components.status import describe
from liaison.device.ui.state import UiContext


class SyncScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("enrol", keep=False), on_input=ctx.touch)

    def view(self) -> ft.Control:
        sync = self.ctx.sync
        with self.ctx.unlocked.repository.session() as session:
            pending = queries.pending_changes(session)
            conflicts = queries.open_conflicts(session)
        status = sync.status if sync is not None else None
        rows: list[ft.Control] = []
        if sync is None:
            rows.append(
                section(
                    "Offline only",
                    ft.Text(f"Sync is turned off for this session; {pending} changes wait in the outbox and are sent once sync runs."),
                )
            )
        elif not sync.enrolled:
            self.form.draft.setdefault("server_url", self.ctx.settings.server_url)
            rows.append(
                section(
                    "Connect to your company's server",
                    ft.Text(f"This device works offline only; {pending} changes are waiting to be sent."),
                    self.form.text("server_url", "Server URL"),
                    self.form.text("code", "Enrolment code"),
                    self.form.banner,
                    ft.FilledButton(content="Enrol", on_click=lambda e: self.enrol()),
                )
            )
        else:
            assert status is not None
            rows += [
                ft.Text(describe(status, True), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                ft.ProgressBar(value=status.progress, visible=status.running, semantics_label="Sync progress"),
                ft.Text(f"Last success: {self.ctx.display.datetime_text(status.last_success)}" if status.last_success else "Last success: never"),
                ft.Text(status.error or "", color=ft.Colors.ERROR, visible=bool(status.error)),
                ft.FilledButton(content="Sync now", icon=ft.Icons.SYNC, on_click=lambda e: self._sync_now()),
                section("History", *[ft.Text(line) for line in status.history] or [empty("No sync yet.")]),
            ]
        refused = self.ctx.unlocked.repository.refused()
        with self.ctx.unlocked.repository.session() as session:
            subjects = {conflict.id: queries.conflict_subject(session, conflict) for conflict in conflicts}
            named = {refusal.change_id: queries.record_subject(session, refusal.table, refusal.record_id) for refusal in refused}
        refusals: list[ft.Control] = [RefusalCard(self.ctx, refusal, named[refusal.change_id]) for refusal in refused]
        rows.append(section("Needs your attention", *refusals or [empty("Nothing refused by the server.")]))
        cards: list[ft.Control] = [self._conflict(conflict, subjects[conflict.id]) for conflict in conflicts]
        rows.append(section("Conflicts to review", *cards or [empty("No conflicts.")]))
        return ft.ListView(rows, spacing=12, padding=16, expand=True)

    def _conflict(self, conflict: Conflict, subject: str) -> ft.Control:
        mine_lost = Stamp.decode(conflict.lost_stamp).device == self.ctx.unlocked.device_id
        mine, theirs = (conflict.lost_value, conflict.kept_value) if mine_lost else (conflict.kept_value, conflict.lost_value)

        def keep(choice: str) -> None:
            try:
                self.ctx.unlocked.repository.resolve_conflict(conflict.id, choice)
            except LiaisonError as error:
                self.ctx.notify(str(error))
                return
            self.ctx.changed()
            self.ctx.notify("Conflict resolved; your choice will sync")
            self.ctx.navigate("Sync")

        return ft.Card(
            ft.Container(
                ft.Column(
                    [
                        ft.Text(f"{subject} · {conflict.field.replace('_', ' ')}", weight=ft.FontWeight.BOLD),
                        ft.Row(
                            [
                                ft.Column([ft.Text("Mine"), ft.Text(str(mine))], expand=True),
                                ft.Column([ft.Text("Theirs"), ft.Text(str(theirs))], expand=True),
                            ]
                        ),
                        ft.Row(
                            [
                                ft.OutlinedButton(content="Keep mine", on_click=lambda e: keep("mine")),
                                ft.OutlinedButton(content="Keep theirs", on_click=lambda e: keep("theirs")),
                            ]
                        ),
                    ]
                ),
                padding=12,
            )
        )

    def _sync_now(self) -> None:
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
            self.ctx.notify("Syncing in the background")

    def enrol(self) -> None:
        sync = self.ctx.sync
        if sync is None:
            return
        try:
            sync.engine.enroll(self.form.value("server_url", ""), self.form.value("code", ""))
        except LiaisonError as error:
            self.form.show_error(error)
            return
        self.form.reset()
        threading.Thread(target=sync.refresh, daemon=True).start()
        sync.sync_now()
        self.ctx.notify("Enrolled; syncing now")
        self.ctx.navigate("Sync")
