"""`liaison trial …`: trial sites' enrolment and issue log, for scripts and support.

`trial update --enrolled N` warns (on stderr, exit 0) when N passes the site's
target rather than refusing it: a site can really over-enrol. `trial issue
close|reopen ID NUMBER` closes or reopens an issue of the log by its number.

No `from __future__ import annotations` here: typer reads the option types of these nested commands at run time.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from liaison.core.enums import TrialStatus
from liaison.core.rules.trials import over_enrolment

if TYPE_CHECKING:
    from liaison.core.records.models import TrialSite
    from liaison.device.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(cli: typer.Typer, opened: Opener, data_dir_option: Any) -> None:
    trial_cli = typer.Typer(help="Clinical trial sites: enrolment and issue log.", no_args_is_help=True)
    issue_cli = typer.Typer(help="A site's issue log.", no_args_is_help=True)
    cli.add_typer(trial_cli, name="trial")
    trial_cli.add_typer(issue_cli, name="issue")

    @trial_cli.command("list")
    def trial_list(data_dir: data_dir_option = None) -> None:
        """One line per site: id, protocol, site, status, enrolled/target, open issues; over-enrolment warned on stderr."""
        from liaison.device.domain.trials import open_issues
        from liaison.device.store import queries

        with opened(data_dir) as store, store.repository.session() as session:
            sites = queries.trial_sites(session)
        for site in sites:
            typer.echo(
                f"{site.id}\t{site.protocol}\t{site.site_name}\t{site.status}\t{site.enrolment_actual}/{site.enrolment_target}\t"
                f"{len(open_issues(site))} open issue(s)"
            )
            _warn(site)

    @trial_cli.command("show")
    def trial_show(site_id: Annotated[str, typer.Argument(metavar="ID")], data_dir: data_dir_option = None) -> None:
        """A site and its numbered issue log, with who closed each issue and when."""
        from liaison.core.records.models import TrialSite

        with opened(data_dir) as store:
            site = store.repository.get(TrialSite, site_id)
        typer.echo(f"{site.protocol} · {site.site_name} · {site.study} · {site.status} · enrolled {site.enrolment_actual} of {site.enrolment_target}")
        _warn(site)
        for number, issue in enumerate(site.issues, start=1):
            state = (
                f"closed {issue['closed_at']} by {issue.get('closed_by')}"
                if issue.get("closed_at")
                else ("closed" if issue.get("closed") else "open")
            )
            typer.echo(f"{number}\t{state}\t{issue.get('opened', '')}\t{issue.get('text', '')}")

    @trial_cli.command("update")
    def trial_update(
        site_id: Annotated[str, typer.Argument(metavar="ID")],
        enrolled: Annotated[int | None, typer.Option("--enrolled", min=0, help="Patients enrolled so far.")] = None,
        status: Annotated[TrialStatus | None, typer.Option("--status", help="The site's status.")] = None,
        issue: Annotated[str | None, typer.Option("--issue", help="Log a new issue.")] = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """Change a site's enrolment or status, or log an issue; warns when enrolment passes the target."""
        from liaison.core.errors import ValidationError
        from liaison.core.records.models import TrialSite
        from liaison.device.domain.trials import new_issue

        with opened(data_dir) as store:
            site = store.repository.get(TrialSite, site_id)
            changes: dict[str, Any] = {}
            if enrolled is not None:
                changes["enrolment_actual"] = enrolled
            if status is not None:
                changes["status"] = status.value
            if issue:
                changes["issues"] = [*site.issues, new_issue(issue, store.repository.actor.user)]
            if not changes:
                raise ValidationError("ID", "give at least one option to change, e.g. --enrolled 12")
            site = store.repository.update(TrialSite, site_id, changes)
        typer.echo(f"{site.id}\t{site.status}\t{site.enrolment_actual}/{site.enrolment_target}")
        _warn(site)

    @issue_cli.command("close")
    def issue_close(
        site_id: Annotated[str, typer.Argument(metavar="ID")],
        number: Annotated[int, typer.Argument(metavar="NUMBER", help="The issue's number, as `trial show` lists it.")],
        data_dir: data_dir_option = None,
    ) -> None:
        """Close an issue of the site's log; who closed it and when are recorded, and sync carries it."""
        from liaison.device.domain.trials import close_issue

        with opened(data_dir) as store:
            close_issue(store.repository, site_id, number)
        typer.echo(f"closed issue {number} of {site_id}")

    @issue_cli.command("reopen")
    def issue_reopen(
        site_id: Annotated[str, typer.Argument(metavar="ID")],
        number: Annotated[int, typer.Argument(metavar="NUMBER")],
        data_dir: data_dir_option = None,
    ) -> None:
        """Reopen an issue closed too soon; who reopened it and when are recorded."""
        from liaison.device.domain.trials import reopen_issue

        with opened(data_dir) as store:
            reopen_issue(store.repository, site_id, number)
        typer.echo(f"reopened issue {number} of {site_id}")


def _warn(site: "TrialSite") -> None:
    warning = over_enrolment(site.enrolment_actual, site.enrolment_target)
    if warning:
        err.print(f"warning: {site.protocol} {site.site_name}: {warning}", markup=False)
