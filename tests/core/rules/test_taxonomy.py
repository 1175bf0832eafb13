"""The insight taxonomy: the bundled file, and the one-line errors that name the theme or field at fault."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from liaison.core.rules.taxonomy import THEMES_FILE, TaxonomyError, bundled, newest, parse

FORMER_THEMES = (
    "unmet_need",
    "efficacy_perception",
    "safety_perception",
    "patient_selection",
    "treatment_sequencing",
    "access_barriers",
    "trial_design",
    "real_world_evidence",
    "competitor_landscape",
    "education_gap",
    "dosing_administration",
    "off_label_interest",
)


def document() -> dict[str, Any]:
    return copy.deepcopy(json.loads(THEMES_FILE.read_text(encoding="utf-8")))


def test_the_bundled_taxonomy_covers_the_therapeutic_areas_and_keeps_every_former_theme() -> None:
    taxonomy = bundled()
    assert taxonomy.version >= 2
    assert {area.label for area in taxonomy.areas} >= {"Oncology", "Cardiometabolic", "Immunology", "Rare disease", "Women's health", "Neuroscience"}
    assert all(len(area.themes) >= 3 for area in taxonomy.areas)
    assert set(FORMER_THEMES) <= {theme.id for theme in taxonomy.shared}
    assert all(theme.keywords for theme in taxonomy.themes)
    ids = [theme.id for theme in taxonomy.themes]
    assert len(ids) == len(set(ids))


def test_free_text_therapeutic_areas_find_their_area_and_its_themes() -> None:
    taxonomy = bundled()
    assert taxonomy.area_of("Haematology").id == "oncology"  # type: ignore[union-attr]
    assert taxonomy.area_of("womens health").id == "womens_health"  # type: ignore[union-attr]
    assert taxonomy.area_of("Astrology") is None and taxonomy.area_of(None) is None
    oncology = {theme.id for theme in taxonomy.themes_for("Oncology")}
    assert "onc_biomarker_testing" in oncology and "cm_adherence" not in oncology and "unmet_need" in oncology
    assert len(taxonomy.themes_for("Astrology")) == len(taxonomy.themes)
    assert taxonomy.label("onc_irae_management") == "Immune-related adverse event management"
    assert taxonomy.label("a_theme_from_the_future") == "a_theme_from_the_future"
    assert taxonomy.option_text(taxonomy.theme("onc_tumour_board")) == "Oncology · Multidisciplinary tumour board decisions"  # type: ignore[arg-type]


def _break(path: str, value: Any) -> dict[str, Any]:
    broken = document()
    target: Any = broken
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is _DELETE:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return broken


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("version", "three", "version: must be a whole number of 1 or more"),
        ("format", "something-else/9", "format: must be 'liaison-insight-taxonomy/1'"),
        ("shared_themes.1.keywords", [], "theme efficacy_perception: keywords: must be a non-empty list"),
        ("shared_themes.2.label", " ", "theme safety_perception: label: must be text of 1 to 120 characters"),
        ("shared_themes.3.id", "Patient Selection", "theme Patient Selection: id: must be lower-case letters"),
        ("shared_themes.4.id", "unmet_need", "theme unmet_need: id: appears twice"),
        ("therapeutic_areas.0.themes.0.keywords", ["ngs", ""], "theme onc_biomarker_testing: keywords: every keyword must be a non-blank phrase"),
        ("therapeutic_areas.1.themes", "weight", "therapeutic area cardiometabolic: themes: must be a list of themes"),
        ("therapeutic_areas.2.label", _DELETE, "therapeutic area immunology: label: must be text"),
        ("therapeutic_areas.3.id", "oncology", "therapeutic area oncology: id: appears twice"),
        ("therapeutic_areas.4.themes.0", "contraception", "therapeutic area womens_health: themes: theme #1: must be an object"),
    ],
)
def test_a_broken_taxonomy_is_refused_in_one_line_naming_the_theme_and_field(path: str, value: Any, message: str) -> None:
    with pytest.raises(TaxonomyError) as refused:
        parse(_break(path, value))
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_newer_of_the_published_and_the_bundled_taxonomy_is_in_force() -> None:
    shipped = bundled()
    newer = document() | {
        "version": shipped.version + 1,
        "shared_themes": document()["shared_themes"] + [{"id": "new_theme", "label": "New", "keywords": ["novel"]}],
    }
    assert newest(newer).theme("new_theme") is not None
    assert newest(document() | {"version": 1}) is shipped
    assert newest({"version": "garbled"}) is shipped
    assert newest(None) is shipped
