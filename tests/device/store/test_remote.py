"""Wire values as record fields: one definition of what a device can store, used by the device and the server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from liaison.core import wire
from liaison.core.errors import UnstorableChange, ValidationError
from liaison.core.protocol import Change
from liaison.core.records.models import AdverseEvent, ComplianceOverride, Hcp, Interaction, MedicalInquiry, TrialSite
from liaison.core.records.shape import check_values, quick_check, typed, typed_values
from liaison.device.store.models import OutboxEntry, SyncState
from liaison.device.store.store import Store
from liaison.device.sync.apply import apply_pull
from tests.conftest import PASSPHRASE

CASES: list[tuple[type, str, Any]] = [
    (Hcp, "kol_tier", 2),
    (Hcp, "kol_tier", "2"),
    (Hcp, "kol_tier", "top"),
    (Hcp, "kol_tier", None),
    (Hcp, "name", None),
    (Hcp, "therapeutic_areas", ["Oncology"]),
    (Hcp, "therapeutic_areas", "Oncology"),
    (Hcp, "identifiers", {"rpps": "1"}),
    (Hcp, "identifiers", {"rpps": None}),
    (Hcp, "contact_consent", "yes"),
    (Interaction, "occurred_at", "2026-11-24T10:00:00.123456Z"),
    (Interaction, "occurred_at", "2026-11-24T10:00:00"),
    (Interaction, "occurred_at", None),
    (Interaction, "submitted_at", None),
    (Interaction, "channel", "phone"),
    (Interaction, "channel", "carrier pigeon"),
    (Interaction, "follow_ups", [{"text": "Call back", "due": None}]),
    (MedicalInquiry, "signature", [[[0.1, 0.2]]]),
    (MedicalInquiry, "signature", "scribble"),
    (AdverseEvent, "aware_at", "2026-11-24T10:00:00+01:00"),
    (AdverseEvent, "seriousness", "mild-ish"),
]


def refused(call: Any) -> bool:
    try:
        call()
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize(("model", "name", "value"), CASES)
def test_a_change_is_checked_as_a_whole_exactly_as_each_value_is_on_its_own(model: type, name: str, value: Any) -> None:
    assert refused(lambda: check_values(model, {name: value})) == refused(lambda: typed(model, name, value))


def test_the_refusal_names_the_field_and_where_inside_it() -> None:
    with pytest.raises(ValidationError) as refusal:
        check_values(Hcp, {"name": "Dr A", "therapeutic_areas": ["Oncology", 7]})
    assert refusal.value.field == "therapeutic_areas"
    assert str(refusal.value) == "therapeutic_areas: 1: input should be a valid string"
    with pytest.raises(ValidationError, match=r"^occurred_at: input should have timezone info$"):
        check_values(Interaction, {"occurred_at": "2026-11-24T10:00:00"})


UNSTORABLE: list[tuple[type, str, Any]] = [
    (Hcp, "kol_tier", 2**63),
    (Hcp, "kol_tier", 99),
    (Hcp, "kol_tier", 0),
    (Hcp, "name", "x" * 201),
    (Hcp, "name", "Dr\x00A"),
    (Hcp, "npi", "123"),
    (Hcp, "country", "France"),
    (Hcp, "email", "nobody"),
    (Hcp, "identifiers", {"rpps\x00": "1"}),
    (Hcp, "identifiers", {"rpps": "1\x00"}),
    (Hcp, "therapeutic_areas", ["Onco\x00logy"]),
    (Hcp, "created_by", "a\x00"),
    (Hcp, "device_id", "d" * 65),
    (TrialSite, "enrolment_target", -1),
    (TrialSite, "enrolment_target", 2**63),
    (TrialSite, "enrolment_actual", -(2**63) - 1),
    (TrialSite, "issues", [{"text": "a\x00"}]),
    (TrialSite, "issues", [{"count": 2**64}]),
    (TrialSite, "issues", [{"x": [float("nan")]}]),
    (MedicalInquiry, "signature", [[[0.1, float("nan")]]]),
    (MedicalInquiry, "signature", [[[float("inf"), 0.2]]]),
    (AdverseEvent, "patient_initials", "John Doe"),
    (AdverseEvent, "patient_age", 131),
    (AdverseEvent, "reporter", ""),
    (Interaction, "follow_ups", [{"text": ""}]),
    (Interaction, "follow_ups", [{"text": "Call\x00"}]),
    (ComplianceOverride, "justification", "too short"),
]
"""Values no device may store: a rule of the field's model, or the wire rule every value keeps."""


@pytest.mark.parametrize(("model", "name", "value"), UNSTORABLE)
def test_the_push_check_and_the_pull_refuse_the_same_unstorable_value_naming_the_field(model: type, name: str, value: Any) -> None:
    for check in (lambda: check_values(model, {name: value}), lambda: typed(model, name, value), lambda: typed_values(model, {name: value})):
        with pytest.raises(ValidationError) as refusal:
            check()
        assert refusal.value.field == name


@pytest.mark.parametrize(("model", "name", "value"), UNSTORABLE)
def test_the_quick_checks_of_the_pull_never_pass_a_value_the_full_check_refuses(model: type, name: str, value: Any) -> None:
    check = quick_check(model, name)
    assert check is None or not check(value)


def test_the_wire_rule_says_where_inside_a_value_the_problem_is() -> None:
    assert wire.problem({"issues": [{"text": "ok"}, {"n": 2**63}]}) == f"issues.1.n: {wire.INTEGER_PROBLEM}"
    assert wire.problem([[0.5, float("-inf")]]) == f"0.1: {wire.NUMBER_PROBLEM}"
    assert wire.problem({"a\x00b": 1}) == f"'a\\x00b': a key {wire.NUL_PROBLEM}"
    assert wire.problem("café") is None and wire.problem(2**63 - 1) is None and wire.problem(-(2**63)) is None


def test_a_rule_of_the_model_is_read_from_it_not_written_again() -> None:
    """Widen a field's constraint on the model and the push check follows: nothing else holds its own copy."""
    assert refused(lambda: check_values(Hcp, {"kol_tier": 5}))
    assert not refused(lambda: check_values(Hcp, {"kol_tier": 4}))
    assert not refused(lambda: check_values(TrialSite, {"enrolment_target": 2**63 - 1}))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def receiving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Change]]:
    """A device that pulls, and a whole trial site as another device's first write of it (a template for each example)."""
    maker = Store.init(tmp_path_factory.mktemp("maker"), PASSPHRASE, user="colleague@example.org")
    receiver = Store.init(tmp_path_factory.mktemp("receiver"), PASSPHRASE, user="msl@example.org")
    receiver.repository.save_enrollment(SyncState(server_url="https://liaison.example.org", token="t", user_email="msl@example.org", user_name="MSL"))
    maker.repository.create(TrialSite, {"protocol": "ZEN-302", "study": "Zen", "site_name": "Lyon Sud"})
    with maker.repository.session() as session:
        entry = session.exec(select(OutboxEntry)).one()
    template = Change(
        change_id=entry.change_id,
        table=entry.table_name,
        record_id=entry.record_id,
        fields=entry.fields,
        clocks=entry.clocks,
        device_id=maker.device_id,
    )
    yield receiver, template
    maker.close()
    receiver.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issues=st.lists(st.dictionaries(st.text(max_size=6), JSON, max_size=3), max_size=3), target=st.integers(), site=st.text(max_size=210))
def test_every_value_the_push_check_accepts_the_device_stores_and_reads_back_equal(
    receiving: tuple[Store, Change], issues: list[dict[str, Any]], target: int, site: str
) -> None:
    receiver, template = receiving
    record_id = str(uuid.uuid4())
    values = {"issues": issues, "enrolment_target": target, "site_name": site}
    change = template.model_copy(update={"change_id": record_id, "record_id": record_id, "fields": {**template.fields, "id": record_id, **values}})
    if refused(lambda: check_values(TrialSite, values)):
        with pytest.raises(UnstorableChange):
            apply_pull(receiver.repository, [change], "c")
        return
    apply_pull(receiver.repository, [change], "c")
    stored = receiver.repository.get(TrialSite, record_id)
    assert (stored.issues, stored.enrolment_target, stored.site_name) == (issues, target, site)
