"""Theme suggestion on a labelled set of realistic insights: how often the right theme is first, or in the top three.

The set (tests/core/rules/data/insights_labelled.jsonl) spans every therapeutic area
of the bundled taxonomy. Learning is measured by 5-fold cross-validation: each
insight is suggested for by a model that learnt only from the other folds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liaison.core.rules.taxonomy import bundled, parse
from liaison.core.rules.themes import ThemeSuggester

DATA = Path(__file__).parent / "data" / "insights_labelled.jsonl"
FOLDS = 5


@pytest.fixture(scope="module")
def labelled() -> list[dict[str, str]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def accuracy(ranked: list[tuple[str, list[str]]]) -> tuple[float, float]:
    top1 = sum(1 for gold, themes in ranked if themes[:1] == [gold]) / len(ranked)
    top3 = sum(1 for gold, themes in ranked if gold in themes[:3]) / len(ranked)
    return top1, top3


def test_the_labelled_set_is_large_varied_and_uses_the_taxonomys_themes(labelled: list[dict[str, str]]) -> None:
    taxonomy = bundled()
    assert len(labelled) >= 60
    assert {row["theme"] for row in labelled} <= {theme.id for theme in taxonomy.themes}
    assert len({row["theme"] for row in labelled}) >= 30
    assert all(taxonomy.area_of(row["therapeutic_area"]) for row in labelled)
    assert len({row["text"] for row in labelled}) == len(labelled)


def test_from_the_taxonomy_alone_the_right_theme_is_mostly_first_and_nearly_always_in_the_top_three(labelled: list[dict[str, str]]) -> None:
    suggester = ThemeSuggester(bundled())
    ranked = [(row["theme"], [s.theme.id for s in suggester.suggest(row["text"], therapeutic_area=row["therapeutic_area"])]) for row in labelled]
    top1, top3 = accuracy(ranked)
    print(f"\ntaxonomy keywords only, {len(labelled)} insights: top-1 {top1:.2f}, top-3 {top3:.2f}")
    assert top1 >= 0.7
    assert top3 >= 0.85


def test_learning_from_filed_insights_keeps_suggestions_right_on_insights_it_has_not_seen(labelled: list[dict[str, str]]) -> None:
    ranked = []
    for fold in range(FOLDS):
        learnt = [(row["text"], row["theme"]) for number, row in enumerate(labelled) if number % FOLDS != fold]
        suggester = ThemeSuggester(bundled(), learnt)
        ranked += [
            (row["theme"], [s.theme.id for s in suggester.suggest(row["text"], therapeutic_area=row["therapeutic_area"])])
            for number, row in enumerate(labelled)
            if number % FOLDS == fold
        ]
    top1, top3 = accuracy(ranked)
    print(f"\n{FOLDS}-fold cross-validated with learning: top-1 {top1:.2f}, top-3 {top3:.2f}")
    assert top1 >= 0.65
    assert top3 >= 0.8


def test_the_msls_own_words_for_a_theme_are_learnt() -> None:
    taxonomy = bundled()
    text = "Endocrinologists doubt a 0.4% HbA1c reduction versus comparator will change practice."
    before = [s.theme.id for s in ThemeSuggester(taxonomy).suggest(text, therapeutic_area="Cardiometabolic")]
    filed = [
        ("Diabetologists found the HbA1c reduction versus comparator too small to matter.", "efficacy_perception"),
        ("HbA1c lowering versus the comparator was judged modest by the endocrinology team.", "efficacy_perception"),
    ]
    after = [s.theme.id for s in ThemeSuggester(taxonomy, filed).suggest(text, therapeutic_area="Cardiometabolic")]
    assert before[:1] != ["efficacy_perception"]
    assert after[:1] == ["efficacy_perception"]


def test_suggestions_are_ranked_scored_and_kept_to_the_insights_therapeutic_area() -> None:
    suggester = ThemeSuggester(bundled())
    text = "Families wait years for a diagnosis; the genetic test is ordered far too late."
    suggestions = suggester.suggest(text, therapeutic_area="Rare disease", limit=5)
    assert suggestions[0].theme.id == "rd_diagnostic_odyssey"
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True) and all(0 < score <= 1 for score in scores)
    assert all(s.theme.area in (None, "rare_disease") for s in suggestions)
    anywhere = suggester.suggest(text, limit=5)
    assert anywhere[0].theme.id == "rd_diagnostic_odyssey"
    oncology = suggester.suggest(text, therapeutic_area="haematology", limit=12)
    assert all(s.theme.area in (None, "oncology") for s in oncology)


def test_text_that_names_nothing_gets_no_suggestion() -> None:
    suggester = ThemeSuggester(bundled())
    assert suggester.suggest("") == []
    assert suggester.suggest("The KOL said that it was what they thought.") == []


def test_a_theme_the_taxonomy_no_longer_has_teaches_nothing() -> None:
    taxonomy = parse({"version": 9, "shared_themes": [{"id": "access", "label": "Access", "keywords": ["reimbursement"]}]})
    suggester = ThemeSuggester(taxonomy, [("payers refuse reimbursement", "retired_theme")])
    assert [s.theme.id for s in suggester.suggest("reimbursement refused by payers")] == ["access"]
