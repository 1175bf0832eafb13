"""The fields' fixed vocabularies, kept apart from the models so the command line can offer them as choices without loading SQLModel."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    PHONE = "phone"
    EMAIL = "email"
    CONGRESS = "congress"


class Initiation(StrEnum):
    """Who started the exchange: the MSL (proactive) or the HCP, unsolicited (reactive)."""

    PROACTIVE = "proactive"
    REACTIVE = "reactive"


class Status(StrEnum):
    """Lifecycle of records that are filed: once submitted, they change only by amendment."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class FollowUpStatus(StrEnum):
    """Where a follow-up task stands: open until the MSL ticks it off, and open again if they reopen it."""

    OPEN = "open"
    DONE = "done"


class VisitStatus(StrEnum):
    """Where a planned visit stands: planned until it is cancelled or logged as the interaction it became."""

    PLANNED = "planned"
    CANCELLED = "cancelled"
    LOGGED = "logged"


class InquiryStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ANSWERED = "answered"
    CLOSED = "closed"


class Delivery(StrEnum):
    EMAIL = "email"
    MAIL = "mail"
    PHONE = "phone"
    IN_PERSON = "in_person"


class Seriousness(StrEnum):
    SERIOUS = "serious"
    NON_SERIOUS = "non_serious"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    """The event's outcome at the time of the report, in ICH E2B(R3)'s terms."""

    RECOVERED = "recovered"
    RECOVERING = "recovering"
    NOT_RECOVERED = "not_recovered"
    RECOVERED_WITH_SEQUELAE = "recovered_with_sequelae"
    FATAL = "fatal"
    UNKNOWN = "unknown"


class SeriousnessCriterion(StrEnum):
    """What makes an event serious, as ICH E2B(R3) lists it; naming any one makes the event serious."""

    DEATH = "death"
    LIFE_THREATENING = "life_threatening"
    HOSPITALISATION = "hospitalisation"
    DISABILITY = "disability"
    CONGENITAL_ANOMALY = "congenital_anomaly"
    MEDICALLY_IMPORTANT = "medically_important"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class AeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"


class TrialStatus(StrEnum):
    FEASIBILITY = "feasibility"
    START_UP = "start_up"
    ENROLLING = "enrolling"
    CLOSED = "closed"


class EventKind(StrEnum):
    ADVISORY_BOARD = "advisory_board"
    EDUCATION = "education"
    CONGRESS = "congress"


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.RECOVERED: "Recovered/resolved",
    Outcome.RECOVERING: "Recovering/resolving",
    Outcome.NOT_RECOVERED: "Not recovered/not resolved",
    Outcome.RECOVERED_WITH_SEQUELAE: "Recovered/resolved with sequelae",
    Outcome.FATAL: "Fatal",
    Outcome.UNKNOWN: "Unknown",
}
"""How the outcomes read on screen: E2B's own wording."""

CRITERION_LABELS: dict[SeriousnessCriterion, str] = {
    SeriousnessCriterion.DEATH: "Results in death",
    SeriousnessCriterion.LIFE_THREATENING: "Life-threatening",
    SeriousnessCriterion.HOSPITALISATION: "Hospitalisation or its prolongation",
    SeriousnessCriterion.DISABILITY: "Persistent or significant disability/incapacity",
    SeriousnessCriterion.CONGENITAL_ANOMALY: "Congenital anomaly/birth defect",
    SeriousnessCriterion.MEDICALLY_IMPORTANT: "Other medically important condition",
}
"""How the seriousness criteria read on screen: E2B's own wording."""


class MasterStatus(StrEnum):
    """Where an HCP stands in the master data: one an MSL adds on a device is a request until the data steward decides."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"
