"""A trial site's issue log and enrolment, changed as the MSL asks: through the repository, so every change syncs and is audited.

The log is one field of the site (`issues`, a list), so opening, closing and
reopening an issue is an edit of that field like any other; who did it and
when is written into the issue itself, where the site's readers see it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from liaison.core.errors import ValidationError
from liaison.core.records.models import TrialSite
from liaison.core.types import utcnow
from liaison.device.store.repository import Repository


def open_issues(site: TrialSite) -> list[tuple[int, dict[str, Any]]]:
    """The issues still open, with their number in the log (1-based, as the MSL refers to them)."""
    return [(number, issue) for number, issue in enumerate(site.issues, start=1) if not issue.get("closed")]


def new_issue(text: str, user: str) -> dict[str, Any]:
    """An issue as the log holds it, opened today by this user."""
    return {"text": text.strip(), "opened": date.today().isoformat(), "opened_by": user, "closed": None}


def log_issue(repository: Repository, site_id: str, text: str) -> TrialSite:
    site = repository.get(TrialSite, site_id)
    return repository.update(TrialSite, site_id, {"issues": [*site.issues, new_issue(text, repository.actor.user)]})


def close_issue(repository: Repository, site_id: str, number: int) -> TrialSite:
    """Mark an issue resolved, saying who closed it and when."""
    now = utcnow()
    return _change_issue(
        repository,
        site_id,
        number,
        want_open=True,
        change={"closed": now.date().isoformat(), "closed_at": now.isoformat(), "closed_by": repository.actor.user},
    )


def reopen_issue(repository: Repository, site_id: str, number: int) -> TrialSite:
    """An issue closed too soon comes back, saying who reopened it and when (its closing stays in the audit log)."""
    change = {"closed": None, "closed_at": None, "closed_by": None, "reopened_at": utcnow().isoformat(), "reopened_by": repository.actor.user}
    return _change_issue(repository, site_id, number, want_open=False, change=change)


def _change_issue(repository: Repository, site_id: str, number: int, *, want_open: bool, change: dict[str, Any]) -> TrialSite:
    site = repository.get(TrialSite, site_id)
    if not 1 <= number <= len(site.issues):
        raise ValidationError("issue", f"site {site.site_name} has no issue {number}; its log holds {len(site.issues)}")
    issue = site.issues[number - 1]
    if bool(issue.get("closed")) == want_open:
        raise ValidationError("issue", f"issue {number} is already {'closed' if want_open else 'open'}")
    issues = [dict(item) for item in site.issues]
    issues[number - 1] = {**issue, **change}
    return repository.update(TrialSite, site_id, {"issues": issues})
