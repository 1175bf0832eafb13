"""In-app reminders for adverse-event deadlines: say it when an event gets louder, and only then.

The app asks `Reminders.check` every minute or so while it is open, with the
events still to be reported. An event is announced when it first reaches "due
soon" or above and again each time it climbs a level; the same level is never
repeated. Should an event fall back (its awareness time was corrected), the next
climb is announced afresh. Events no longer passed in (reported) are forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from liaison.core.rules.safety import (
    DEFAULT_POLICY,
    EscalationPolicy,
    Urgency,
    time_left,
    urgency,
)


@dataclass(frozen=True)
class OpenEvent:
    """What a reminder needs to know of an adverse event not yet reported."""

    id: str
    product: str
    aware_at: datetime
    deadline: datetime


@dataclass(frozen=True)
class Reminder:
    event_id: str
    level: Urgency
    message: str


class Reminders:
    def __init__(self, policy: EscalationPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy
        self._announced: dict[str, Urgency] = {}

    def check(self, events: Iterable[OpenEvent], now: datetime) -> list[Reminder]:
        """The events that climbed to a louder level since the last check, loudest first."""
        due: list[Reminder] = []
        current: dict[str, Urgency] = {}
        for event in events:
            level = urgency(event.aware_at, event.deadline, now, self.policy)
            current[event.id] = level
            if level > Urgency.ON_TRACK and level > self._announced.get(event.id, Urgency.ON_TRACK):
                due.append(Reminder(event.id, level, _message(event, level, now)))
        self._announced = current
        return sorted(due, key=lambda reminder: -reminder.level)


def _message(event: OpenEvent, level: Urgency, now: datetime) -> str:
    return f"Adverse event report ({event.product}) is {level.label}: {time_left(event.deadline, now)}"


def summary(reminders: list[Reminder]) -> str:
    """One line for a banner: the loudest reminder, and how many more need attention."""
    if not reminders:
        return ""
    others = len(reminders) - 1
    if not others:
        return reminders[0].message
    plural = others != 1
    return f"{reminders[0].message}; {others} more adverse event report{'s' if plural else ''} need{'' if plural else 's'} attention"
