"""The non-promotional guard: finds promotional or off-label-promotional phrasing in what an MSL writes.

The rules are data (`liaison/core/data/compliance/promotional_rules.toml`) so compliance can
maintain them without code; this module only loads, checks and applies them.
It is pure and offline: a check is a handful of compiled regular expressions
run over a string, fast enough to run on every keystroke-sized edit.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from liaison.core.data import shipped
from liaison.core.errors import RulesFileError

RULES_FILE = shipped("liaison.core.data", "compliance", "promotional_rules.toml")

_FIELDS = {"id", "category", "pattern", "unless", "reason", "suggestion"}
_REQUIRED = ("id", "category", "pattern", "reason", "suggestion")
_CATEGORY = re.compile(r"[a-z][a-z_]*")
_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z\s])|\n+")
"""A sentence ends at . ! or ? before a space and something that is not a lower-case letter
("vs. placebo" and "HR 0.62" stay whole), or at a line break."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    reason: str
    suggestion: str


@dataclass(frozen=True)
class Flag:
    """One promotional phrase: where it is, which rule caught it, why, and what to write instead."""

    rule_id: str
    category: str
    phrase: str
    span: tuple[int, int]
    reason: str
    suggestion: str


def check_text(text: str, rules: tuple[Rule, ...] | None = None) -> list[Flag]:
    """Every promotional phrase in `text`, in reading order; an empty list means it reads as neutral."""
    if not text or not text.strip():
        return []
    active = load_rules() if rules is None else rules
    sentences = _sentences(text)
    found: list[Flag] = []
    for rule in active:
        for match in rule.pattern.finditer(text):
            if rule.unless is not None and rule.unless.search(_sentence_at(sentences, text, match.start())):
                continue
            found.append(Flag(rule.id, rule.category, match.group(0), match.span(), rule.reason, rule.suggestion))
    return _outermost(found)


def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """The rules in `path`, compiled once and again only when the file changes."""
    try:
        stat = path.stat()
    except OSError:
        raise RulesFileError(f"{path}: the compliance rules file is missing or unreadable") from None
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> tuple[Rule, ...]:
    """Keyed by modification time and size, so an edited file is read afresh."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesFileError(f"{source}: cannot be read ({exc})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesFileError(f"{source}: not valid TOML: {exc}") from None
    entries = document.get("rule")
    unknown = sorted(set(document) - {"rule"})
    if unknown:
        raise RulesFileError(f"{source}: unexpected top-level key {unknown[0]!r}; every rule is a [[rule]] entry")
    if not isinstance(entries, list) or not entries:
        raise RulesFileError(f"{source}: no [[rule]] entries")
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if _RULE_HEADER.match(line)]
    rules: list[Rule] = []
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else 0
        rule = _rule(source, entry, index, line)
        if rule.id in first_seen:
            raise RulesFileError(f"{source}: rule {rule.id} (line {line}): duplicate id, first used at line {first_seen[rule.id]}")
        first_seen[rule.id] = line
        rules.append(rule)
    return tuple(rules)


def _rule(source: Path, entry: object, index: int, line: int) -> Rule:
    where = f"{source}: rule #{index + 1} (line {line})"
    if not isinstance(entry, dict):
        raise RulesFileError(f"{where}: must be a [[rule]] table")
    if isinstance(entry.get("id"), str) and entry["id"].strip():
        where = f"{source}: rule {entry['id'].strip()} (line {line})"
    extra = sorted(set(entry) - _FIELDS)
    if extra:
        raise RulesFileError(f"{where}: unknown field {extra[0]!r} (known: {', '.join(sorted(_FIELDS))})")
    for name in _REQUIRED:
        value = entry.get(name)
        if name == "pattern" and isinstance(value, list) and value:
            continue
        if not isinstance(value, str) or not value.strip():
            raise RulesFileError(f"{where}: {name!r} is missing or empty")
    category = entry["category"].strip()
    if not _CATEGORY.fullmatch(category):
        raise RulesFileError(f"{where}: category {category!r} must be lower_snake_case, e.g. safety_claim")
    alternatives = entry["pattern"] if isinstance(entry["pattern"], list) else [entry["pattern"]]
    for number, alternative in enumerate(alternatives, start=1):
        if not isinstance(alternative, str) or not alternative.strip():
            raise RulesFileError(f"{where}: pattern {number} is not a non-empty string")
        _compile(alternative, f"{where}: pattern {number}")
    bounded = "|".join(f"(?:{alternative})" for alternative in alternatives)
    unless = entry.get("unless")
    if unless is not None and (not isinstance(unless, str) or not unless.strip()):
        raise RulesFileError(f"{where}: 'unless' must be a non-empty string when given")
    return Rule(
        id=entry["id"].strip(),
        category=category,
        pattern=_compile(rf"(?<!\w)(?:{bounded})(?!\w)", f"{where}: pattern"),
        unless=_compile(unless, f"{where}: unless") if unless else None,
        reason=" ".join(entry["reason"].split()),
        suggestion=" ".join(entry["suggestion"].split()),
    )


def _compile(expression: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(expression, re.IGNORECASE)
    except re.error as exc:
        raise RulesFileError(f"{where}: not a valid regular expression ({exc})") from None


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        spans.append((start, end.start()))
        start = end.end()
    spans.append((start, len(text)))
    return spans


def _sentence_at(sentences: list[tuple[int, int]], text: str, position: int) -> str:
    for start, end in sentences:
        if start <= position < end:
            return text[start:end]
    return text


def _outermost(flags: list[Flag]) -> list[Flag]:
    """One flag per phrase: a match inside a longer one (or the same text caught twice) is dropped."""
    kept: list[Flag] = []
    for flag in sorted(flags, key=lambda item: (item.span[0], -(item.span[1] - item.span[0]), item.rule_id)):
        if kept and flag.span[1] <= max(item.span[1] for item in kept):
            continue
        kept.append(flag)
    return kept
