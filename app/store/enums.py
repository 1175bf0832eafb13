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
