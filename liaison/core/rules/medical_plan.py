"""The medical plan: what medical affairs wants the field to pursue, listen for and say, per therapeutic area and product.

Medical affairs publishes it (`liaison-server publish-plan FILE`) as a synced
`medical_plan` record, versioned like the insight taxonomy. Each item carries a
short, stable code ("SI-ONC-1") that MSLs tag visits, interactions and insights
with: a code outlives the version that introduced it, so a superseded plan's
tags still count and still read (as the code) after a newer one drops them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from liaison.core.data import shipped
from liaison.core.errors import LiaisonError
from liaison.core.rules.taxonomy import bundled

EXAMPLE_FILE = shipped("liaison.core.data", "medical_plan", "example_plan.json")
FORMAT = "liaison-medical-plan/1"
CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
CODE_LENGTH = 40
"""Codes are stored in lists on interactions and insights and typed in CLIs: short, upper case, stable."""
TITLE_LENGTH = 200
TEXT_LENGTH = 2_000


class PlanError(LiaisonError):
    """A plan file that breaks a rule; the one line names the item (its code, or its row) and the field."""


class PlanItemKind(StrEnum):
    STRATEGIC_IMPERATIVE = "strategic_imperative"
    LISTENING_PRIORITY = "listening_priority"
    KEY_SCIENTIFIC_STATEMENT = "key_scientific_statement"


KIND_LABELS = {
    PlanItemKind.STRATEGIC_IMPERATIVE: "Strategic imperative",
    PlanItemKind.LISTENING_PRIORITY: "Listening priority",
    PlanItemKind.KEY_SCIENTIFIC_STATEMENT: "Key scientific statement",
}
KIND_PLURALS = {
    PlanItemKind.STRATEGIC_IMPERATIVE: "strategic imperatives",
    PlanItemKind.LISTENING_PRIORITY: "listening priorities",
    PlanItemKind.KEY_SCIENTIFIC_STATEMENT: "key scientific statements",
}
COVERED_KINDS = (PlanItemKind.STRATEGIC_IMPERATIVE, PlanItemKind.LISTENING_PRIORITY)
"""The kinds the manager's dashboard follows coverage of."""


@dataclass(frozen=True)
class PlanItem:
    code: str
    kind: PlanItemKind
    therapeutic_area: str
    products: tuple[str, ...]
    """Empty: the item concerns every product of its area."""
    title: str
    text: str

    @property
    def option_text(self) -> str:
        """How the item reads in a form's list: its code, then its title."""
        return f"{self.code} · {self.title}"

    def concerns(self, therapeutic_area: str | None = None, product: str | None = None) -> bool:
        """Whether the item belongs to an area (as typed: aliases count) and product; an unset one matches any."""
        if therapeutic_area and not same_area(self.therapeutic_area, therapeutic_area):
            return False
        return not (product and self.products and _plain(product) not in {_plain(name) for name in self.products})


@dataclass(frozen=True)
class MedicalPlan:
    version: int
    items: tuple[PlanItem, ...]
    title: str = "Medical plan"

    def item(self, code: str) -> PlanItem | None:
        return next((item for item in self.items if item.code == code), None)

    def items_for(self, therapeutic_area: str | None = None, product: str | None = None) -> tuple[PlanItem, ...]:
        return tuple(item for item in self.items if item.concerns(therapeutic_area, product))

    def title_of(self, code: str) -> str:
        """The item's title; a code this version does not know (superseded, or newer) reads as the code itself."""
        item = self.item(code)
        return item.title if item else code

    def counts(self) -> dict[PlanItemKind, int]:
        return {kind: sum(item.kind == kind for item in self.items) for kind in PlanItemKind}


def same_area(one: str, other: str) -> bool:
    """Two therapeutic areas as typed are the same: equal in plain words, or one taxonomy area by name or alias."""
    if _plain(one) == _plain(other):
        return True
    taxonomy = bundled()
    area = taxonomy.area_of(one)
    return area is not None and area is taxonomy.area_of(other)


def parse(document: Any) -> MedicalPlan:
    """Check a plan document and build it; the first problem is raised as one line naming the item and field."""
    if not isinstance(document, Mapping):
        raise PlanError("plan: must be a JSON object")
    if document.get("format", FORMAT) != FORMAT:
        raise PlanError(f"format: must be {FORMAT!r}")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PlanError("version: must be a whole number of 1 or more")
    title = document.get("title", "Medical plan")
    if not isinstance(title, str) or not title.strip() or len(title) > TITLE_LENGTH:
        raise PlanError(f"title: must be text of 1 to {TITLE_LENGTH} characters")
    raw_items = document.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise PlanError("items: must be a non-empty list of plan items")
    items: list[PlanItem] = []
    seen: set[str] = set()
    for row, raw in enumerate(raw_items, start=1):
        item = _item(raw, row)
        if item.code in seen:
            raise PlanError(f"item {item.code} (row {row}): code: appears twice; codes must be unique across the plan")
        seen.add(item.code)
        items.append(item)
    return MedicalPlan(version=version, items=tuple(items), title=title.strip())


def _item(raw: Any, row: int) -> PlanItem:
    if not isinstance(raw, Mapping):
        raise PlanError(f"item row {row}: must be an object with code, kind, therapeutic_area, title and text")
    code = raw.get("code")
    where = f"item {code} (row {row})" if isinstance(code, str) and code.strip() else f"item row {row}"
    if not isinstance(code, str) or not CODE.match(code) or not 2 <= len(code) <= CODE_LENGTH:
        raise PlanError(f"{where}: code: must be upper-case letters and digits in parts joined by hyphens, such as SI-ONC-1, 2 to {CODE_LENGTH} long")
    kind = raw.get("kind")
    if kind not in set(PlanItemKind):
        raise PlanError(f"{where}: kind: must be one of {', '.join(PlanItemKind)}")
    area = _text(raw.get("therapeutic_area"), where, "therapeutic_area", 80)
    products = raw.get("products", [])
    if not isinstance(products, list) or not all(isinstance(name, str) and name.strip() and len(name) <= 120 for name in products):
        raise PlanError(f"{where}: products: must be a list of product names (each 1 to 120 characters)")
    return PlanItem(
        code=code,
        kind=PlanItemKind(kind),
        therapeutic_area=area,
        products=tuple(dict.fromkeys(name.strip() for name in products)),
        title=_text(raw.get("title"), where, "title", TITLE_LENGTH),
        text=_text(raw.get("text"), where, "text", TEXT_LENGTH),
    )


def _text(value: Any, where: str, field: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise PlanError(f"{where}: {field}: must be text of 1 to {limit:,} characters")
    return " ".join(value.split()) if limit <= TITLE_LENGTH else value.strip()


def _plain(name: str) -> str:
    return " ".join(name.lower().replace("’", "'").replace("-", " ").replace("_", " ").split())


def load(path: Path) -> tuple[MedicalPlan, dict[str, Any]]:
    """A plan file, checked; returns it with the document as read (what gets published)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanError(f"{path}: not valid JSON ({exc})") from None
    return parse(document), document


def readable(document: Mapping[str, Any] | None) -> MedicalPlan | None:
    """A published plan this app can read; None when there is none, or one written for a newer app."""
    if document is None:
        return None
    try:
        return parse(document)
    except PlanError:
        return None


def checked_codes(codes: Iterable[str]) -> list[str]:
    """Plan item codes as a record keeps them: trimmed, each once, in the order given; any code of the right shape is kept
    (a superseded plan's codes stay valid tags)."""
    kept: list[str] = []
    for code in codes:
        code = code.strip()
        if not code:
            continue
        if not CODE.match(code) or len(code) > CODE_LENGTH:
            raise ValueError(f"{code[:20]}: not a plan item code (such as SI-ONC-1)")
        if code not in kept:
            kept.append(code)
    return kept
