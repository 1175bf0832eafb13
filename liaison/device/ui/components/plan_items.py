"""The "Medical plan" choice on a form: the current plan's items as checkboxes, the MSL ticks those the record serves.

Items are offered for the form's therapeutic area when one is set (and every item
when the area matches none, so half a word typed never empties the list). A code
the record already carries that is not on offer (the plan moved on, or another
area's) stays ticked under its code or title: it is kept, never dropped, unless
the MSL unticks it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft

from liaison.core.rules.medical_plan import MedicalPlan, PlanItem
from liaison.device.ui.components.checkbox import WrappingCheckbox
from liaison.device.ui.components.forms import Form

LABEL = "Medical plan"


def offered(plan: MedicalPlan | None, therapeutic_area: str | None) -> list[PlanItem]:
    """The items a form offers for its area: the area's, or all of them when it names none the plan knows."""
    if plan is None:
        return []
    return list(plan.items_for(therapeutic_area) or plan.items) if therapeutic_area else list(plan.items)


class PlanItemsField(ft.Column):
    """The plan's items as ticks kept in `form.draft[name]` (a list of codes)."""

    def __init__(self, form: Form, plan: MedicalPlan | None, therapeutic_area: Callable[[], str | None], name: str = "plan_items") -> None:
        self.form, self.plan, self.name, self._area = form, plan, name, therapeutic_area
        self._shown: tuple[object, ...] | None = None
        super().__init__(spacing=0)
        self.show()

    @property
    def codes(self) -> list[str]:
        return list(self.form.draft.get(self.name) or [])

    def show(self) -> bool:
        """Lay out the offer for the form's area as it stands now (call again when the area changes); whether it changed.

        An unchanged offer is left as it is, so typing in the area field re-lays out nothing until the items change."""
        items = offered(self.plan, self._area())
        chosen = self.codes
        kept = [code for code in chosen if code not in {item.code for item in items}]
        shown = (self.plan.version if self.plan else None, tuple(item.code for item in items), tuple(chosen))
        if shown == self._shown:
            return False
        self._shown = shown
        boxes: Sequence[ft.Control] = [self._box(item.option_text, item.code, item.code in chosen) for item in items] + [
            self._box(self._kept_text(code), code, True) for code in kept
        ]
        heading = ft.Text(f"{LABEL}: {self.plan.title}, version {self.plan.version}" if self.plan else LABEL)
        self.controls = [heading, *boxes] if boxes else []
        self.visible = bool(boxes)
        return True

    def _box(self, label: str, code: str, ticked: bool) -> WrappingCheckbox:
        return WrappingCheckbox(label, ticked, on_change=lambda e: self.toggle(code, bool(e.control.value)))

    def _kept_text(self, code: str) -> str:
        item = self.plan.item(code) if self.plan else None
        return item.option_text if item else f"{code} (not in the current plan)"

    def toggle(self, code: str, on: bool) -> None:
        chosen = [value for value in self.codes if value != code]
        self.form.set(self.name, chosen + [code] if on else chosen)
