"""The medical plan document: the example file, the checks medical affairs' file must pass, each refusal one line
naming the item (its code, or its row) and the field, and what a code means once the plan moves on."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.core.errors import ValidationError
from liaison.core.records.models import InsightCreate, MedicalPlanVersionCreate
from liaison.core.records.plain import check
from liaison.core.rules.medical_plan import CODE_LENGTH, EXAMPLE_FILE, PlanError, PlanItemKind, checked_codes, parse, readable, same_area


def document() -> dict[str, Any]:
    return copy.deepcopy(json.loads(EXAMPLE_FILE.read_text(encoding="utf-8")))


def test_the_example_plan_holds_every_kind_of_item_for_the_demos_areas() -> None:
    plan = parse(document())
    assert plan.version == 1 and plan.title.startswith("Medical plan")
    assert set(plan.counts()) == set(PlanItemKind) and all(plan.counts().values())
    assert {item.therapeutic_area for item in plan.items} == {"Oncology", "Cardiometabolic", "Immunology", "Rare disease"}
    assert plan.item("SI-ONC-1").products == ("zentrolimab",)  # type: ignore[union-attr]


def test_items_are_offered_by_area_as_typed_and_by_product() -> None:
    plan = parse(document())
    assert [item.code for item in plan.items_for("haematology")] == ["SI-ONC-1", "SI-ONC-2", "LP-ONC-1", "LP-ONC-2", "KSS-ONC-1"]
    assert [item.code for item in plan.items_for("Oncology", "orvatinib")] == ["SI-ONC-2", "LP-ONC-1"]  # an item for every product counts
    assert len(plan.items_for()) == len(plan.items)
    assert plan.items_for("Dermatology") == plan.items_for("Immunology")
    assert same_area("rare disease", "Rare disease") and not same_area("Oncology", "Immunology")


def test_a_code_the_plan_no_longer_holds_reads_as_the_code() -> None:
    plan = parse(document())
    assert plan.title_of("LP-ONC-1") == "Sequencing after an immunotherapy"
    assert plan.title_of("SI-ONC-0") == "SI-ONC-0"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"][1].update(code="SI-ONC-1"), "item SI-ONC-1 (row 2): code: appears twice"),
        (lambda d: d["items"][2].update(kind="wish"), "item LP-ONC-1 (row 3): kind: must be one of strategic_imperative, listening_priority"),
        (lambda d: d["items"][0].update(code="si onc 1"), "item si onc 1 (row 1): code: must be upper-case letters and digits"),
        (lambda d: d["items"][3].pop("code"), "item row 4: code: must be upper-case"),
        (lambda d: d["items"][4].update(title="  "), "item KSS-ONC-1 (row 5): title: must be text of 1 to 200 characters"),
        (lambda d: d["items"][5].pop("therapeutic_area"), "item SI-CM-1 (row 6): therapeutic_area: must be text"),
        (lambda d: d["items"][6].update(products="glupetide"), "item LP-CM-1 (row 7): products: must be a list of product names"),
        (lambda d: d["items"][7].update(text="x" * 2001), "item KSS-CM-1 (row 8): text: must be text of 1 to 2,000 characters"),
        (lambda d: d["items"].append("SI-X-1"), "item row 12: must be an object"),
        (lambda d: d.update(items=[]), "items: must be a non-empty list"),
        (lambda d: d.update(version="2"), "version: must be a whole number of 1 or more"),
        (lambda d: d.update(format="liaison-medical-plan/9"), "format: must be 'liaison-medical-plan/1'"),
    ],
)
def test_a_broken_plan_is_refused_in_one_line_naming_the_item_and_field(change: Any, message: str) -> None:
    broken = document()
    change(broken)
    with pytest.raises(PlanError) as refused:
        parse(broken)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)
    assert readable(broken) is None


def test_the_record_holds_a_valid_plan_of_its_own_version() -> None:
    assert MedicalPlanVersionCreate.model_validate({"version": 1, "document": document()}).version == 1
    with pytest.raises(ValueError, match="version: 2 differs from the document's version 1"):
        MedicalPlanVersionCreate.model_validate({"version": 2, "document": document()})


codes = st.from_regex(r"\A[A-Z][A-Z0-9]{1,5}(-[A-Z0-9]{1,4}){0,3}\Z")


@given(st.lists(codes, min_size=1, max_size=30))
def test_any_set_of_distinct_well_formed_codes_makes_a_plan_and_a_repeat_is_named(chosen: list[str]) -> None:
    items = [
        {"code": code, "kind": list(PlanItemKind)[index % 3].value, "therapeutic_area": "Oncology", "title": f"Item {index}", "text": "Why."}
        for index, code in enumerate(chosen)
    ]
    distinct = list(dict.fromkeys(chosen))
    if len(distinct) == len(chosen):
        assert [item.code for item in parse({"version": 1, "items": items}).items] == chosen
    else:
        with pytest.raises(PlanError, match="code: appears twice"):
            parse({"version": 1, "items": items})


@given(st.lists(st.one_of(codes, st.just(" LP-ONC-1 ")), max_size=10))
def test_a_records_tags_keep_every_code_once_in_order_known_or_not(tags: list[str]) -> None:
    kept = checked_codes(tags)
    assert kept == list(dict.fromkeys(tag.strip() for tag in tags))
    assert InsightCreate.model_validate({"text": "Heard.", "captured_at": "2026-05-01T10:00:00+00:00", "plan_items": tags}).plan_items == kept


@pytest.mark.parametrize("tag", ["si onc 1", "SI_ONC", "x" * (CODE_LENGTH + 1), "-SI"])
def test_a_tag_that_is_no_code_is_refused(tag: str) -> None:
    with pytest.raises((ValueError, ValidationError)):
        InsightCreate.model_validate({"text": "Heard.", "captured_at": "2026-05-01T10:00:00+00:00", "plan_items": [tag]})


def test_a_bad_tag_reads_in_plain_words_under_the_forms_name_for_it() -> None:
    [problem] = check(InsightCreate, {"text": "Heard.", "captured_at": "2026-05-01T10:00:00+00:00", "plan_items": ["bad code"]})
    assert str(problem) == "Medical plan: bad code: not a plan item code (such as SI-ONC-1)"
