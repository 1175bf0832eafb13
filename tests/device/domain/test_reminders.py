"""In-app reminders speak up when an adverse event gets louder, and never repeat a level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from liaison.core.rules.safety import Urgency
from liaison.device.domain.reminders import OpenEvent, Reminders, summary

AWARE = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def event(event_id: str = "ae-1", product: str = "zentrolimab", aware: datetime = AWARE, hours: int = 24) -> OpenEvent:
    return OpenEvent(id=event_id, product=product, aware_at=aware, deadline=aware + timedelta(hours=hours))


def at(hours: float) -> datetime:
    return AWARE + timedelta(hours=hours)


def test_nothing_is_said_while_an_event_is_on_track() -> None:
    assert Reminders().check([event()], at(1)) == []


def test_each_level_is_announced_once_as_the_deadline_nears() -> None:
    reminders, events = Reminders(), [event()]
    heard = [[(item.level, item.message) for item in reminders.check(events, at(hours))] for hours in (1, 12, 13, 18, 24, 30, 40)]
    assert heard == [
        [],
        [(Urgency.DUE_SOON, "Adverse event report (zentrolimab) is due soon: due in 12 h 0 min")],
        [],
        [(Urgency.URGENT, "Adverse event report (zentrolimab) is urgent: due in 6 h 0 min")],
        [],
        [(Urgency.OVERDUE, "Adverse event report (zentrolimab) is overdue: overdue by 6 h 0 min")],
        [],
    ]


def test_opening_the_app_late_announces_the_level_reached_not_every_step_to_it() -> None:
    [reminder] = Reminders().check([event()], at(20))
    assert reminder.level is Urgency.URGENT


def test_a_reported_event_is_forgotten_and_a_new_one_is_announced_on_its_own() -> None:
    reminders = Reminders()
    assert [item.event_id for item in reminders.check([event("ae-1")], at(13))] == ["ae-1"]
    assert reminders.check([], at(14)) == [], "ae-1 was reported: the clock stopped"
    late = event("ae-2", aware=at(-30))
    assert [(item.event_id, item.level) for item in reminders.check([late], at(14))] == [("ae-2", Urgency.OVERDUE)]


def test_an_event_that_falls_back_is_announced_again_when_it_climbs() -> None:
    reminders = Reminders()
    assert reminders.check([event()], at(19))[0].level is Urgency.URGENT
    corrected = event(aware=at(10))  # the awareness time was corrected: hours more to go
    assert reminders.check([corrected], at(19)) == []
    assert reminders.check([corrected], at(22))[0].level is Urgency.DUE_SOON


def test_several_at_once_come_loudest_first_in_one_line() -> None:
    found = Reminders().check([event("soon", "orvatinib"), event("late", "glupetide", aware=at(-30))], at(13))
    assert [item.event_id for item in found] == ["late", "soon"]
    assert summary(found) == f"{found[0].message}; 1 more adverse event report needs attention"
    assert summary(found[:1]) == found[0].message and summary([]) == ""
