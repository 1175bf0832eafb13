"""Choosing an HCP by typing part of a name, without ever guessing between two.

Enter picks an HCP only when the choice is not in doubt: exactly one HCP
matches, or the text typed is one HCP's full name. Otherwise the matches stay
on screen with what tells them apart (specialty, institution, city) and the
MSL is asked to choose; two "Dr Maria …" are never settled by name order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft

from liaison.core.errors import NotFound
from liaison.core.records.models import Hcp
from liaison.device.store.repository import Repository
from liaison.device.ui.components.forms import MatchList

HINT = "Type part of a name, then choose the HCP (Enter picks it when only one matches)"


def details(hcp: Hcp) -> str:
    """What tells two HCPs of the same name apart."""
    return " · ".join(part for part in (hcp.specialty, hcp.institution, hcp.city) if part)


def identity(hcp: Hcp) -> str:
    """The chosen HCP as the MSL should recognise them: name and institution."""
    return f"{hcp.name}, {hcp.institution}" if hcp.institution else hcp.name


def chosen(repository: Repository, hcp_id: str) -> Hcp | None:
    """The HCP a draft names, if it is still there to show."""
    try:
        return repository.get(Hcp, hcp_id)
    except NotFound:
        return None


def the_one(typed: str, found: Sequence[Hcp]) -> Hcp | None:
    """The HCP Enter may pick without asking: the only match, or the only one whose full name was typed."""
    wanted = _folded(typed)
    exact = [hcp for hcp in found if _folded(hcp.name) == wanted]
    if len(exact) == 1:
        return exact[0]
    return found[0] if len(found) == 1 else None


class HcpMatches(MatchList):
    """The HCPs matching what was typed, each told apart, with a question when Enter could not decide."""

    def __init__(self, on_pick: Callable[[Hcp], None], action: str = "choose one") -> None:
        super().__init__()
        self.on_pick = on_pick
        self.action = action

    def show(self, found: Sequence[Hcp]) -> None:
        self.controls = [self._tile(hcp) for hcp in found]

    def ask(self, typed: str, found: Sequence[Hcp]) -> None:
        """After Enter with no single answer: say why nothing was picked, above the matches."""
        if found:
            question = f"{len(found)} HCPs match “{typed}”: {self.action}" if len(found) > 1 else f"One HCP matches “{typed}”"
        else:
            question = f"No HCP matches “{typed}”"
        prompt = ft.Text(question, color=ft.Colors.PRIMARY, weight=ft.FontWeight.W_500)
        self.controls = [prompt, *(self._tile(hcp) for hcp in found)]

    def clear(self) -> None:
        self.controls = []

    def _tile(self, hcp: Hcp) -> ft.ListTile:
        return ft.ListTile(
            title=ft.Text(hcp.name),
            subtitle=ft.Text(details(hcp) or "No specialty or institution recorded"),
            dense=True,
            on_click=lambda e, hcp=hcp: self.on_pick(hcp),
        )


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()
