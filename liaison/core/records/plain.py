"""Input problems in the MSL's words: every failing field at once, each as "<Field label>: <plain sentence>".

Pydantic says "String should have at least 1 character" about `notes`; the MSL
reads "Notes: please write something". `problems` turns every error of one
validation into a `ValidationError` carrying the field (so a form shows it
beside its input), its label and the sentence; the UI and the CLIs show them
all together, one line each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic
from pydantic_core import ErrorDetails
from sqlmodel import SQLModel

from liaison.core.errors import ValidationError, ValidationErrors
from liaison.core.records.kinds import KINDS

LABELS: dict[str, str] = {
    "hcp_id": "HCP",
    "pi_hcp_id": "Principal investigator",
    "reporter_hcp_id": "Reporting HCP",
    "occurred_at": "Date and time",
    "received_at": "Received at",
    "aware_at": "Became aware at",
    "starts_at": "Starts at",
    "captured_at": "Captured at",
    "follow_ups": "Follow-up",
    "follow_ups.text": "Follow-up",
    "follow_ups.due": "Follow-up due",
    "products": "Products discussed",
    "inquiry_id": "Medical inquiry answered",
    "kol_tier": "KOL tier",
    "npi": "NPI",
    "email": "E-mail",
    "enrolment_actual": "Enrolled",
    "enrolment_target": "Enrolment target",
    "issues": "Issue log",
    "issues.text": "Issue",
    "reporter_contact": "Reporter's contact",
    "case_reference": "Case reference",
    "attendee_ids": "Attendees",
    "expires_on": "Expires on",
    "plan_items": "Medical plan",
    "hcp_ids": "HCPs",
    "duration_minutes": "Duration (minutes)",
    "cancel_reason": "Reason for cancelling",
    "planned_visit_id": "Planned visit",
}
"""Labels that are not the field's name in plain case, as the forms show them."""

KIND_LABELS: dict[tuple[str, str], str] = {
    ("insight", "text"): "Insight",
    ("medical_inquiry", "question"): "Question",
    ("adverse_event", "description"): "Event description",
    ("amendment", "reason"): "Reason for the amendment",
    ("hcp_erasure", "reason"): "Reason",
}
"""Labels that depend on the kind: an insight's `text` is "Insight"."""

DATE_EXAMPLE = "2026-12-31"
TIME_EXAMPLE = "2026-12-31 14:30"


def label_for(model: type[SQLModel] | None, field: str) -> str:
    """The words a form shows for a field: its label where the form has one ("follow_ups.0.due" → "Follow-up due"),
    else its name with the row counted from 1, so a list entry is named ("affiliations.0.institution" → "Affiliations 1, institution")."""
    parts = field.split(".")
    path = ".".join(part for part in parts if not part.isdigit())
    table = _table_of(model)
    found = KIND_LABELS.get((table, path)) or LABELS.get(path)
    if found:
        return found
    words: list[str] = []
    for part in parts:
        if part.isdigit() and words:
            words[-1] += f" {int(part) + 1}"
        elif not part.isdigit():
            words.append(part.replace("_", " ").strip())
    return ", ".join(word for word in words if word).capitalize() or "Input"


def sentence(error: ErrorDetails) -> str:
    """What is wrong with one value, as a plain sentence saying what to do."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "please fill this in"
    if kind == "string_too_short":
        least = int(context.get("min_length", 1))
        return "please write something" if least <= 1 else f"write at least {least} characters"
    if kind == "string_too_long":
        return f"keep it to {int(context.get('max_length', 0)):,} characters or fewer (this has {len(str(error.get('input', ''))):,})"
    if kind == "too_short":
        return "please add at least one" if int(context.get("min_length", 1)) <= 1 else f"add at least {context.get('min_length')}"
    if kind == "too_long":
        return f"keep it to {context.get('max_length')} or fewer"
    if kind.startswith("date") and not kind.startswith("datetime"):
        return f"use a date like {DATE_EXAMPLE}"
    if kind.startswith(("datetime", "timezone")):
        return f"use a date and time like {TIME_EXAMPLE}"
    if kind in {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"}:
        return "use a whole number, like 12"
    if kind == "greater_than_equal":
        return "cannot be negative" if context.get("ge") == 0 else f"must be {context.get('ge')} or more"
    if kind == "less_than_equal":
        return f"must be {context.get('le')} or less"
    if kind in {"bool_parsing", "bool_type"}:
        return "choose yes or no"
    if kind == "enum":
        return f"choose one of {str(context.get('expected', 'the options offered')).replace(chr(39), '')}"
    if kind in {"value_error", "assertion_error"}:
        return _lower_first(str(context.get("error", error["msg"])))
    if kind == "extra_forbidden":
        return "is not a field of this record"
    return _lower_first(str(error["msg"]).removeprefix("Value error, "))


def problems(exc: pydantic.ValidationError, model: type[SQLModel] | None = None) -> list[ValidationError]:
    """Every problem pydantic found, in plain words, in the order of the fields."""
    found = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "input"
        found.append(ValidationError(field, sentence(error), label=label_for(model, field)))
    return found


def refusal(exc: pydantic.ValidationError, model: type[SQLModel] | None = None) -> ValidationError:
    """The error to raise for a failed validation: its one problem, or all of them together."""
    return ValidationErrors.of(problems(exc, model))


def check(model: type[SQLModel], values: Mapping[str, Any]) -> list[ValidationError]:
    """The problems a Create model finds in these values, without raising: a form adds its own and shows them all."""
    try:
        model.model_validate(dict(values))
    except pydantic.ValidationError as exc:
        return problems(exc, model)
    return []


def _table_of(model: type[SQLModel] | None) -> str:
    """The kind's table, for a table model or its Create model alike."""
    for kind in KINDS:
        if model is kind.model or model is kind.create:
            return kind.table
    return ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else "is not valid"
