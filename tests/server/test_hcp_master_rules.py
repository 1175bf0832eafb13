"""The master-data rules of an HCP: who shares a requested one, who sets its status, and how a steward's merge
moves a filed record's HCP link where a device's edit would only propose an amendment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liaison.core.clock import ALL_FIELDS, Stamp
from liaison.core.errors import ValidationError
from liaison.core.merge import RecordState, merge
from liaison.core.protocol import Change
from liaison.core.records.kinds import STEWARD_DEVICE, kind_for
from liaison.core.records.models import LONG_TEXT, Hcp
from liaison.core.records.shape import check_values
from liaison.server.errors import ApiError
from liaison.server.models import FreshRecord, User
from liaison.server.scope import check_stewarded, check_write, log_territory

ADA = User(id=1, email="ada@example.org", name="Ada", role="msl", territory="north", created_at=datetime.now(UTC))
BEN = User(id=2, email="ben@example.org", name="Ben", role="msl", territory="north", created_at=datetime.now(UTC))
DORA = User(id=3, email="dora@example.org", name="Dora", role="data_steward", created_at=datetime.now(UTC))


def change(fields: dict[str, object]) -> Change:
    return Change(change_id="c1", table="hcp", record_id="h1", fields=fields, clocks={ALL_FIELDS: Stamp(1, 0, "d1").encode()}, device_id="d1")


@pytest.mark.parametrize(("status", "shared"), [("approved", True), (None, True), ("requested", False), ("rejected", False), ("merged", False)])
def test_a_requested_hcp_stays_with_its_author_and_an_approved_one_goes_to_the_territory(status: str | None, shared: bool) -> None:
    fields = {"name": "Dr A"} | ({"master_status": status} if status else {})
    assert kind_for("hcp").shared_with_territory(fields) is shared
    assert log_territory("hcp", fields, "north") == ("north" if shared else None)
    assert log_territory("interaction", {}, "north") == "north", "only the kinds that declare it"


def test_a_device_requests_or_imports_an_hcp_and_only_the_steward_moves_its_status_on() -> None:
    check_stewarded(ADA, change({"name": "Dr A", "master_status": "requested", "merged_into": None}), None)
    check_stewarded(ADA, change({"name": "Dr A", "master_status": "approved"}), None)
    with pytest.raises(ApiError, match="only the data steward sets master_status"):
        check_stewarded(ADA, change({"name": "Dr A", "master_status": "merged"}), None)
    held = FreshRecord("hcp", "h1", {"name": "Dr A", "master_status": "requested"}, {}, 1, "north")
    check_stewarded(ADA, change({"notes": "met at ESC", "master_status": "requested"}), held)
    with pytest.raises(ApiError, match="only the data steward sets steward_note"):
        check_stewarded(ADA, change({"steward_note": "fine"}), held)
    check_stewarded(DORA, change({"master_status": "approved"}), held)


def test_another_msl_of_the_territory_cannot_write_to_a_request() -> None:
    held = FreshRecord("hcp", "h1", {"name": "Dr A", "master_status": "requested"}, {}, 1, "north")
    check_write(ADA, "hcp", "h1", held, None)
    with pytest.raises(ApiError, match="stays with the MSL who requested it"):
        check_write(BEN, "hcp", "h1", held, None)
    held.fields["master_status"] = "approved"
    check_write(BEN, "hcp", "h1", held, None)


def test_a_stewards_merge_repoints_a_filed_interaction_where_a_device_edit_proposes_an_amendment() -> None:
    filed = RecordState({"hcp_id": "request", "status": "submitted", "notes": "x"}, {ALL_FIELDS: Stamp(1, 0, "tablet").encode()})
    steward = merge("interaction", filed, {"hcp_id": "existing"}, {ALL_FIELDS: Stamp(2, 0, STEWARD_DEVICE).encode()}, filed.clocks)
    assert steward.state.fields["hcp_id"] == "existing" and steward.amendments == {}
    device = merge("interaction", filed, {"hcp_id": "existing"}, {ALL_FIELDS: Stamp(2, 0, "laptop").encode()}, filed.clocks)
    assert device.state.fields["hcp_id"] == "request" and device.amendments == {"hcp_id": "existing"}


def test_hcp_notes_hold_long_text_and_no_more() -> None:
    check_values(Hcp, {"notes": "x" * LONG_TEXT})
    with pytest.raises(ValidationError) as refused:
        check_values(Hcp, {"notes": "x" * (LONG_TEXT + 1)})
    assert refused.value.field == "notes"
