"""Errors a person can act on. Each message is one line and names the field, row or file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from liaison.core.findings import Finding


class LiaisonError(Exception):
    """Base for every error shown to a user as a single line."""


class ValidationError(LiaisonError):
    """Input that breaks a rule; `field` names where, so the UI can show it beside the input.

    With a `label` (the words the form shows for the field) the one line reads
    "Notes: please write something" rather than naming the field in code.
    """

    def __init__(self, field: str, message: str, *, label: str | None = None) -> None:
        super().__init__(f"{label or field}: {message}")
        self.field = field
        self.message = message
        self.label = label


class ValidationErrors(ValidationError):
    """Every problem of one input at once, one line each, so the MSL fixes them all in one go rather than one per try.

    It is a `ValidationError` about its first problem, for callers that show one.
    """

    def __init__(self, problems: Sequence[ValidationError]) -> None:
        if not problems:
            raise ValueError("ValidationErrors needs at least one problem")
        self.problems = list(problems)
        first = self.problems[0]
        LiaisonError.__init__(self, "\n".join(str(problem) for problem in self.problems))
        self.field, self.message, self.label = first.field, first.message, first.label

    @classmethod
    def of(cls, problems: Sequence[ValidationError]) -> ValidationError:
        """One problem as itself, several together."""
        return problems[0] if len(problems) == 1 else cls(problems)


class NotFound(LiaisonError):
    """A record id that does not exist (or was deleted)."""


class ImmutableRecord(LiaisonError):
    """A write to a submitted record, which may only be amended."""


class WrongPassphrase(LiaisonError):
    """The passphrase does not unwrap the data key."""


class KeyFileError(LiaisonError):
    """The key file is missing, unreadable or corrupt; the message names the file."""


class KeyringUnavailable(LiaisonError):
    """No OS key store exists, so the data key cannot be remembered on this device."""


class UnstorableChange(LiaisonError):
    """A change from the server holds a value this device cannot store; nothing of its page was written."""

    def __init__(self, table: str, record_id: str, problem: ValidationError) -> None:
        super().__init__(f"{table} {record_id}, {problem}")
        self.table, self.record_id, self.field = table, record_id, problem.field


class StoreError(LiaisonError):
    """The encrypted database cannot be opened or is damaged."""


class StorageFull(StoreError):
    """The device has no room for a write; the transaction rolled back, so nothing of it was kept."""

    MESSAGE = "the device's storage is full: free some space; nothing of this change was written"

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class StoreDamaged(StoreError):
    """A page of the database fails its integrity check: the file was damaged on disk, not by a wrong key."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path}: the store is damaged (a page fails its integrity check); stop using this device and contact support, "
            "who can restore it from a backup or re-enrol the device so it syncs again from the server"
        )
        self.path = path


class Locked(LiaisonError):
    """The store is locked: the data key is not in memory."""


class RulesFileError(LiaisonError):
    """The compliance rules file cannot be used; the message names the file and the rule or line."""


class ComplianceFindings(LiaisonError):
    """Text or a record that the pre-submit compliance review objects to; `findings` lists why.

    The first line of the message says what to do; one line per finding follows,
    so the CLI and the UI can show every phrase with its reason.
    """

    field = "justification"

    def __init__(self, headline: str, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        self.message = headline
        super().__init__("\n".join([headline, *(f"- {finding.summary()}" for finding in self.findings)]))


class JustificationRequired(ComplianceFindings):
    """Findings an MSL may override, but only with a written justification (audited, reported to the manager)."""


class ComplianceBlocked(ComplianceFindings):
    """Findings no justification overrides, such as a proactive off-label discussion."""
