"""Library: the approved content available offline; expired items are hidden."""

from __future__ import annotations

import flet as ft

from liaison.device.store import queries
from liaison.device.ui.components.forms import empty
from liaison.device.ui.state import UiContext


def build(ctx: UiContext) -> ft.Control:
    with ctx.unlocked.repository.session() as session:
        items = queries.library(session, ctx.display.today())
    day = ctx.display.date_text
    tiles: list[ft.Control] = [
        ft.ListTile(
            leading=ft.Icon(ft.Icons.DESCRIPTION_OUTLINED),
            title=ft.Text(item.title),
            subtitle=ft.Text(
                f"v{item.version} · {item.approval_code} · {item.therapeutic_area or '—'} · valid until {day(item.expires_on)}\n{item.summary}"
            ),
            is_three_line=True,
        )
        for item in items
    ]
    return ft.ListView(tiles or [empty("No approved content on this device yet; it arrives with sync.")], spacing=4, padding=16, expand=True)
