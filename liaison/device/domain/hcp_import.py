"""The territory hand-off: HCPs from a CSV file, all or nothing.

Every bad row is listed (with its line in the file) before anything is written,
so an MSL fixes the file once and re-runs it. HCPs already in the directory
(same NPI) are refused rather than duplicated.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from liaison.core.errors import LiaisonError
from liaison.core.records.models import Hcp
from liaison.device.store.repository import BatchValidationError, Repository

COLUMNS: dict[str, str] = {
    "name": "name",
    "specialty": "specialty",
    "institution": "institution",
    "city": "city",
    "country": "country",
    "territory": "territory",
    "kol_tier": "kol_tier",
    "tier": "kol_tier",
    "therapeutic_areas": "therapeutic_areas",
    "npi": "npi",
    "email": "email",
    "phone": "phone",
    "other_emails": "other_emails",
    "other_phones": "other_phones",
    "specialties": "specialties",
    "address": "address",
    "contact_consent": "contact_consent",
    "notes": "notes",
}
"""CSV header (case-insensitive) → Hcp field. Lists are separated by ';'."""

LIST_SEPARATOR = ";"
LISTS = frozenset({"therapeutic_areas", "other_emails", "other_phones", "specialties"})


class HcpImportError(LiaisonError):
    """The file cannot be imported; the message lists every problem, one per line."""


@dataclass(frozen=True)
class ImportResult:
    ids: list[str]


def import_hcps(repository: Repository, path: Path) -> ImportResult:
    rows, lines = _read(path)
    problems = _duplicates(repository, rows, lines)
    if problems:
        raise HcpImportError(_summary(path, problems))
    try:
        ids = repository.create_many(Hcp, rows, action="import")
    except BatchValidationError as exc:
        raise HcpImportError(_summary(path, [(lines[row - 1], str(error)) for row, error in exc.errors])) from None
    return ImportResult(ids=ids)


def _read(path: Path) -> tuple[list[dict[str, Any]], list[int]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise HcpImportError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise HcpImportError(f"{path}: not UTF-8 text; save the sheet as 'CSV UTF-8'") from None
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        raise HcpImportError(f"{path}: the file is empty; expected a header row starting with 'name'") from None
    except csv.Error as exc:
        raise HcpImportError(f"{path}: line 1: {exc}") from None
    fields = _header(path, header)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    problems: list[tuple[int, str]] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((reader.line_num, f"not valid CSV ({exc})"))
            break
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(fields):
            problems.append((reader.line_num, f"has {len(values)} values but the header has {len(fields)} columns"))
            continue
        rows.append(_row(fields, values))
        lines.append(reader.line_num)
    if problems:
        raise HcpImportError(_summary(path, problems))
    if not rows:
        raise HcpImportError(f"{path}: no HCP rows under the header")
    return rows, lines


def _header(path: Path, header: list[str]) -> list[str]:
    fields: list[str] = []
    for number, column in enumerate(header, start=1):
        key = column.strip().lower().replace(" ", "_")
        if key not in COLUMNS:
            known = ", ".join(sorted(set(COLUMNS) - {"tier"}))
            raise HcpImportError(f"{path}: column {number} {column!r} is not an HCP field (known: {known})")
        if COLUMNS[key] in fields:
            raise HcpImportError(f"{path}: column {column!r} appears twice")
        fields.append(COLUMNS[key])
    if "name" not in fields:
        raise HcpImportError(f"{path}: the header has no 'name' column")
    return fields


def _row(fields: list[str], values: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, raw in zip(fields, values, strict=True):
        value = raw.strip()
        if name in LISTS:
            row[name] = [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
        elif value:
            row[name] = value
    return row


def _duplicates(repository: Repository, rows: list[dict[str, Any]], lines: list[int]) -> list[tuple[int, str]]:
    wanted = [row.get("npi") for row in rows]
    npis = [npi for npi in wanted if npi]
    with repository.session() as session:
        known = set(session.exec(select(Hcp.npi).where(col(Hcp.npi).in_(npis), col(Hcp.deleted).is_(False))).all()) if npis else set()
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for line, npi in zip(lines, wanted, strict=True):
        if not npi:
            continue
        if npi in known:
            problems.append((line, f"npi: {npi} is already in the directory"))
        elif npi in seen:
            problems.append((line, f"npi: {npi} repeats line {seen[npi]}"))
        else:
            seen[npi] = line
    return problems


def _summary(path: Path, problems: Iterable[tuple[int, str]]) -> str:
    problems = sorted(problems)
    lines = [f"{path}: {len({line for line, _ in problems})} bad row(s); nothing was imported"]
    lines += [f"  line {line}: {message}" for line, message in problems]
    return "\n".join(lines)
