"""The follow-up task as a kind: its own author's (read by their manager), linked to where it came from, done by someone at some moment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liaison.core import erasure
from liaison.core.errors import ValidationError
from liaison.core.records.kinds import Erased, Sharing, kind_for
from liaison.core.records.models import FollowUpTask, FollowUpTaskCreate
from liaison.core.records.shape import check_values

DONE_AT = datetime(2026, 11, 30, 9, tzinfo=UTC)


def test_a_follow_up_is_shared_like_the_interaction_it_came_from() -> None:
    task, interaction = kind_for("follow_up"), kind_for("interaction")
    assert task.model is FollowUpTask and task.create is FollowUpTaskCreate and task.label == "follow-up"
    assert (task.sharing, task.team_readable) == (interaction.sharing, interaction.team_readable) == (Sharing.OWN, True)
    assert not (task.filed or task.write_once or task.never_deleted or task.priority)


def test_it_names_its_hcp_interaction_and_inquiry_and_stays_the_hcps_after_an_erasure() -> None:
    references = {reference.field: reference for reference in kind_for("follow_up").references}
    assert {name: reference.kind for name, reference in references.items()} == {
        "hcp_id": "hcp",
        "interaction_id": "interaction",
        "inquiry_id": "medical_inquiry",
    }
    assert references["hcp_id"].required and references["hcp_id"].erased is Erased.PSEUDONYM


def test_who_ticked_it_off_is_the_servers_to_say() -> None:
    assert kind_for("follow_up").authored == {"done_by"}
    assert all(not kind_for(table).authored for table in ("hcp", "interaction", "adverse_event"))


def test_an_erasure_keeps_the_task_as_the_pseudonyms_without_its_words() -> None:
    gone = erasure.Erasure.of("hcp-1", {"name": "Dr Marie Curie", "email": "marie@example.org"})
    fields = {
        "text": "Mail marie@example.org the renal data",
        "hcp_id": "hcp-1",
        "interaction_id": "int-1",
        "status": "done",
        "done_by": "ada@example.org",
    }
    assert gone.concerns("follow_up", "fu-1", fields)
    assert gone.scrub("follow_up", fields) == {**fields, "text": erasure.ERASED_FOLLOW_UP, "hcp_id": gone.pseudonym}


def test_an_open_task_is_valid_with_its_text_and_hcp_alone_and_its_text_is_tidied() -> None:
    task = FollowUpTaskCreate.model_validate({"text": "  Send   the data ", "hcp_id": "hcp-1"})
    assert (task.text, task.status, task.due, task.done_at, task.done_by) == ("Send the data", "open", None, None, None)


@pytest.mark.parametrize(
    "values",
    [
        {"status": "done"},
        {"status": "done", "done_at": DONE_AT},
        {"status": "open", "done_at": DONE_AT, "done_by": "ada@example.org"},
    ],
)
def test_done_says_when_and_by_whom_and_open_says_neither(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as refused:
        FollowUpTaskCreate.model_validate({"text": "Send the data", "hcp_id": "hcp-1", **values})
    assert refused.value.field == "done_at"


def test_a_done_task_carries_both() -> None:
    task = FollowUpTaskCreate.model_validate({"text": "x", "hcp_id": "h", "status": "done", "done_at": DONE_AT, "done_by": "ada@example.org"})
    assert task.status == "done"


def test_the_shape_checker_judges_each_wire_value_alone() -> None:
    check_values(FollowUpTask, {"status": "done", "done_at": DONE_AT.isoformat()})
    with pytest.raises(ValidationError) as refused:
        check_values(FollowUpTask, {"done_at": "2026-11-30T09:00:00"})
    assert refused.value.field == "done_at"
