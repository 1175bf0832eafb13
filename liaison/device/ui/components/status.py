"""The sync badge every screen shows: online or offline, how many changes wait to be sent, conflicts to review and refusals to act on."""

from __future__ import annotations

import flet as ft

from liaison.device.locale import Display
from liaison.device.sync.status import SyncStatus


def describe(status: SyncStatus, enrolled: bool) -> str:
    if not enrolled:
        state = "Offline only"
    elif status.running:
        state = "Syncing"
    else:
        state = "Online" if status.online else "Offline"
    conflicts = f" · {status.conflicts} conflict{'s' if status.conflicts != 1 else ''} to review" if status.conflicts else ""
    attention = f" · {status.attention} need{'s' if status.attention == 1 else ''} your attention" if status.attention else ""
    return f"{state} · {status.pending} pending{conflicts}{attention}"


class SyncBadge(ft.Container):
    """A chip-like label; its text is also its semantics label, so tests and screen readers read it."""

    def __init__(self) -> None:
        self.icon = ft.Icon(ft.Icons.CLOUD_OFF, size=18)
        self.label = ft.Text("Offline only · 0 pending")
        super().__init__(
            content=ft.Row([self.icon, self.label], spacing=6, tight=True),
            padding=ft.Padding.symmetric(horizontal=12, vertical=6),
            border_radius=16,
            bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
        )

    def show(self, status: SyncStatus, enrolled: bool) -> None:
        self.label.value = describe(status, enrolled)
        online = enrolled and status.online
        self.icon.icon = ft.Icons.CLOUD_SYNC if status.running else ft.Icons.CLOUD_DONE if online else ft.Icons.CLOUD_OFF
        self.icon.color = ft.Colors.PRIMARY if online else ft.Colors.ON_SURFACE_VARIANT


class SyncSummary(ft.Column):
    """Home's sync card body: the state, pending count and last success, refreshed as sync reports."""

    def __init__(self, status: SyncStatus, enrolled: bool, display: Display | None = None) -> None:
        self.display = display or Display()
        self.state = ft.Text("")
        self.last = ft.Text("")
        super().__init__([self.state, self.last], spacing=4)
        self.show(status, enrolled)

    def show(self, status: SyncStatus, enrolled: bool) -> None:
        self.state.value = describe(status, enrolled)
        last = status.last_success
        self.last.value = f"Last sync: {self.display.datetime_text(last)}" if last else "Last sync: never"
