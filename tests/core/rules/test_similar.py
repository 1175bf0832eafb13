"""Near-duplicate detection on labelled pairs: paraphrases of one signal against different signals on one topic.

tests/core/rules/data/near_duplicates.jsonl holds pairs marked duplicate (the same
observation reworded, reordered, with synonyms or other spellings) or not (same
theme, opening, product, setting or stakeholder, but another observation). Weights
come from a realistic collection: the labelled insights of test_themes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liaison.core.rules.similar import DUPLICATE_THRESHOLD, SimilarityIndex

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def pairs() -> list[dict[str, object]]:
    return [json.loads(line) for line in (DATA / "near_duplicates.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def collection() -> list[str]:
    return [json.loads(line)["text"] for line in (DATA / "insights_labelled.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def precision_recall(scored: list[tuple[bool, float]], threshold: float) -> tuple[float, float]:
    found = [duplicate for duplicate, score in scored if score >= threshold]
    true_positives = sum(found)
    duplicates = sum(duplicate for duplicate, _ in scored)
    return (true_positives / len(found) if found else 1.0), true_positives / duplicates


def test_the_pairs_hold_enough_duplicates_and_hard_non_duplicates(pairs: list[dict[str, object]]) -> None:
    assert sum(bool(pair["duplicate"]) for pair in pairs) >= 30
    assert sum(not pair["duplicate"] for pair in pairs) >= 30
    assert sum(pair["kind"] in ("paraphrase", "synonyms", "spelling", "abbreviation") for pair in pairs) >= 25
    assert sum(not pair["duplicate"] and pair["kind"] != "unrelated" for pair in pairs) >= 30


def test_near_duplicates_are_found_with_high_precision_and_recall(pairs: list[dict[str, object]], collection: list[str]) -> None:
    index = SimilarityIndex((f"insight-{number}", text) for number, text in enumerate(collection))
    scored = [(bool(pair["duplicate"]), index.score(str(pair["a"]), str(pair["b"]))) for pair in pairs]
    precision, recall = precision_recall(scored, DUPLICATE_THRESHOLD)
    print(f"\nnear-duplicates at {DUPLICATE_THRESHOLD}: precision {precision:.2f}, recall {recall:.2f} over {len(pairs)} pairs")
    assert precision >= 0.9
    assert recall >= 0.8


def test_the_threshold_sits_in_a_band_not_on_a_knife_edge(pairs: list[dict[str, object]], collection: list[str]) -> None:
    index = SimilarityIndex((f"insight-{number}", text) for number, text in enumerate(collection))
    scored = [(bool(pair["duplicate"]), index.score(str(pair["a"]), str(pair["b"]))) for pair in pairs]
    for nearby in (DUPLICATE_THRESHOLD - 0.03, DUPLICATE_THRESHOLD + 0.05):
        precision, recall = precision_recall(scored, nearby)
        assert precision >= 0.9 and recall >= 0.8, nearby


def test_an_insight_points_at_its_earlier_duplicate_first(pairs: list[dict[str, object]]) -> None:
    index = SimilarityIndex((f"earlier-{number}", str(pair["b"])) for number, pair in enumerate(pairs))
    duplicates = [(number, pair) for number, pair in enumerate(pairs) if pair["duplicate"]]
    first = sum(1 for number, pair in duplicates if [m.id for m in index.similar(str(pair["a"]), limit=1, threshold=0)] == [f"earlier-{number}"])
    print(f"\nthe earlier duplicate is the best match for {first} of {len(duplicates)}")
    assert first / len(duplicates) >= 0.85


def test_matches_are_ranked_above_the_threshold_and_exclusions_respected() -> None:
    index = SimilarityIndex(
        [
            ("a", "Prior authorization for the drug takes weeks and first requests are denied."),
            ("b", "Prior authorization takes weeks; first requests for the drug are often denied by payers."),
            ("c", "Nurses asked for training on the autoinjector."),
        ]
    )
    found = index.similar("Prior authorization for the drug takes weeks; first requests get denied.")
    assert [match.id for match in found] == ["a", "b"]
    assert found[0].score >= found[1].score >= DUPLICATE_THRESHOLD
    assert [match.id for match in index.similar("Prior authorization takes weeks and requests are denied.", exclude={"a"})][:1] == ["b"]
    assert index.similar("Completely unrelated words about congress travel.") == []


def test_the_collection_follows_edits_and_deletes() -> None:
    index = SimilarityIndex([("a", "Patients struggle with the autoinjector and miss doses.")])
    assert [m.id for m in index.similar("Patients miss doses because the autoinjector is hard to use.")] == ["a"]
    index.add("a", "Lipid clinic asks for cascade screening of relatives.")
    assert index.similar("Patients miss doses because the autoinjector is hard to use.") == []
    index.discard("a")
    assert len(index) == 0 and "a" not in index


def test_a_duplicate_is_found_among_thousands(collection: list[str]) -> None:
    others = [text for text in collection if "ARIA" not in text]
    filler = [f"{first} {second}" for first in others for second in others if first != second]
    index = SimilarityIndex((f"filler-{number}", text) for number, text in enumerate(filler[:3000]))
    index.add("original", "Radiology departments lack MRI capacity for the repeated scans needed to monitor ARIA.")
    found = index.similar("There is not enough MRI capacity in radiology for repeated ARIA monitoring scans.", limit=3)
    assert len(index) == 3001
    assert found and found[0].id == "original"
