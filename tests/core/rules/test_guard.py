"""The non-promotional guard: promotional phrasing is flagged with its reason, neutral science passes.

The yardstick is `guard_corpus.tsv`: sentences an MSL might write, labelled by
hand. Precision and recall over it are printed (run with `-s` to see them) and
held to recall >= 0.9 and precision >= 0.85.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from liaison.core.errors import RulesFileError
from liaison.core.rules.guard import RULES_FILE, check_text, load_rules

CORPUS = Path(__file__).with_name("guard_corpus.tsv")


def corpus() -> list[tuple[str, str, str]]:
    rows = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, category, sentence = line.split("\t")
        assert label in ("promotional", "neutral"), f"{CORPUS.name} line {number}: label {label!r}"
        rows.append((label, category, sentence))
    return rows


def write_rules(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


RULE = """
[[rule]]
id = "T-1"
category = "superlative"
pattern = 'best'
reason = "Superlative."
suggestion = "Give the data."
"""


# --- the corpus ----------------------------------------------------------------


def test_the_corpus_is_big_enough_and_covers_every_category_of_the_rules() -> None:
    rows = corpus()
    labels = Counter(label for label, _, _ in rows)
    assert len(rows) >= 40 and labels["promotional"] >= 20 and labels["neutral"] >= 20
    covered = {category for label, category, _ in rows if label == "promotional"}
    assert {rule.category for rule in load_rules()} <= covered


def test_precision_and_recall_on_the_corpus_meet_the_targets() -> None:
    rows = corpus()
    outcome: Counter[str] = Counter()
    missed, wrongly_flagged = [], []
    by_category: dict[str, list[bool]] = {}
    for label, category, sentence in rows:
        flagged = bool(check_text(sentence))
        if label == "promotional":
            outcome["tp" if flagged else "fn"] += 1
            by_category.setdefault(category, []).append(flagged)
            if not flagged:
                missed.append(sentence)
        else:
            outcome["fp" if flagged else "tn"] += 1
            if flagged:
                wrongly_flagged.append(sentence)
    precision = outcome["tp"] / (outcome["tp"] + outcome["fp"])
    recall = outcome["tp"] / (outcome["tp"] + outcome["fn"])
    print(f"\nguard corpus: {len(rows)} sentences, tp={outcome['tp']} fp={outcome['fp']} fn={outcome['fn']} tn={outcome['tn']}")
    print(f"precision {precision:.3f}, recall {recall:.3f}")
    for category, hits in sorted(by_category.items()):
        print(f"  {category}: {sum(hits)}/{len(hits)} flagged")
    assert recall >= 0.9, f"recall {recall:.3f}; missed: {missed}"
    assert precision >= 0.85, f"precision {precision:.3f}; wrongly flagged: {wrongly_flagged}"


def test_neutral_scientific_language_passes() -> None:
    assert check_text("The phase 3 trial met its primary endpoint of PFS (HR 0.62).") == []
    assert check_text("") == [] and check_text("   \n") == []


# --- what a flag says ----------------------------------------------------------


def test_a_flag_names_the_phrase_as_written_where_it_is_the_rule_the_reason_and_a_suggestion() -> None:
    text = "Shared the data. Honestly, it is the SAFEST option we have."
    [flag] = check_text(text)
    assert flag.phrase == "SAFEST" and text[flag.span[0] : flag.span[1]] == "SAFEST"
    rule = next(rule for rule in load_rules() if rule.id == flag.rule_id)
    assert (flag.category, flag.reason, flag.suggestion) == (rule.category, rule.reason, rule.suggestion)
    assert flag.reason and flag.suggestion


def test_flags_come_in_reading_order_one_per_phrase() -> None:
    flags = check_text("Glupetide is the best-in-class option. You should prescribe it. We will grow our market share.")
    assert [flag.category for flag in flags] == ["superlative", "call_to_prescribe", "commercial"]
    starts = [flag.span[0] for flag in flags]
    assert starts == sorted(starts)
    assert [flag.phrase for flag in flags][0] == "best-in-class", "the longer match wins over 'best' alone"


@pytest.mark.parametrize(
    "sentence",
    [
        "The HCP wanted to bestow the award on the nursing team.",
        "Surgery with curative intent was offered.",
        "Patients with no risk factors were excluded.",
        "Heart rate rose by 6 beats per minute.",
        "The FDA granted Breakthrough Therapy designation last year.",
        "Tissue samples go to the central laboratory.",
    ],
)
def test_matches_are_whole_words_and_field_terms_are_not_mistaken_for_claims(sentence: str) -> None:
    assert check_text(sentence) == []


def test_a_comparison_with_its_evidence_or_an_hcps_question_about_one_is_not_a_claim() -> None:
    assert check_text("Cardiostatin is better than atorvastatin at lowering LDL.")
    assert check_text("LDL-C reduction was superior to placebo at week 12.") == []
    assert check_text("OS was superior to docetaxel (HR 0.74; 95% CI 0.62-0.88).") == []
    assert check_text("The HCP asked whether it is better than pembrolizumab.") == []
    assert check_text("It is better than pembrolizumab. The HR was 0.7 in another trial.") != [], "evidence counts only in its own sentence"


def test_every_category_is_caught_in_words_not_found_in_the_corpus() -> None:
    unseen = {
        "superlative": "Frankly it is an unrivalled molecule.",
        "comparative_claim": "Our drug has an edge over the older agents.",
        "safety_claim": "Tell patients the treatment is risk-free.",
        "efficacy_claim": "This drug never fails in my experience.",
        "off_label_dosing": "Some go beyond the maximum daily dose with it.",
        "off_label_indication": "It is used off label in lupus.",
        "call_to_prescribe": "Left free samples for the clinic.",
        "commercial": "The quarter's sales targets came up.",
    }
    for category, sentence in unseen.items():
        assert category in {flag.category for flag in check_text(sentence)}, sentence


# --- the rules file --------------------------------------------------------------


def test_the_shipped_rules_file_loads_and_every_rule_explains_itself() -> None:
    rules = load_rules(RULES_FILE)
    assert len({rule.id for rule in rules}) == len(rules) >= 10
    assert all(rule.reason.endswith(".") and rule.suggestion for rule in rules)


def test_an_edited_rules_file_is_used_at_the_next_check(tmp_path: Path) -> None:
    path = write_rules(tmp_path / "rules.toml", RULE)
    assert [flag.rule_id for flag in check_text("the best", load_rules(path))] == ["T-1"]
    write_rules(path, RULE.replace("'best'", "'finest'"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert check_text("the best", load_rules(path)) == []
    assert [flag.phrase for flag in check_text("the finest", load_rules(path))] == ["finest"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (RULE + "\n[[rule]\nid = 'x'", "line 9"),
        (RULE.replace("'best'", "'(best'"), "rule T-1 (line 2): pattern 1: not a valid regular expression"),
        (RULE.replace('reason = "Superlative."\n', ""), "rule T-1 (line 2): 'reason' is missing"),
        (RULE + RULE, "rule T-1 (line 9): duplicate id, first used at line 2"),
        (RULE.replace('id = "T-1"', 'id = "T-1"\nseverity = "high"'), "rule T-1 (line 2): unknown field 'severity'"),
        (RULE.replace('"superlative"', '"Super Lative"'), "category 'Super Lative'"),
        (RULE.replace('id = "T-1"\n', ""), "rule #1 (line 2): 'id' is missing"),
        ("title = 'rules'\n", "unexpected top-level key 'title'"),
        ("# nothing yet\n", "no [[rule]] entries"),
    ],
)
def test_a_malformed_rules_file_is_refused_in_one_line_naming_the_file_and_the_rule(tmp_path: Path, body: str, named: str) -> None:
    path = write_rules(tmp_path / "rules.toml", body)
    with pytest.raises(RulesFileError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)) and named in message, message


def test_a_missing_rules_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RulesFileError, match="missing"):
        load_rules(tmp_path / "absent.toml")
