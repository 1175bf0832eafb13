"""Likely direct identifiers in free text: what an adverse-event narrative must not carry.

A report needs an identifiable patient, but the minimum is initials, age and
sex. An MSL typing a narrative fast may still write a name, a phone number, an
e-mail address or a date of birth; this check finds those so the app can warn
(never block: the report must not wait on a heuristic).

It favours a warning too many over one too few, yet leaves alone what belongs
in a narrative: HCPs named with their title ("Dr Smith's clinic"), institutions
("Marie Curie Hospital"), product names, and dates that are not dates of birth.
Names are recognised by a lexicon of given names (`liaison/device/data/identifiers/`, plus
the demo territory's names) or by a patient's title (Mr, Mrs, Ms …).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from liaison.core.data import shipped

GIVEN_NAMES_FILE = shipped("liaison.device.data", "identifiers", "given_names.txt")


class IdentifierKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    DATE_OF_BIRTH = "date_of_birth"
    FULL_NAME = "full_name"


WARNINGS = {
    IdentifierKind.EMAIL: "looks like an e-mail address: keep contact details out of the report",
    IdentifierKind.PHONE: "looks like a phone or record number: keep it out of the report",
    IdentifierKind.DATE_OF_BIRTH: "looks like a date of birth: give the patient's age instead",
    IdentifierKind.FULL_NAME: "looks like a person's name: use the patient's initials instead",
}


@dataclass(frozen=True)
class Finding:
    kind: IdentifierKind
    text: str
    start: int
    end: int

    @property
    def warning(self) -> str:
        return f"“{self.text}” {WARNINGS[self.kind]}"


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_FULL_DATE = re.compile(
    rf"(?<![\w/.-])(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})(?![\w/])",
    re.IGNORECASE,
)
_BIRTH_BEFORE = re.compile(r"(?:date\s+of\s+birth|birth\s*date|birthday|d\.?\s?o\.?\s?b\.?|born(?:\s+on)?|geb\.?)\W{0,3}$", re.IGNORECASE)
_BIRTH_AFTER = re.compile(r"^\W{0,3}(?:\(?\s*(?:d\.?o\.?b|date\s+of\s+birth|born|birthday)\b)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w/.+-])\+?\(?\d{1,5}\)?(?:[ .-]?\(?\d{1,5}\)?){0,6}(?![\w/])")
_NOT_A_PHONE_BEFORE = re.compile(r"(?:lot|batch|protocol|study|ref|version|v)\W{0,3}$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*\.?")
_INITIAL = re.compile(r"[A-Z]\.?")

PATIENT_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "master", "madam", "mme", "mlle", "herr", "frau", "sr", "sra", "srta"})
HCP_TITLES = frozenset({"dr", "doctor", "prof", "professor", "nurse", "sister", "pharmacist", "pr"})
NOT_SURNAMES = frozenset(
    {
        "hospital",
        "clinic",
        "centre",
        "center",
        "institute",
        "university",
        "medical",
        "health",
        "cancer",
        "heart",
        "general",
        "foundation",
        "trust",
        "pharmacy",
        "practice",
        "ward",
        "unit",
        "department",
        "syndrome",
        "disease",
        "scale",
        "score",
        "criteria",
        "grade",
        "stage",
        "type",
        "study",
        "trial",
        "protocol",
        "lab",
        "laboratory",
    }
)


def find_identifiers(text: str) -> list[Finding]:
    """Every likely direct identifier in `text`, in the order they appear."""
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: IdentifierKind, start: int, end: int) -> None:
        found.append(Finding(kind, text[start:end], start, end))
        taken.append((start, end))

    def free(start: int, end: int) -> bool:
        return all(end <= left or start >= right for left, right in taken)

    for match in _EMAIL.finditer(text):
        add(IdentifierKind.EMAIL, *match.span())
    dates = [match.span() for match in _FULL_DATE.finditer(text) if free(*match.span())]
    for start, end in dates:
        if _BIRTH_BEFORE.search(text[max(0, start - 30) : start]) or _BIRTH_AFTER.search(text[end : end + 20]):
            add(IdentifierKind.DATE_OF_BIRTH, start, end)
    taken.extend(dates)  # other dates are not identifiers, but neither are they phone numbers
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        digits = sum(character.isdigit() for character in match.group())
        if 7 <= digits <= 15 and free(start, end) and not _NOT_A_PHONE_BEFORE.search(text[max(0, start - 12) : start]):
            add(IdentifierKind.PHONE, start, end)
    for start, end in _names(text, free):
        add(IdentifierKind.FULL_NAME, start, end)
    return sorted(found, key=lambda item: item.start)


def _names(text: str, free: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Spans of "Title Name", "Given Surname" or "Name Known-surname", skipping HCPs and institutions."""
    words = [match for match in _WORD.finditer(text) if free(*match.span())]
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(words):
        word = _bare(words[index].group())
        follow = _capitalised_run(text, words, index + 1)
        if word.lower() in HCP_TITLES:
            index += 1 + len(follow)  # an HCP named by title is not a patient
            continue
        if word.lower() in PATIENT_TITLES:
            named = _after_initials(text, words, index + 1)
            if named:
                spans.append((words[index].start(), words[named[-1]].start() + len(_bare(words[named[-1]].group()))))
                index = named[-1] + 1
                continue
        if _is_capitalised(word) and follow and _looks_like_a_person(text, words, index, follow):
            last = follow[0]
            spans.append((words[index].start(), words[last].start() + len(_bare(words[last].group()))))
            index = last + 1
            continue
        index += 1
    return spans


def _looks_like_a_person(text: str, words: list[re.Match[str]], index: int, follow: list[int]) -> bool:
    first, second = _bare(words[index].group()), _bare(words[follow[0]].group())
    if second.lower() in NOT_SURNAMES or second.lower() in _products():
        return False
    after = follow[1] if len(follow) > 1 else None
    if after is not None and _bare(words[after].group()).lower() in NOT_SURNAMES:
        return False  # "Marie Curie Hospital"
    if any(part in given_names() for part in first.split("-")):
        return True
    return second in surnames()


def _after_initials(text: str, words: list[re.Match[str]], start: int) -> list[int]:
    """The capitalised run after a title, allowing up to two initials first ("Mr J. K. Smith")."""
    skipped = start
    while skipped < min(start + 2, len(words)) and _INITIAL.fullmatch(words[skipped].group()):
        skipped += 1
    if skipped == start:
        return _capitalised_run(text, words, start)
    run = _capitalised_run(text, words, skipped)
    return run and [*range(start, skipped), *run]


def _capitalised_run(text: str, words: list[re.Match[str]], start: int) -> list[int]:
    """Indices of the capitalised words that follow `start - 1` directly (separated by one space), up to two."""
    run: list[int] = []
    previous_end = words[start - 1].end() if start > 0 else 0
    for index in range(start, min(start + 2, len(words))):
        gap = text[previous_end : words[index].start()]
        word = _bare(words[index].group())
        before = words[index - 1].group()
        abbreviation = _bare(before).lower() in PATIENT_TITLES | HCP_TITLES or _INITIAL.fullmatch(before) is not None
        ends_sentence = before.endswith(".") and not abbreviation
        if gap not in (" ", "\u00a0") or ends_sentence or not _is_capitalised(word):
            break
        run.append(index)
        previous_end = words[index].end()
    return run


def _is_capitalised(word: str) -> bool:
    """ "Smith" or "O'Neil", not "SMITH" (initials, acronyms) and not "smith"."""
    return len(word) >= 2 and word[0].isupper() and any(character.islower() for character in word[1:])


def _bare(word: str) -> str:
    """The word without a full stop or a possessive: "Smith's" → "Smith"."""
    word = word.rstrip(".")
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    return word


@cache
def given_names() -> frozenset[str]:
    from liaison.device.domain.demo import FIRST_NAMES

    listed = [line.strip() for line in GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()]
    return frozenset(name for name in listed if name and not name.startswith("#")) | frozenset(FIRST_NAMES)


@cache
def surnames() -> frozenset[str]:
    from liaison.device.domain.demo import LAST_NAMES

    return frozenset(part for name in LAST_NAMES for part in name.split())


@cache
def _products() -> frozenset[str]:
    from liaison.device.domain.demo import PRODUCTS

    return frozenset(product.lower() for products in PRODUCTS.values() for product in products)


def warning_lines(findings: list[Finding]) -> list[str]:
    """One plain sentence per finding, as the Safety form and `liaison ae add` show them."""
    return [finding.warning for finding in findings]
