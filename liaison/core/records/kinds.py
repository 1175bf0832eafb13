"""What each kind of record is, declared once: every per-kind list of device and server is derived from `KINDS`.

A kind is its table and field models (`liaison.core.records.models`) together
with the rules that are not fields: the word the MSL reads for it, whether it
is filed (and what may still move afterwards), whether it stands as first
written or is never deleted, whether the compliance review runs on every
write, whether its changes jump the sync queue, which other records it names
by id, and who shares it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlmodel import SQLModel

from liaison.core.enums import MasterStatus
from liaison.core.records.models import (
    AdverseEvent,
    AdverseEventCreate,
    Amendment,
    AmendmentCreate,
    ComplianceOverride,
    ComplianceOverrideCreate,
    ContentItem,
    ContentItemCreate,
    FollowUpTask,
    FollowUpTaskCreate,
    Hcp,
    HcpCreate,
    HcpErasure,
    HcpErasureCreate,
    Insight,
    InsightCreate,
    InsightTaxonomy,
    InsightTaxonomyCreate,
    Interaction,
    InteractionCreate,
    MedicalEvent,
    MedicalEventCreate,
    MedicalInquiry,
    MedicalInquiryCreate,
    MedicalPlanVersion,
    MedicalPlanVersionCreate,
    PlannedVisit,
    PlannedVisitCreate,
    Record,
    TrialSite,
    TrialSiteCreate,
)

FILING_FIELDS = frozenset({"status", "submitted_at"})
"""What a submit itself sets on a filed record: the merge lets them move with it."""


class Erased(Enum):
    """What a reference to an erased HCP becomes (see `liaison.core.erasure`)."""

    PSEUDONYM = "pseudonym"
    """The record is kept as the HCP's: the link names the pseudonym."""
    DROPPED = "dropped"
    """The record stands without the HCP: the link is cleared (an id list loses the id)."""


class Sharing(Enum):
    """Who, besides the author, holds a kind's records (the server's scope rules read this)."""

    OWN = "own"
    """The author's records, and no one else's."""
    TERRITORY = "territory"
    """Every MSL of the record's territory reads and writes it."""
    PUBLISHED = "published"
    """Written by an administrator, read by everyone."""
    EVERYONE = "everyone"
    """Every device receives it, since any may hold records it concerns."""


@dataclass(frozen=True)
class Reference:
    """A field that names another record by id: checked on every local write, followed by an erasure."""

    field: str
    kind: str
    """The referenced kind's table."""
    required: bool = False
    """The field must name a record (it is not optional)."""
    many: bool = False
    """The field holds a list of ids."""
    erased: Erased = Erased.DROPPED


@dataclass(frozen=True)
class RecordKind:
    table: str
    model: type[Record]
    create: type[SQLModel]
    """The model that validates input (and every wire value) for the kind."""
    label: str
    """The kind as the MSL reads it in a sentence: "no adverse event with id …"."""
    filed: bool = False
    """Submitted, then changed only by amendment."""
    movable_after_filing: frozenset[str] = frozenset()
    """Workflow fields a filed record may still change by a plain edit."""
    write_once: bool = False
    """Stands as first written: no edit or delete on any node."""
    never_deleted: bool = False
    reviewed_on_write: bool = False
    """Not submitted, so the compliance review runs on every write."""
    priority: bool = False
    """Safety-critical: changes jump the sync queue (amendments of the kind too), and a refused one is never discarded."""
    references: tuple[Reference, ...] = ()
    sharing: Sharing = Sharing.OWN
    team_readable: bool = False
    """A manager reads their team's records of this kind."""
    title: str | None = None
    """The field that names a record of the kind to the MSL, where one does."""
    authored: frozenset[str] = frozenset()
    """Fields that say who did something (who ticked a task off): the server writes there the user it
    authenticated, never the name a device sent, as it does for `created_by` and `updated_by`."""
    private_while: tuple[str, frozenset[str]] | None = None
    """A field and the values for which a territory-shared record stays with its author alone (an HCP an MSL
    requested, until the data steward approves it): the scope rule reads the record, not only its kind."""
    stewarded: frozenset[str] = frozenset()
    """Master-data fields only the data steward (or an administrator) sets after a record's first write."""

    @property
    def filed_movable(self) -> frozenset[str]:
        """What the merge lets move on a filed record: the filing's own fields and the workflow's."""
        return self.movable_after_filing | FILING_FIELDS if self.filed else frozenset()

    def shared_with_territory(self, fields: Mapping[str, Any]) -> bool:
        """Whether a record with these field values goes to its whole territory, or stays with its author."""
        if self.sharing is not Sharing.TERRITORY:
            return False
        if self.private_while is None:
            return True
        name, private = self.private_while
        return fields.get(name) not in private


def _hcp(field: str, *, required: bool = False, many: bool = False, erased: Erased = Erased.DROPPED) -> Reference:
    return Reference(field, "hcp", required=required, many=many, erased=erased)


KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "hcp",
        Hcp,
        HcpCreate,
        "HCP",
        sharing=Sharing.TERRITORY,
        title="name",
        private_while=("master_status", frozenset({MasterStatus.REQUESTED.value, MasterStatus.REJECTED.value, MasterStatus.MERGED.value})),
        stewarded=frozenset({"master_status", "merged_into", "steward_note"}),
    ),
    RecordKind(
        "interaction",
        Interaction,
        InteractionCreate,
        "interaction",
        filed=True,
        team_readable=True,
        references=(
            _hcp("hcp_id", required=True, erased=Erased.PSEUDONYM),
            Reference("inquiry_id", "medical_inquiry"),
            Reference("materials", "content_item", many=True),
            _hcp("attendee_ids", many=True),
            Reference("planned_visit_id", "planned_visit"),
        ),
    ),
    RecordKind(
        "medical_inquiry",
        MedicalInquiry,
        MedicalInquiryCreate,
        "medical inquiry",
        filed=True,
        movable_after_filing=frozenset({"status"}),
        priority=True,
        title="question",
        references=(_hcp("hcp_id", required=True, erased=Erased.PSEUDONYM), Reference("interaction_id", "interaction")),
    ),
    RecordKind(
        "adverse_event",
        AdverseEvent,
        AdverseEventCreate,
        "adverse event",
        filed=True,
        # the case reference is the number pharmacovigilance gives a filed event: workflow, not a fact amended
        movable_after_filing=frozenset({"status", "case_reference"}),
        never_deleted=True,
        priority=True,
        title="product",
        references=(_hcp("reporter_hcp_id", erased=Erased.PSEUDONYM), Reference("interaction_id", "interaction")),
    ),
    RecordKind(
        "insight",
        Insight,
        InsightCreate,
        "insight",
        reviewed_on_write=True,
        team_readable=True,
        title="text",
        references=(
            _hcp("hcp_id"),
            Reference("interaction_id", "interaction"),
            Reference("medical_event_id", "medical_event"),
            Reference("duplicate_of", "insight"),
        ),
    ),
    RecordKind(
        "follow_up",
        FollowUpTask,
        FollowUpTaskCreate,
        "follow-up",
        team_readable=True,
        title="text",
        authored=frozenset({"done_by"}),
        references=(
            _hcp("hcp_id", required=True, erased=Erased.PSEUDONYM),
            Reference("interaction_id", "interaction"),
            Reference("inquiry_id", "medical_inquiry"),
        ),
    ),
    RecordKind(
        "planned_visit",
        PlannedVisit,
        PlannedVisitCreate,
        "planned visit",
        references=(
            _hcp("hcp_ids", many=True),
            Reference("interaction_id", "interaction"),
        ),
    ),
    RecordKind("trial_site", TrialSite, TrialSiteCreate, "trial site", title="site_name", references=(_hcp("pi_hcp_id"),)),
    RecordKind(
        "medical_event",
        MedicalEvent,
        MedicalEventCreate,
        "medical event",
        reviewed_on_write=True,
        title="title",
        references=(_hcp("attendee_ids", many=True),),
    ),
    RecordKind("content_item", ContentItem, ContentItemCreate, "content item", sharing=Sharing.PUBLISHED, title="title"),
    RecordKind("amendment", Amendment, AmendmentCreate, "amendment"),
    RecordKind("insight_taxonomy", InsightTaxonomy, InsightTaxonomyCreate, "insight taxonomy", sharing=Sharing.PUBLISHED),
    RecordKind("medical_plan", MedicalPlanVersion, MedicalPlanVersionCreate, "medical plan", sharing=Sharing.PUBLISHED),
    RecordKind(
        "compliance_override",
        ComplianceOverride,
        ComplianceOverrideCreate,
        "compliance override",
        write_once=True,
        never_deleted=True,
        team_readable=True,
    ),
    RecordKind(
        "hcp_erasure",
        HcpErasure,
        HcpErasureCreate,
        "HCP erasure receipt",
        write_once=True,
        never_deleted=True,
        sharing=Sharing.EVERYONE,
    ),
)
"""Every synced kind, in the order exports and listings follow.

An amendment's and an override's subject, and an erasure receipt's HCP, name
a record by id too, but are written only by the repository itself alongside
the record they concern (and a receipt outlives its HCP): they are not
references to check.
"""

_BY_TABLE = {kind.table: kind for kind in KINDS}
_BY_MODEL = {kind.model: kind for kind in KINDS}

TABLES: frozenset[str] = frozenset(_BY_TABLE)
"""Every synced table."""


def kind_for(table: str) -> RecordKind:
    """The kind stored in `table`; `KeyError` for a table that holds no synced kind."""
    return _BY_TABLE[table]


def kind_of(model: type[SQLModel]) -> RecordKind:
    """The kind a table model stores; `KeyError` for one that is not a synced kind."""
    return _BY_MODEL[model]  # type: ignore[index]


def tables(**wanted: object) -> frozenset[str]:
    """The tables of the kinds whose attributes equal what is asked: `tables(priority=True)`."""
    return frozenset(kind.table for kind in KINDS if all(getattr(kind, name) == value for name, value in wanted.items()))


PRIORITY_TABLES = tables(priority=True)
"""The safety-critical kinds: their changes (and amendments of them) sync first, and a refused one is never discarded."""


def references_to(table: str) -> Iterator[tuple[RecordKind, Reference]]:
    """Every declared reference naming a record of `table`, with the kind that makes it."""
    for kind in KINDS:
        for reference in kind.references:
            if reference.kind == table:
                yield kind, reference


STEWARD_DEVICE = "server-data-steward"
"""The device id stamped on the data steward's changes (approving, rejecting, merging a requested HCP); no
enrolled device can send it, since the server refuses a change stamped by any device but its sender."""

REPOINTABLE: dict[str, frozenset[str]] = {
    kind.table: frozenset(reference.field for reference in kind.references if reference.kind == "hcp")
    for kind in KINDS
    if any(reference.kind == "hcp" for reference in kind.references)
}
"""The fields naming an HCP, by table: a steward's merge moves them to the existing HCP, on filed records too."""
