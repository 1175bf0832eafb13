"""The app's shell: lock screen, responsive navigation, the sync badge on every screen.

`liaison.device.ui.entry.run()` serves it as a desktop window or to a browser, and imports
this module on a thread while the client loads.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any

import flet as ft

from liaison.core.errors import LiaisonError
from liaison.device.config import Settings
from liaison.device.store.store import Store
from liaison.device.sync.status import SyncStatus
from liaison.device.ui import fonts
from liaison.device.ui.components.reminders import TICK_SECONDS, DeadlineWatch, banner
from liaison.device.ui.components.status import SyncBadge
from liaison.device.ui.screens import registry
from liaison.device.ui.screens.lock import LockScreen
from liaison.device.ui.state import THEME_MODES, SyncFactory, UiContext

WIDE = 840
"""Material's breakpoint: a navigation rail from here up, a navigation bar below."""
FAB_CLEARANCE = 88
"""Room under a screen's last control (a 56-px button, its 16-px margin, and some), so it scrolls clear of the floating button."""
MORE = "More"


class LiaisonApp:
    def __init__(
        self, page: ft.Page, settings: Settings, data_dir: Path, *, demo_passphrase: str | None = None, sync_factory: SyncFactory | None = None
    ) -> None:
        self.page = page
        self.demo_passphrase = demo_passphrase
        self.sync_factory = sync_factory
        self.ctx = UiContext.load(
            settings,
            data_dir,
            navigate=self.navigate,
            notify=self.notify,
            lock=self.lock_now,
            page=page,
            show_dialog=page.show_dialog,
            close_dialog=page.pop_dialog,
            remote=bool(page.web),
        )
        self.badge = SyncBadge()
        self.title = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_LARGE)
        self.content = ft.Container(expand=True)
        self.current = "Home"
        self.watch: DeadlineWatch | None = None
        self.warming: threading.Thread | None = None
        """The lock screen's warm-up import (see `_warm_up`), running until the first unlock needs it done."""
        self.shell: ft.Control | None = None
        """The navigation and body on the page now (None while locked); `shell_wide` says which layout it is."""
        self.shell_wide = False
        self.rail: ft.NavigationRail | None = None
        self.bar: ft.NavigationBar | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        page = self.page
        page.title = f"Liaison · {self.ctx.settings.organisation}"
        fonts.register(page, ft.Colors.TEAL)
        page.theme_mode = THEME_MODES[self.ctx.prefs.theme]
        page.padding = 0
        page.on_resize = lambda e: self._relayout()
        page.on_keyboard_event = self._key
        page.on_disconnect = lambda e: self.ctx.end()
        page.on_app_lifecycle_state_change = self._lifecycle
        self.show_lock()
        self.warming = threading.Thread(target=_warm_up, name="warm-up", daemon=True)
        self.warming.start()

    def show_lock(self) -> None:
        page = self.page
        page.navigation_bar = None
        page.floating_action_button = None
        page.appbar = None
        self.shell = None
        lock = LockScreen(self.ctx, self.unlocked, self.demo_passphrase)
        page.controls = [lock.view()]
        page.update()
        page.run_task(lock.offer)  # biometrics and "Forget on this device" appear once the device has answered

    def unlocked(self, store: Store, server_url: str | None = None, code: str | None = None) -> None:
        # An unlock quicker than the warm-up waits for it rather than importing the same modules beside it.
        if self.warming is not None:
            self.warming.join()
        sync = self._sync_for(store)
        self.ctx.begin(store, sync, on_status=self._status_changed, on_idle=self._auto_lock)
        if server_url and code:
            if sync is None:
                self.notify("Sync is turned off for this session; enrol later from Sync.")
            else:
                try:
                    sync.engine.enroll(server_url, code)
                    sync.refresh()
                    sync.sync_now()
                except LiaisonError as error:
                    self.notify(f"Not enrolled: {error}. You can enrol later from Sync.")
        self.navigate("Home")
        self.watch = DeadlineWatch(
            self.ctx, lambda found: self.page.show_dialog(banner(found, lambda event_id: self.navigate("Safety", ae_id=event_id)))
        )
        self.page.run_task(self._watch_deadlines, self.watch)

    async def _watch_deadlines(self, watch: DeadlineWatch) -> None:
        """Once a minute while this unlock lasts: move the countdowns, and say so when a deadline gets louder."""
        while self.watch is watch and self.ctx.store is not None:
            watch.tick()
            self.page.update()
            await asyncio.sleep(TICK_SECONDS)

    def _sync_for(self, store: Store) -> Any | None:
        """The given factory decides (None: offline only); with no factory, the standard background service."""
        if self.sync_factory is not None:
            return self.sync_factory(store)
        from liaison.device.sync.service import SyncService

        return SyncService(store, interval_minutes=self.ctx.settings.sync_interval_minutes)

    def lock_now(self) -> None:
        self.watch = None
        self.ctx.end()
        self.show_lock()

    def _auto_lock(self) -> None:
        """Called from the idle thread: hop onto the page's loop before touching controls."""

        async def back_to_lock() -> None:
            self.lock_now()

        self.page.run_task(back_to_lock)

    def _lifecycle(self, e: ft.AppLifecycleStateChangeEvent) -> None:
        """Back in the foreground (a tablet woken between meetings): sync now, not at the next tick.

        Mobile systems suspend a backgrounded app, so this is where a tablet catches up.
        """
        if e.state in (ft.AppLifecycleState.RESUME, ft.AppLifecycleState.SHOW) and self.ctx.sync is not None:
            self.ctx.sync.sync_now()

    def _key(self, e: ft.KeyboardEvent) -> None:
        """Any key postpones auto-lock; Alt+L opens "Log interaction" from anywhere."""
        self.ctx.touch()
        if e.alt and e.key.upper() == "L" and self.ctx.store is not None:
            self.navigate("Log interaction")

    # --- navigation --------------------------------------------------------------

    def navigate(self, name: str, **kwargs: Any) -> None:
        """Build the screen afresh from the store and the drafts; going somewhere counts as activity."""
        self.ctx.touch()
        if self.ctx.store is None:
            return
        self.current = name
        self.title.value = name
        self._rebuild_content(**kwargs)
        self._relayout()

    def _rebuild_content(self, **kwargs: Any) -> None:
        """Only the screen's body: the navigation (and any menu open on it) stays as it is."""
        self.ctx.live_status = None
        self.ctx.live_deadlines = []
        try:
            self.content.content = registry.build(self.current, self.ctx, **kwargs)
        except LiaisonError as error:
            self.content.content = ft.Text(str(error), color=ft.Colors.ERROR)

    def _relayout(self) -> None:
        """Point the navigation at the current screen; build the shell only when there is none or the layout changes.

        Navigating changes the title, the selected destination and the body; sending
        a new rail, bar and button with every visit would make the browser rebuild them all.
        """
        page = self.page
        if self.ctx.store is None:
            return
        wide = (page.width or WIDE) >= WIDE
        if self.shell is None or self.shell_wide != wide:
            self._build_shell(wide)
        if wide:
            names = registry.DESTINATIONS
            self.rail.selected_index = names.index(self.current) if self.current in names else None  # type: ignore[union-attr]
        else:
            self.bar.selected_index = bar_index(self.current)  # type: ignore[union-attr]
        _clear_of_fab(self.content.content)
        self._show_badge()
        page.update()

    def _build_shell(self, wide: bool) -> None:
        """The navigation for this width (a rail from WIDE up, a bar with "More" below), around the screen's body."""
        page = self.page
        top = ft.Container(
            ft.Row([self.title, ft.Row([self.badge], tight=True)], alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
            padding=ft.Padding.symmetric(horizontal=16, vertical=8),
        )
        page.floating_action_button = _log_button(wide, lambda e: self.navigate("Log interaction"))
        body = ft.Column([top, self.content], expand=True, spacing=0)
        if wide:
            page.navigation_bar = None
            names = registry.DESTINATIONS
            self.rail = ft.NavigationRail(
                label_type=ft.NavigationRailLabelType.ALL,
                scrollable=True,
                destinations=[ft.NavigationRailDestination(icon=registry.ICONS[name], label=name) for name in names],
                on_change=lambda e: self.navigate(names[e.control.selected_index]),
            )
            self.shell = ft.Row([self.rail, ft.VerticalDivider(width=1), body], expand=True, spacing=0)
        else:
            self.bar = ft.NavigationBar(
                destinations=[
                    *(ft.NavigationBarDestination(icon=registry.ICONS[name], label=name) for name in registry.NARROW),
                    ft.NavigationBarDestination(icon=ft.Icons.MORE_HORIZ, label=MORE),
                ],
                on_change=lambda e: self._bar_chosen(e.control.selected_index),
            )
            page.navigation_bar = self.bar
            self.shell = body
        self.shell_wide = wide
        page.controls = [self.shell]

    def _bar_chosen(self, index: int) -> None:
        """A bar destination opens; "More" offers the rest in a sheet, and the bar keeps showing where the MSL is until one is chosen."""
        if index < len(registry.NARROW):
            self.navigate(registry.NARROW[index])
            return
        self.bar.selected_index = bar_index(self.current)  # type: ignore[union-attr]

        def chosen(name: str) -> None:
            self.page.pop_dialog()
            self.navigate(name)

        self.page.show_dialog(
            ft.BottomSheet(
                ft.Container(
                    ft.Column(
                        [
                            ft.ListTile(leading=ft.Icon(registry.ICONS[name]), title=ft.Text(name), on_click=lambda e, name=name: chosen(name))
                            for name in more_destinations()
                        ],
                        tight=True,
                        scroll=ft.ScrollMode.AUTO,
                    ),
                    padding=ft.Padding.symmetric(vertical=8),
                ),
            )
        )

    # --- status ------------------------------------------------------------------

    def _status_changed(self, status: SyncStatus) -> None:
        """Called from the sync thread: hop onto the page's loop before touching controls."""

        async def apply() -> None:
            if status.revoked:
                self.ctx.forget_drafts()
                self.ctx.store = None
                self.lock_now()
                self.notify(status.error or "This device was revoked.")
                return
            if self.ctx.store is None:
                return
            self._show_badge()
            if self.ctx.live_status is not None:
                self.ctx.live_status.show(*self.ctx.sync_status())
            if self.current == "Sync":
                self._rebuild_content()
            self.page.update()

        with contextlib.suppress(RuntimeError, AttributeError):
            self.page.run_task(apply)

    def _show_badge(self) -> None:
        status, enrolled = self.ctx.sync_status()
        self.badge.show(status, enrolled)

    def notify(self, message: str) -> None:
        self.page.show_dialog(ft.SnackBar(ft.Text(message)))


def more_destinations() -> list[str]:
    """What a narrow window reaches through "More": every destination not on the bar."""
    return [name for name in registry.DESTINATIONS if name not in registry.NARROW]


def bar_index(current: str) -> int:
    """The bar item to highlight: the screen's own, "More" for a screen reached through it, Home for the rest (Log interaction)."""
    if current in registry.NARROW:
        return registry.NARROW.index(current)
    return len(registry.NARROW) if current in more_destinations() else 0


def _log_button(wide: bool, on_click: Any) -> ft.FloatingActionButton:
    """Extended ("Log interaction" in words) where there is room; on a phone a round button, with the same name for screen readers."""
    if wide:
        return ft.FloatingActionButton(icon=ft.Icons.EDIT_NOTE, content="Log interaction", tooltip="Log interaction", on_click=on_click)
    return ft.FloatingActionButton(
        content=ft.Icon(ft.Icons.EDIT_NOTE, semantics_label="Log interaction"), tooltip="Log interaction", on_click=on_click
    )


def _clear_of_fab(body: ft.Control | None) -> None:
    """A scrolling screen gets room under its last control, so "Submit" and "Report adverse event" scroll clear of the floating button."""
    if isinstance(body, ft.ListView):
        padding = body.padding if isinstance(body.padding, ft.Padding) else ft.Padding.all(float(body.padding or 0))
        body.padding = ft.Padding(left=padding.left, top=padding.top, right=padding.right, bottom=max(padding.bottom, FAB_CLEARANCE))


def _warm_up() -> None:
    """What the first unlock needs (the sync client, the screens), imported while the MSL types the passphrase."""
    import liaison.device.sync.service  # noqa: F401

    registry.warm_up()
