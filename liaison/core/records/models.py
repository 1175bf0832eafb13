"""The MSL's records, in the field's own terms: one model of each kind's fields, shared by device and server.

Each kind follows SQLModel's pattern: a `…Base` with the fields a person
enters and their rules, the table model that adds the bookkeeping every record
carries (id, times, author, device, tombstone, per-field clock stamps), and the
`…Create` model that validates input before it reaches the repository (and,
through `WireValues`, that every value is one any device and the server can store).
The device stores the table models; the server reads their fields and column
types to check what is pushed (`liaison.core.records.shape`). What each kind is
beyond its fields (label, filing, references, sharing) is declared once in
`liaison.core.records.kinds`.

List-valued fields (therapeutic areas, topics, attendees) are JSON columns: each
is one field for the field-level merge, which is how an MSL thinks of them.
References between records (an interaction's HCP) are checked by the repository
against the kinds' declared references rather than by SQL foreign keys, because
sync may deliver records in any order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import ValidationInfo, field_validator, model_validator
from sqlalchemy import JSON, Index, String, Text, text
from sqlmodel import Field, SQLModel

from liaison.core.enums import (
    AeStatus,
    Channel,
    Delivery,
    EventKind,
    FollowUpStatus,
    Initiation,
    InquiryStatus,
    MasterStatus,
    Outcome,
    Seriousness,
    SeriousnessCriterion,
    Sex,
    Status,
    TrialStatus,
    VisitStatus,
)
from liaison.core.errors import ValidationError
from liaison.core.rules.medical_plan import checked_codes
from liaison.core.rules.safety import latest_date, settled_seriousness
from liaison.core.rules.trials import checked_issues
from liaison.core.types import UtcDateTime
from liaison.core.wire import WireValues

LONG_TEXT = 10_000
"""The most a long free-text field holds (notes, descriptions, agendas): pages of text, not a pasted document."""
SHORT_TEXT = 5_000
"""A question, an insight, a summary: a few paragraphs."""
REASON_TEXT = 2_000
"""A reason, a justification, a medication list: a paragraph or two."""


def _text_list() -> Any:
    return Field(default_factory=list, sa_type=JSON)


class Record(SQLModel):
    """Bookkeeping every synced record carries; the repository fills it, never the user."""

    id: str = Field(primary_key=True, max_length=36)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    created_by: str = Field(max_length=200)
    updated_by: str = Field(max_length=200)
    device_id: str = Field(max_length=64)
    deleted: bool = Field(default=False, index=True)
    deleted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    clocks: dict[str, str] = Field(default_factory=dict, sa_type=JSON)

    BOOKKEEPING: ClassVar[frozenset[str]] = frozenset(
        {"id", "created_at", "updated_at", "created_by", "updated_by", "device_id", "deleted", "deleted_at", "clocks"}
    )


# --- HCP -------------------------------------------------------------------


class Affiliation(SQLModel):
    """Where an HCP works and as what: an institution, and optionally the department and their role there."""

    institution: str = Field(max_length=200)
    department: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=120)

    @field_validator("institution", "department", "role")
    @classmethod
    def _tidy(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _tidied(value, required=info.field_name == "institution")


class Publication(SQLModel):
    """A paper of the HCP's: what a KOL profile is read for; the DOI or PubMed id finds it again."""

    title: str = Field(max_length=500)
    journal: str = Field(max_length=200)
    year: int = Field(ge=1900, le=2100)
    doi: str | None = Field(default=None, max_length=200)
    pmid: str | None = Field(default=None, max_length=12)

    @field_validator("title", "journal")
    @classmethod
    def _tidy(cls, value: str) -> str | None:
        return _tidied(value, required=True)

    @field_validator("doi")
    @classmethod
    def _doi_shape(cls, value: str | None) -> str | None:
        value = _tidied(value)
        if value is None:
            return None
        value = value.removeprefix("https://doi.org/").removeprefix("doi:")
        if not value.startswith("10.") or "/" not in value:
            raise ValueError("must look like 10.1000/xyz123")
        return value

    @field_validator("pmid")
    @classmethod
    def _pmid_digits(cls, value: str | None) -> str | None:
        value = _tidied(value)
        if value is not None and not value.isdigit():
            raise ValueError("must be digits only, e.g. 31978945")
        return value


class TrialInvolvement(SQLModel):
    """A study the HCP takes part in, in which role; `trial_site_id` names our trial site record where there is one."""

    study: str = Field(max_length=200)
    role: str = Field(max_length=120, description="e.g. principal investigator, sub-investigator, steering committee")
    trial_site_id: str | None = Field(default=None, max_length=36)

    @field_validator("study", "role", "trial_site_id")
    @classmethod
    def _tidy(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _tidied(value, required=info.field_name != "trial_site_id")


class HcpBase(SQLModel):
    """An HCP's profile. `specialty`, `institution`, `email` and `phone` are the primary values (searched, filtered,
    shown first); `specialties`, `other_emails` and `other_phones` hold the further ones, and `affiliations` every
    institution with department and role."""

    name: str = Field(min_length=1, max_length=200)
    specialty: str | None = Field(default=None, max_length=120)
    institution: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, max_length=2, description="ISO 3166-1 alpha-2")
    territory: str | None = Field(default=None, max_length=64)
    kol_tier: int | None = Field(default=None, ge=1, le=4, description="1 = national/international KOL … 4 = local")
    therapeutic_areas: list[str] = _text_list()
    npi: str | None = Field(default=None, max_length=10)
    identifiers: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    other_emails: list[str] = Field(default_factory=list, sa_type=JSON, max_length=20)
    other_phones: list[str] = Field(default_factory=list, sa_type=JSON, max_length=20)
    address: str | None = Field(default=None, max_length=500, sa_type=Text)
    specialties: list[str] = Field(default_factory=list, sa_type=JSON, max_length=20, description="further specialties besides `specialty`")
    affiliations: list[Affiliation] = Field(default_factory=list, sa_type=JSON, max_length=50)
    publications: list[Publication] = Field(default_factory=list, sa_type=JSON, max_length=500)
    trials: list[TrialInvolvement] = Field(default_factory=list, sa_type=JSON, max_length=100)
    contact_consent: bool = False
    consent_recorded_at: datetime | None = Field(default=None, sa_type=UtcDateTime, description="when the consent answer now held was recorded")
    notes: str | None = Field(default=None, max_length=LONG_TEXT, sa_type=Text)
    master_status: MasterStatus = Field(
        default=MasterStatus.APPROVED, sa_type=String(16), description="requested on a device until the data steward approves, rejects or merges"
    )
    merged_into: str | None = Field(default=None, max_length=36, description="the existing HCP a merged request became")
    steward_note: str | None = Field(default=None, max_length=REASON_TEXT, sa_type=Text, description="the data steward's reason")

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("npi")
    @classmethod
    def _npi_is_ten_digits(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not (len(value) == 10 and value.isdigit()):
            raise ValueError("must be 10 digits")
        return value

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not (len(value) == 2 and value.isalpha()):
            raise ValueError("must be a two-letter country code such as US or DE")
        return value.upper()

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        local, _, domain = value.partition("@")
        if not local or "." not in domain:
            raise ValueError("must look like name@example.org")
        return value

    @field_validator("other_emails")
    @classmethod
    def _emails_shape(cls, value: list[str]) -> list[str]:
        return _distinct(_email(item) for item in value if item.strip())

    @field_validator("other_phones")
    @classmethod
    def _phones_shape(cls, value: list[str]) -> list[str]:
        return _distinct(_phone(item) for item in value if item.strip())

    @field_validator("specialties")
    @classmethod
    def _specialties_short(cls, value: list[str]) -> list[str]:
        tidy = _distinct(" ".join(item.split()) for item in value if item.strip())
        for item in tidy:
            if len(item) > 120:
                raise ValueError(f"{item[:20]}…: at most 120 characters each")
        return tidy

    @field_validator("address")
    @classmethod
    def _address_tidy(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @field_validator("trials")
    @classmethod
    def _one_role_per_study(cls, value: list[TrialInvolvement]) -> list[TrialInvolvement]:
        return list({(item.study, item.role): item for item in value}.values())


class Hcp(HcpBase, Record, table=True):
    __tablename__ = "hcp"
    __table_args__ = (Index("ix_hcp_deleted_name", "deleted", "name"),)
    affiliations: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)  # type: ignore[assignment]
    publications: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)  # type: ignore[assignment]
    trials: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)  # type: ignore[assignment]


class HcpCreate(WireValues, HcpBase):
    pass


# --- Interaction -------------------------------------------------------------


class FollowUp(SQLModel):
    text: str = Field(min_length=1, max_length=500)
    due: date | None = None
    done: bool = False


class InteractionBase(SQLModel):
    hcp_id: str = Field(index=True, max_length=36)
    occurred_at: datetime = Field(sa_type=UtcDateTime, index=True)
    channel: Channel = Field(sa_type=String(32))
    therapeutic_area: str | None = Field(default=None, max_length=80)
    products: list[str] = _text_list()
    topics: list[str] = _text_list()
    initiation: Initiation = Field(default=Initiation.PROACTIVE, sa_type=String(32))
    materials: list[str] = _text_list()
    notes: str = Field(default="", max_length=LONG_TEXT, sa_type=Text)
    follow_ups: list[FollowUp] = Field(default_factory=list, sa_type=JSON)
    inquiry_id: str | None = Field(default=None, max_length=36)
    off_label: bool = Field(default=False, description="off-label use was discussed: allowed only reactively, linked to an attested medical inquiry")
    status: Status = Field(default=Status.DRAFT, sa_type=String(32))
    submitted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    plan_items: list[str] = Field(default_factory=list, sa_type=JSON, max_length=50, description="codes of the medical plan's items it served")
    attendee_ids: list[str] = Field(
        default_factory=list, sa_type=JSON, max_length=50, description="further HCPs of a group meeting; `hcp_id` is the lead"
    )
    planned_visit_id: str | None = Field(default=None, max_length=36, description="the planned visit this interaction was logged from")

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _require_aware(value)

    @field_validator("plan_items")
    @classmethod
    def _plan_codes(cls, value: list[str]) -> list[str]:
        return checked_codes(value)

    @model_validator(mode="after")
    def _attendees_besides_the_lead(self) -> InteractionBase:
        """Each further attendee once, and never the lead again: a group meeting counts each HCP once."""
        self.attendee_ids = [item for item in _distinct(self.attendee_ids) if item and item != self.hcp_id]
        return self


NO_FOLLOW_UPS = "[]"
"""How an interaction's empty follow-up list is stored; only the others are in `ix_interaction_with_follow_ups`."""


class Interaction(InteractionBase, Record, table=True):
    __tablename__ = "interaction"
    __table_args__ = (
        Index("ix_interaction_hcp_occurred", "hcp_id", "occurred_at"),
        Index("ix_interaction_status_occurred", "status", "occurred_at"),
        Index("ix_interaction_with_follow_ups", "deleted", sqlite_where=text(f"follow_ups != '{NO_FOLLOW_UPS}'")),
    )
    follow_ups: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)  # type: ignore[assignment]


class InteractionCreate(WireValues, InteractionBase):
    pass


# --- Follow-up task ----------------------------------------------------------


class FollowUpTaskBase(SQLModel):
    """Something the MSL promised an HCP, as a task of its own: opened, ticked off, reopened or moved to another day.

    Filing an interaction turns each item of its `follow_ups` into one; the
    item stays on the interaction as filed. `done_by` names who ticked it off:
    the device writes its signed-in MSL, the server the user it authenticated.
    """

    text: str = Field(min_length=1, max_length=500)
    due: date | None = Field(default=None, index=True)
    status: FollowUpStatus = Field(default=FollowUpStatus.OPEN, sa_type=String(32))
    done_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    done_by: str | None = Field(default=None, max_length=200)
    hcp_id: str = Field(index=True, max_length=36)
    interaction_id: str | None = Field(default=None, max_length=36, index=True)
    inquiry_id: str | None = Field(default=None, max_length=36)

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("done_at")
    @classmethod
    def _done_aware(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _require_aware(value)

    @model_validator(mode="after")
    def _done_says_when_and_who(self) -> FollowUpTaskBase:
        """Raised as the store's own error, so the one line names `done_at` rather than the whole record."""
        if self.status == FollowUpStatus.DONE and (self.done_at is None or not self.done_by):
            raise ValidationError("done_at", "a done follow-up says when and by whom; tick it off to set both")
        if self.status == FollowUpStatus.OPEN and (self.done_at is not None or self.done_by):
            raise ValidationError("done_at", "an open follow-up is not done yet; reopen it to clear when and by whom")
        return self


class FollowUpTask(FollowUpTaskBase, Record, table=True):
    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_status_due", "deleted", "status", "due"),)


class FollowUpTaskCreate(WireValues, FollowUpTaskBase):
    pass


# --- Planned visit ----------------------------------------------------------

VISIT_MINUTES = (5, 720)
"""A visit lasts from five minutes to a (long) working day."""


class PlannedVisitBase(SQLModel):
    """A visit the MSL plans with one or more HCPs: on the calendar until cancelled, or logged as the interaction it became.

    `hcp_ids[0]` leads (the interaction's `hcp_id` when it is logged), the rest
    attend. An erased HCP leaves the list; a visit stays the MSL's own plan.
    """

    hcp_ids: list[str] = Field(default_factory=list, sa_type=JSON, min_length=1, max_length=50)
    starts_at: datetime = Field(sa_type=UtcDateTime, index=True)
    duration_minutes: int = Field(default=30, ge=VISIT_MINUTES[0], le=VISIT_MINUTES[1])
    place: str | None = Field(default=None, max_length=200)
    channel: Channel = Field(default=Channel.IN_PERSON, sa_type=String(32))
    objectives: list[str] = Field(default_factory=list, sa_type=JSON, max_length=20)
    plan_items: list[str] = Field(default_factory=list, sa_type=JSON, max_length=50, description="medical-plan item codes the visit serves")
    status: VisitStatus = Field(default=VisitStatus.PLANNED, sa_type=String(32))
    cancel_reason: str | None = Field(default=None, max_length=REASON_TEXT, sa_type=Text)
    interaction_id: str | None = Field(default=None, max_length=36, index=True)

    @field_validator("hcp_ids")
    @classmethod
    def _each_hcp_once(cls, value: list[str]) -> list[str]:
        tidy = _distinct(item.strip() for item in value if item and item.strip())
        if not tidy:
            raise ValueError("name at least one HCP")
        return tidy

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _require_aware(value)

    @field_validator("place", "cancel_reason")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return _tidied(value)

    @field_validator("objectives")
    @classmethod
    def _objectives_short(cls, value: list[str]) -> list[str]:
        tidy = _distinct(" ".join(item.split()) for item in value if item.strip())
        for item in tidy:
            if len(item) > 500:
                raise ValueError(f"{item[:20]}…: at most 500 characters each")
        return tidy

    @field_validator("plan_items")
    @classmethod
    def _codes_short(cls, value: list[str]) -> list[str]:
        tidy = _distinct(item.strip() for item in value if item.strip())
        for item in tidy:
            if len(item) > 64 or any(char.isspace() for char in item):
                raise ValueError(f"{item[:20]}: a plan item is a short code without spaces")
        return tidy

    @model_validator(mode="after")
    def _status_says_why(self) -> PlannedVisitBase:
        """Raised as the store's own error, so the one line names the field rather than the whole record."""
        if self.status == VisitStatus.LOGGED and not self.interaction_id:
            raise ValidationError("interaction_id", "a logged visit names the interaction it became; log it to set both")
        if self.status != VisitStatus.LOGGED and self.interaction_id:
            raise ValidationError("interaction_id", "only a logged visit names an interaction")
        if self.status != VisitStatus.CANCELLED and self.cancel_reason:
            raise ValidationError("cancel_reason", "only a cancelled visit has a reason for it")
        return self


class PlannedVisit(PlannedVisitBase, Record, table=True):
    __tablename__ = "planned_visit"
    __table_args__ = (Index("ix_planned_visit_deleted_starts", "deleted", "starts_at"),)


class PlannedVisitCreate(WireValues, PlannedVisitBase):
    pass


# --- Medical inquiry ---------------------------------------------------------


class MedicalInquiryBase(SQLModel):
    hcp_id: str = Field(index=True, max_length=36)
    received_at: datetime = Field(sa_type=UtcDateTime)
    question: str = Field(min_length=1, max_length=SHORT_TEXT, sa_type=Text, description="the HCP's question, verbatim")
    product: str | None = Field(default=None, max_length=120)
    off_label: bool = False
    unsolicited_attested: bool = False
    signature: list[list[list[float]]] | None = Field(default=None, sa_type=JSON, description="the HCP's signature as strokes of (x, y) points")
    delivery: Delivery = Field(default=Delivery.EMAIL, sa_type=String(32))
    interaction_id: str | None = Field(default=None, max_length=36)
    status: InquiryStatus = Field(default=InquiryStatus.DRAFT, sa_type=String(32))
    submitted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    @field_validator("received_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _require_aware(value)


class MedicalInquiry(MedicalInquiryBase, Record, table=True):
    __tablename__ = "medical_inquiry"


class MedicalInquiryCreate(WireValues, MedicalInquiryBase):
    pass


# --- Adverse event -----------------------------------------------------------


class AdverseEventBase(SQLModel):
    reporter: str = Field(min_length=1, max_length=200, description="who told the MSL (name and role)")
    reporter_hcp_id: str | None = Field(default=None, max_length=36, index=True)
    aware_at: datetime = Field(sa_type=UtcDateTime, description="when the MSL became aware: the clock starts here")
    deadline_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    patient_initials: str | None = Field(default=None, max_length=4)
    patient_age: int | None = Field(default=None, ge=0, le=130)
    patient_sex: Sex = Field(default=Sex.UNKNOWN, sa_type=String(32))
    product: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=1, max_length=LONG_TEXT, sa_type=Text)
    seriousness: Seriousness = Field(default=Seriousness.UNKNOWN, sa_type=String(32))
    seriousness_criteria: list[SeriousnessCriterion] = Field(
        default_factory=list, sa_type=JSON, description="ICH E2B seriousness criteria; naming one makes the event serious"
    )
    onset_date: date | None = Field(default=None, description="when the event began: not after awareness")
    outcome: Outcome | None = Field(default=None, sa_type=String(32))
    concomitant_medication: str | None = Field(default=None, max_length=REASON_TEXT, sa_type=Text)
    reporter_contact: str | None = Field(default=None, max_length=300, description="how pharmacovigilance reaches the reporter")
    case_reference: str | None = Field(
        default=None, max_length=64, description="the company's safety case number: arrives after filing, set without an amendment"
    )
    interaction_id: str | None = Field(default=None, max_length=36)
    status: AeStatus = Field(default=AeStatus.DRAFT, sa_type=String(32))
    submitted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    @field_validator("aware_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _require_aware(value)

    @model_validator(mode="before")
    @classmethod
    def _criteria_always_checked(cls, data: Any) -> Any:
        """Pydantic skips validating a default, but "serious" with no criteria breaks the rule: check them even when absent."""
        if isinstance(data, dict) and data.get("seriousness_criteria") is None:
            return {**data, "seriousness_criteria": []}
        return data

    @field_validator("seriousness_criteria")
    @classmethod
    def _criteria_agree(cls, value: list[SeriousnessCriterion], info: ValidationInfo) -> list[SeriousnessCriterion]:
        value = list(dict.fromkeys(value))
        if info.data is not None:  # a record's fields together; a lone wire value has no seriousness to agree with
            settled_seriousness(info.data.get("seriousness", Seriousness.UNKNOWN), value)
        return value

    @field_validator("onset_date")
    @classmethod
    def _onset_not_after_awareness(cls, value: date | None, info: ValidationInfo) -> date | None:
        aware_at = (info.data or {}).get("aware_at")
        if value is not None and aware_at is not None and value > latest_date(aware_at):
            raise ValueError("is after the moment you became aware; the event began before you heard of it")
        return value

    @field_validator("concomitant_medication", "reporter_contact", "case_reference")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @model_validator(mode="after")
    def _criteria_make_it_serious(self) -> AdverseEventBase:
        self.seriousness = Seriousness(settled_seriousness(self.seriousness, self.seriousness_criteria))
        return self

    @field_validator("patient_initials")
    @classmethod
    def _initials_only(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.replace(".", "").isalpha():
            raise ValueError("initials only (letters), never a full name")
        return value.upper()


class AdverseEvent(AdverseEventBase, Record, table=True):
    __tablename__ = "adverse_event"


class AdverseEventCreate(WireValues, AdverseEventBase):
    pass


# --- Insight -----------------------------------------------------------------


class InsightBase(SQLModel):
    text: str = Field(min_length=1, max_length=SHORT_TEXT, sa_type=Text)
    theme: str | None = Field(default=None, max_length=80)
    therapeutic_area: str | None = Field(default=None, max_length=80)
    product: str | None = Field(default=None, max_length=120)
    hcp_id: str | None = Field(default=None, max_length=36, index=True)
    interaction_id: str | None = Field(default=None, max_length=36)
    medical_event_id: str | None = Field(default=None, max_length=36)
    captured_at: datetime = Field(sa_type=UtcDateTime)
    duplicate_of: str | None = Field(
        default=None, max_length=36, description="an insight already captured that reports the same signal: counted once"
    )
    plan_items: list[str] = Field(default_factory=list, sa_type=JSON, max_length=50, description="codes of the medical plan's items it speaks to")

    @field_validator("captured_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _require_aware(value)

    @field_validator("plan_items")
    @classmethod
    def _plan_codes(cls, value: list[str]) -> list[str]:
        return checked_codes(value)


class Insight(InsightBase, Record, table=True):
    __tablename__ = "insight"


class InsightCreate(WireValues, InsightBase):
    pass


# --- Trial site --------------------------------------------------------------


class TrialSiteBase(SQLModel):
    study: str = Field(max_length=200)
    protocol: str = Field(min_length=1, max_length=64)
    site_name: str = Field(min_length=1, max_length=200)
    pi_hcp_id: str | None = Field(default=None, max_length=36, index=True)
    status: TrialStatus = Field(default=TrialStatus.FEASIBILITY, sa_type=String(32))
    enrolment_target: int = Field(default=0, ge=0)
    enrolment_actual: int = Field(default=0, ge=0)
    issues: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_type=JSON,
        description="the site's issue log: each {text, opened, closed}, a closed one with closed_at and closed_by, a reopened one reopened_at/_by",
    )

    @field_validator("issues")
    @classmethod
    def _issues_in_words(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return checked_issues(value)


class TrialSite(TrialSiteBase, Record, table=True):
    __tablename__ = "trial_site"


class TrialSiteCreate(WireValues, TrialSiteBase):
    pass


# --- Medical event -----------------------------------------------------------


class MedicalEventBase(SQLModel):
    kind: EventKind = Field(sa_type=String(32))
    title: str = Field(min_length=1, max_length=200)
    starts_at: datetime = Field(sa_type=UtcDateTime)
    location: str | None = Field(default=None, max_length=200)
    attendee_ids: list[str] = _text_list()
    agenda: str = Field(default="", max_length=LONG_TEXT, sa_type=Text)
    outcomes: str = Field(default="", max_length=LONG_TEXT, sa_type=Text)

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _require_aware(value)


class MedicalEvent(MedicalEventBase, Record, table=True):
    __tablename__ = "medical_event"


class MedicalEventCreate(WireValues, MedicalEventBase):
    pass


# --- Content library ---------------------------------------------------------


class ContentItemBase(SQLModel):
    title: str = Field(min_length=1, max_length=300)
    version: str = Field(min_length=1, max_length=20)
    approval_code: str = Field(min_length=1, max_length=64)
    expires_on: date
    therapeutic_area: str | None = Field(default=None, max_length=80)
    product: str | None = Field(default=None, max_length=120)
    summary: str = Field(default="", max_length=SHORT_TEXT, sa_type=Text)


class ContentItem(ContentItemBase, Record, table=True):
    __tablename__ = "content_item"


class ContentItemCreate(WireValues, ContentItemBase):
    pass


# --- Insight taxonomy -------------------------------------------------------


class InsightTaxonomyBase(SQLModel):
    """One version of the insight-theme taxonomy, published by an administrator to every device."""

    version: int = Field(ge=1, index=True)
    document: dict[str, Any] = Field(sa_type=JSON, description="the taxonomy as published; see liaison/core/rules/taxonomy.py")

    @model_validator(mode="after")
    def _a_valid_taxonomy(self) -> InsightTaxonomyBase:
        from liaison.core.rules.taxonomy import TaxonomyError, parse

        try:
            parsed = parse(self.document)
        except TaxonomyError as exc:
            raise ValueError(str(exc)) from None
        if parsed.version != self.version:
            raise ValueError(f"version: {self.version} differs from the document's version {parsed.version}")
        return self


class InsightTaxonomy(InsightTaxonomyBase, Record, table=True):
    __tablename__ = "insight_taxonomy"


class InsightTaxonomyCreate(WireValues, InsightTaxonomyBase):
    pass


# --- Medical plan -------------------------------------------------------------


class MedicalPlanVersionBase(SQLModel):
    """One version of the medical plan (strategic imperatives, listening priorities, key scientific statements),
    published by an administrator to every device."""

    version: int = Field(ge=1, index=True)
    document: dict[str, Any] = Field(sa_type=JSON, description="the plan as published; see liaison/core/rules/medical_plan.py")

    @model_validator(mode="after")
    def _a_valid_plan(self) -> MedicalPlanVersionBase:
        from liaison.core.rules.medical_plan import PlanError, parse

        try:
            parsed = parse(self.document)
        except PlanError as exc:
            raise ValueError(str(exc)) from None
        if parsed.version != self.version:
            raise ValueError(f"version: {self.version} differs from the document's version {parsed.version}")
        return self


class MedicalPlanVersion(MedicalPlanVersionBase, Record, table=True):
    __tablename__ = "medical_plan"


class MedicalPlanVersionCreate(WireValues, MedicalPlanVersionBase):
    pass


# --- Amendment ---------------------------------------------------------------


class AmendmentBase(SQLModel):
    """A change to a submitted record: the original stays as filed, this says what changed and why."""

    subject_table: str = Field(max_length=40)
    subject_id: str = Field(max_length=36, index=True)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    reason: str = Field(min_length=1, max_length=REASON_TEXT, sa_type=Text)

    @model_validator(mode="after")
    def _has_changes(self) -> AmendmentBase:
        if not self.changes:
            raise ValueError("an amendment must change at least one field")
        return self


class Amendment(AmendmentBase, Record, table=True):
    __tablename__ = "amendment"


class AmendmentCreate(WireValues, AmendmentBase):
    pass


# --- Compliance override -----------------------------------------------------

MIN_JUSTIFICATION = 20
"""Characters a justification needs: enough for a reason a reviewer can judge, not a shrug."""


class ComplianceOverrideBase(SQLModel):
    """Flagged text filed anyway, with the MSL's written reason: kept, synced and reported to their manager."""

    subject_table: str = Field(max_length=40)
    subject_id: str = Field(max_length=36, index=True)
    findings: list[dict[str, Any]] = Field(sa_type=JSON, description="each {field, rule_id, category, phrase, reason}")
    justification: str = Field(max_length=REASON_TEXT, sa_type=Text)
    overridden_at: datetime = Field(sa_type=UtcDateTime)

    @field_validator("justification")
    @classmethod
    def _a_real_reason(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value) < MIN_JUSTIFICATION:
            raise ValueError(f"write at least {MIN_JUSTIFICATION} characters saying why the flagged text is appropriate")
        return value

    @field_validator("findings")
    @classmethod
    def _findings_named(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not value:
            raise ValueError("an override must name the findings it overrides")
        for finding in value:
            missing = sorted({"rule_id", "category", "phrase", "reason"} - set(finding))
            if missing:
                raise ValueError(f"each finding needs {missing[0]}")
        return value

    @field_validator("overridden_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _require_aware(value)


class ComplianceOverride(ComplianceOverrideBase, Record, table=True):
    __tablename__ = "compliance_override"


class ComplianceOverrideCreate(WireValues, ComplianceOverrideBase):
    pass


# --- HCP erasure --------------------------------------------------------------


class HcpErasureBase(SQLModel):
    """The receipt of an HCP's erasure on request: kept, synced to every device, and free of their personal data."""

    hcp_id: str = Field(max_length=36, index=True)
    pseudonym: str = Field(min_length=1, max_length=40, description="what the HCP's records call them from now on")
    requested_at: datetime = Field(sa_type=UtcDateTime, description="when the HCP asked to be erased")
    reason: str = Field(
        min_length=1, max_length=REASON_TEXT, sa_type=Text, description="the request and its basis, without the HCP's name or contacts"
    )
    erased_by: str = Field(min_length=1, max_length=200)

    @field_validator("requested_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _require_aware(value)

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must say why (e.g. 'request by e-mail of 3 March, GDPR art. 17')")
        return value


class HcpErasure(HcpErasureBase, Record, table=True):
    __tablename__ = "hcp_erasure"


class HcpErasureCreate(WireValues, HcpErasureBase):
    pass


def _tidied(value: str | None, *, required: bool = False) -> str | None:
    """Inner runs of spaces made one; blank is no value, refused where one is required."""
    tidy = " ".join((value or "").split()) or None
    if tidy is None and required:
        raise ValueError("must not be blank")
    return tidy


def _email(value: str) -> str:
    value = value.strip()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        raise ValueError(f"{value}: must look like name@example.org")
    return value


_PHONE_CHARACTERS = frozenset("0123456789+-()./ ")


def _phone(value: str) -> str:
    value = " ".join(value.split())
    if set(value) - _PHONE_CHARACTERS or sum(char.isdigit() for char in value) < 4 or len(value) > 40:
        raise ValueError(f"{value[:40]}: must be a phone number such as +44 20 7946 0000")
    return value


def _distinct(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone")
    return value
