"""Drive built Flet screens without a browser: find controls by label, fire their real handlers.

Screens are plain control trees until a page mounts them, so a test can set a
field's value and call the handler wired to it exactly as Flet would on an event.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import flet as ft

from liaison.device.config import Settings
from liaison.device.store.store import Store
from liaison.device.ui.components.forms import CheckField
from liaison.device.ui.state import UiContext


def walk(root: Any) -> Iterator[ft.BaseControl]:
    """Every control under root (itself included), depth first, in the order they are shown."""
    seen: set[int] = set()
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
            continue
        if not isinstance(item, ft.BaseControl) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        children = [getattr(item, spec.name, None) for spec in dataclasses.fields(item) if not spec.name.startswith("_") and spec.name != "parent"]
        stack.extend(reversed([child for child in children if isinstance(child, (ft.BaseControl, list, tuple))]))


def texts(root: Any) -> list[str]:
    """What a person reads: every Text value and every string content."""
    found = []
    for control in walk(root):
        if isinstance(control, ft.Text) and control.value:
            found.append(str(control.value))
        elif isinstance(getattr(control, "content", None), str):
            found.append(control.content)  # type: ignore[attr-defined]
    return found


def shows(root: Any, text: str) -> bool:
    return any(text in line for line in texts(root))


def labelled(root: Any, label: str) -> Any:
    """The one field (TextField, Dropdown, Checkbox, Switch) with this label (a wrapping checkbox's is its semantics label)."""
    matches = [control for control in walk(root) if label in (getattr(control, "label", None), _checkbox_label(control))]
    assert len(matches) == 1, f"{len(matches)} controls labelled {label!r}"
    return matches[0]


def _checkbox_label(control: Any) -> str | None:
    return control.semantics_label if isinstance(control, ft.Checkbox) and not control.label else None


def button(root: Any, text: str) -> Any:
    matches = [
        control
        for control in walk(root)
        if getattr(control, "on_click", None) and (getattr(control, "content", None) == text or getattr(control, "tooltip", None) == text)
    ]
    assert len(matches) == 1, f"{len(matches)} buttons named {text!r}"
    return matches[0]


def tile(root: Any, title: str) -> ft.ListTile:
    matches = [
        control for control in walk(root) if isinstance(control, ft.ListTile) and isinstance(control.title, ft.Text) and control.title.value == title
    ]
    assert matches, f"no list entry titled {title!r}"
    return matches[0]


def fire(control: Any, handler: str, **event: Any) -> Any:
    """Call the handler as Flet would; async handlers run to completion."""
    callback: Callable[..., Any] | None = getattr(control, handler)
    assert callback is not None, f"{control!r} has no {handler}"
    name = handler.removeprefix("on_")
    if event:
        event_type = {"pan_start": ft.DragStartEvent, "pan_update": ft.DragUpdateEvent}[name]
        result = callback(event_type(name=name, control=control, **event))
    else:
        result = callback(ft.Event(name=name, control=control))
    if inspect.isawaitable(result):
        result = _run(_await(result))
    return result


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _run(coroutine: Any) -> Any:
    """asyncio.run, or on a fresh thread when this one already has a loop (Playwright's sync API leaves one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def type_in(root: Any, label: str, text: str) -> Any:
    control = labelled(root, label)
    control.value = text
    if control.on_change:
        fire(control, "on_change")
    return control


def choose(root: Any, label: str, key: str) -> Any:
    control = labelled(root, label)
    control.value = key
    fire(control, "on_select")
    return control


def tick(root: Any, label: str, value: bool = True) -> Any:
    control = labelled(root, label)
    control.value = value
    fire(control, "on_change")
    return control


def press_enter(root: Any, label: str) -> Any:
    return fire(labelled(root, label), "on_submit")


def click(root: Any, text: str) -> Any:
    return fire(button(root, text), "on_click")


def error_of(root: Any, label: str) -> str | None:
    """The message shown beside a field, if any."""
    control = labelled(root, label)
    if isinstance(control, ft.Dropdown):
        return control.error_text
    if isinstance(control, ft.Checkbox):
        [field] = [item for item in walk(root) if isinstance(item, CheckField) and item.checkbox is control]
        return field.message.value or None
    error = control.error
    return error if isinstance(error, str) or error is None else str(error)


@dataclass
class Session:
    """A UiContext over a real store, recording where the screens sent the MSL and what they said."""

    ctx: UiContext
    visits: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    dialogs: list[Any] = field(default_factory=list)
    """Dialogs open over the screen, the top one last."""

    @classmethod
    def over(cls, store: Store | None, data_dir: Any, settings: Settings | None = None) -> Session:
        session = cls(UiContext(settings=settings or Settings(), data_dir=data_dir, store=store))
        session.ctx.navigate = lambda name, **kwargs: session.visits.append((name, kwargs))
        session.ctx.notify = session.notices.append
        session.ctx.show_dialog = session.dialogs.append
        session.ctx.close_dialog = lambda: session.dialogs.pop() if session.dialogs else None
        return session

    @property
    def last_visit(self) -> tuple[str, dict[str, Any]]:
        assert self.visits, "the screen did not navigate"
        return self.visits[-1]

    def screen(self, name: str, **kwargs: Any) -> ft.Control:
        from liaison.device.ui.screens import registry

        return registry.build(name, self.ctx, **kwargs)

    def follow(self) -> ft.Control:
        """Build the screen the last handler navigated to."""
        name, kwargs = self.last_visit
        return self.screen(name, **kwargs)
