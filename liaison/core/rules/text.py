"""Words to terms, for theme suggestion and near-duplicate detection, offline and with the standard library.

An insight is short, so every word counts: the text is lower-cased, split into
words, stripped of words that say nothing about the signal ("the", "said",
"asked"), and each word is cut to a stem so "tests", "tested" and "testing"
meet. British and American spellings meet too ("tumour" and "tumor",
"haematology" and "hematology", "counselling" and "counseling").
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been before being below
    between both but by can cannot could did do does doing down during each even ever every few for from further
    get gets got had has have having he her here hers herself him himself his how i if in into is isn it its itself
    just let lot lots me more most much must my myself no nor not now of off on once one only or other our ours
    ourselves out over own per quite rather same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up us very via was we were what when where which
    while who whom why will with within without would yet you your yours yourself yourselves
    said says say saying told tell tells mentioned mention mentions noted notes note asked ask asks feel feels felt
    think thinks thought believe believes believed seem seems seemed like likes want wants wanted would really
    many several often still already currently now also across really dr prof hcp hcps kol kols msl msls
    """.split()
)
"""Function words, and the reporting verbs every insight has ("the KOL said…"), which name no theme."""

_SPELLING = ((re.compile(r"isation"), "ization"), (re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing)$"), r"iz\1"))
_SUFFIXES = (
    "izations",
    "ization",
    "ational",
    "ations",
    "ation",
    "itions",
    "ition",
    "ments",
    "ment",
    "nesses",
    "ness",
    "ities",
    "ity",
    "ingly",
    "ings",
    "ing",
    "ions",
    "ion",
    "edly",
    "ies",
    "ied",
    "ers",
    "er",
    "ed",
    "ives",
    "ive",
    "ally",
    "al",
    "ly",
    "es",
    "s",
)
_DOUBLE = re.compile(r"([bdfgklmnprt])\1$")


def stem(word: str) -> str:
    """A light suffix-stripping stemmer: enough for the inflections and derivations of field notes."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("our") and len(word) > 5:  # tumour, behaviour, favour
        word = word[:-3] + "or"
    word = word.replace("ae", "e") if len(word) > 5 and not word.startswith("ae") else word  # haematology, anaemia
    if word.startswith("oe") and len(word) > 5:  # oedema, oestrogen
        word = word[1:]
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    if word.endswith(("lling", "lled")):  # counselling, travelled
        word = word.replace("lling", "ling").replace("lled", "led")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix in ("s", "es") and word.endswith(("ss", "us", "is")):
                break
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    word = _DOUBLE.sub(r"\1", word)
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    return word


def words(text: str) -> list[str]:
    """The words of a text, lower-cased; hyphenated words are kept whole and also split ("real-world")."""
    found: list[str] = []
    for word in _WORD.findall(text.lower().replace("’", "'")):
        word = word.removesuffix("'s")
        found.append(word)
        if "-" in word:
            found.extend(part for part in word.split("-") if part)
    return found


def terms(text: str) -> list[str]:
    """The stems of the words that carry meaning, in order."""
    return [stem(word) for word in words(text) if word not in STOPWORDS and not _is_bare_number(word)]


def features(text: str, *, bigrams: bool = True) -> Counter[str]:
    """Stems, and pairs of neighbouring stems (which keep a phrase such as "prior authorization" apart)."""
    found = terms(text)
    counted = Counter(found)
    if bigrams:
        counted.update(f"{first} {second}" for first, second in pairwise(found) if first != second)
    return counted


def _is_bare_number(word: str) -> bool:
    return word.replace(".", "").isdigit() and len(word) < 4
