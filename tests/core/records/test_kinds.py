"""Specs for the registry of record kinds: one declaration per kind, and every per-kind list agrees with it."""

from __future__ import annotations

import subprocess
import sys
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import pytest

from liaison.core import erasure, merge, protocol
from liaison.core.records import kinds, models
from liaison.core.records.kinds import KINDS, TABLES, Erased, RecordKind, Sharing, kind_for, kind_of, references_to, tables

NOT_REFERENCES = {("amendment", "subject_id"), ("compliance_override", "subject_id"), ("hcp_erasure", "hcp_id")}
"""Ids the repository itself writes beside the record they concern (see `KINDS`), so not checked as references."""


def _allows_none(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, UnionType) and NoneType in get_args(annotation)


def _table_models() -> set[type]:
    return {
        value
        for value in vars(models).values()
        if isinstance(value, type) and issubclass(value, models.Record) and getattr(value, "__table__", None) is not None
    }


def test_every_synced_table_is_a_kind_and_every_kind_a_synced_table() -> None:
    assert protocol.SYNCED_TABLES == TABLES == {kind.table for kind in KINDS}
    assert len(KINDS) == len(TABLES), "each table is declared once"


def test_every_record_table_model_is_declared_as_exactly_one_kind() -> None:
    assert {kind.model for kind in KINDS} == _table_models()
    for kind in KINDS:
        assert kind.model.__tablename__ == kind.table
        assert kind_for(kind.table) is kind_of(kind.model) is kind


def test_each_kind_validates_with_its_own_create_model_which_carries_every_field_but_bookkeeping() -> None:
    for kind in KINDS:
        assert set(kind.model.model_fields) - models.Record.BOOKKEEPING == set(kind.create.model_fields), kind.table


def test_an_unknown_table_is_no_kind() -> None:
    with pytest.raises(KeyError):
        kind_for("outbox")


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.table)
def test_references_name_a_field_of_the_kind_and_a_registered_kind(kind: RecordKind) -> None:
    for reference in kind.references:
        assert reference.kind in TABLES, f"{kind.table}.{reference.field} names unknown kind {reference.kind}"
        annotation = kind.create.model_fields[reference.field].annotation
        if reference.many:
            assert get_origin(annotation) is list and get_args(annotation) == (str,), reference
        else:
            assert str in get_args(annotation) or annotation is str, reference
        assert reference.required == (not _allows_none(annotation) and not reference.many), (
            f"{kind.table}.{reference.field}: declared {'required' if reference.required else 'optional'}, the model says otherwise"
        )


def test_every_field_that_names_a_record_by_id_is_a_declared_reference() -> None:
    for kind in KINDS:
        declared = {reference.field for reference in kind.references}
        ids = {name for name in kind.create.model_fields if name.endswith(("_id", "_ids"))}
        assert ids - declared - {field for table, field in NOT_REFERENCES if table == kind.table} == set(), kind.table


def test_the_workflow_fields_that_move_after_filing_are_fields_of_filed_kinds() -> None:
    for kind in KINDS:
        assert kind.movable_after_filing <= set(kind.model.model_fields), kind.table
        assert kind.filed or not kind.movable_after_filing, kind.table
        assert not kind.filed or {"status", "submitted_at"} <= set(kind.model.model_fields), kind.table
        assert kind.title is None or kind.title in kind.model.model_fields, kind.table


def test_evidence_stands_as_written_and_is_never_deleted() -> None:
    assert tables(write_once=True) == {"compliance_override", "hcp_erasure"}
    assert tables(write_once=True) <= tables(never_deleted=True)
    assert "adverse_event" in tables(never_deleted=True), "pharmacovigilance keeps every adverse event"


def test_a_kind_is_either_filed_or_reviewed_on_every_write_never_both() -> None:
    assert not tables(filed=True) & tables(reviewed_on_write=True)
    assert tables(reviewed_on_write=True) == {"insight", "medical_event"}


def test_the_safety_kinds_sync_first() -> None:
    assert kinds.PRIORITY_TABLES == {"adverse_event", "medical_inquiry"} == tables(priority=True)


def test_every_label_is_a_few_lowercase_words_but_for_the_acronym() -> None:
    for kind in KINDS:
        assert kind.label.replace("HCP", "hcp").replace(" ", "").replace("-", "").isalpha(), kind.label
        assert kind.label.replace("HCP", "hcp").islower(), kind.label


def test_the_merge_lets_move_after_filing_what_local_edits_may_and_the_filing_itself() -> None:
    assert set(merge.FILED_TABLES) == tables(filed=True)
    for table, movable in merge.FILED_TABLES.items():
        assert movable == kind_for(table).movable_after_filing | {"status", "submitted_at"}
    assert tables(write_once=True) == merge.WRITE_ONCE_TABLES


def test_erasure_follows_every_declared_reference_to_an_hcp() -> None:
    followed = {(kind.table, reference.field) for kind, reference in references_to("hcp")}
    assert {(table, name) for table, names in erasure.REFERENCES.items() for name in names} == followed
    assert ("hcp_erasure", "hcp_id") not in followed, "the receipt keeps naming the HCP it erased"


def test_a_record_kept_as_the_hcps_names_the_pseudonym_and_one_that_stands_without_them_drops_the_link() -> None:
    gone = erasure.Erasure.of("hcp-1", {"name": "Dr Marie Curie"})
    for kind, reference in references_to("hcp"):
        value = ["hcp-1", "hcp-2"] if reference.many else "hcp-1"
        scrubbed = gone.scrub(kind.table, {reference.field: value})[reference.field]
        if reference.many:
            assert scrubbed == ["hcp-2"]
        elif reference.erased is Erased.PSEUDONYM:
            assert scrubbed == gone.pseudonym
        else:
            assert scrubbed is None


def test_who_shares_a_kind_is_declared_with_it() -> None:
    assert tables(sharing=Sharing.TERRITORY) == {"hcp"}
    assert tables(sharing=Sharing.PUBLISHED) == {"content_item", "insight_taxonomy", "medical_plan"}
    assert tables(sharing=Sharing.EVERYONE) == {"hcp_erasure"}


def test_core_imports_neither_the_device_nor_the_server() -> None:
    code = (
        "import sys, liaison.core.records.kinds, liaison.core.records.shape, liaison.core.merge, liaison.core.erasure, "
        "liaison.core.protocol; print(sorted(n for n in sys.modules if n.startswith(('liaison.device', 'liaison.server'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
