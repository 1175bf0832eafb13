"""`liaison`: with no sub-command it runs the app; sub-commands serve scripting, support and tests.

Every sub-command takes `--data-dir` (or LIAISON_DATA_DIR) and reads the
passphrase from LIAISON_PASSPHRASE or a hidden prompt. A problem is reported as
one line naming the field, row or file, with a non-zero exit; nothing is
half-written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core
from rich.console import Console

from liaison.core.enums import Channel, Initiation
from liaison.core.errors import ComplianceFindings, LiaisonError, ValidationErrors
from liaison.device.ae_cli import register as _register_ae
from liaison.device.compliance_cli import kept_as_draft
from liaison.device.compliance_cli import register as _register_compliance
from liaison.device.config import load_settings
from liaison.device.data_dir import default_data_dir
from liaison.device.erasure_cli import register as _register_erasure
from liaison.device.followup_cli import register as _register_followup
from liaison.device.sync_cli import register as _register_sync
from liaison.device.trial_cli import register as _register_trial
from liaison.device.visit_cli import register as _register_visit

if TYPE_CHECKING:
    from rich.progress import Progress
    from typer._click import Context  # Typer vendors Click; it does not install it

    from liaison.device.domain.brief import Brief
    from liaison.device.locale import Display
    from liaison.device.store.store import Store

# The store, its models and SQLModel are imported inside the commands that use them,
# here and in the sub-command modules: `liaison` with no sub-command starts the app,
# which imports them on a thread while its page loads (see liaison.device.ui.entry).

PASSPHRASE_ENV = "LIAISON_PASSPHRASE"
DATA_DIR_ENV = "LIAISON_DATA_DIR"

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class _Group(typer.core.TyperGroup):
    """Turns a LiaisonError anywhere below into one line on stderr (one per problem, all listed) and exit status 1."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationErrors as exc:
            for problem in exc.problems:
                err.print(f"error: {problem}", markup=False)
            raise typer.Exit(1) from None
        except LiaisonError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None


cli = typer.Typer(
    cls=_Group,
    name="liaison",
    help="Liaison: the offline-first field app for Medical Science Liaisons.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
hcp_cli = typer.Typer(help="The HCP directory.", no_args_is_help=True)
interaction_cli = typer.Typer(help="Scientific exchanges with HCPs.", no_args_is_help=True)
import_cli = typer.Typer(help="Bring records in from files.", no_args_is_help=True)
passphrase_cli = typer.Typer(help="The passphrase that unlocks this store.", no_args_is_help=True)
cli.add_typer(hcp_cli, name="hcp")
cli.add_typer(interaction_cli, name="interaction")
cli.add_typer(import_cli, name="import")
cli.add_typer(passphrase_cli, name="passphrase")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar=DATA_DIR_ENV, help="Where the encrypted store lives.", show_default=False),
]


# --- plumbing ----------------------------------------------------------------


def main() -> None:
    cli()


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"error: {message}", markup=False)
    raise SystemExit(code)


def resolve_data_dir(data_dir: Path | None) -> Path:
    return data_dir if data_dir is not None else default_data_dir(load_settings())


def read_passphrase(prompt: str = "Passphrase", *, confirm: bool = False, env: bool = True) -> str:
    if env and os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        fail(f"passphrase: set {PASSPHRASE_ENV} or run in a terminal to be asked")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


@contextmanager
def opened(data_dir: Path | None) -> Iterator[Store]:
    """Unlock the store for one command and lock it again, whatever happens."""
    from liaison.device.store import keys
    from liaison.device.store.store import Store

    path = resolve_data_dir(data_dir)
    if not keys.key_file_path(path).exists():
        fail(f"{path}: no Liaison store here; run 'liaison init --data-dir {path}' first")
    store = Store.open(path, read_passphrase(), settings=load_settings())
    try:
        yield store
    finally:
        store.close()


def progress_bar() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True)


# --- the app -----------------------------------------------------------------


@cli.callback(invoke_without_command=True)
def run_app(
    ctx: typer.Context,
    data_dir: DataDir = None,
    demo: Annotated[bool, typer.Option("--demo", help="Start with demo data and an embedded sync server.")] = False,
    web: Annotated[bool, typer.Option("--web", help="Serve the app to a browser instead of a window.")] = False,
    port: Annotated[int | None, typer.Option("--port", help="Port for --web.")] = None,
    server_url: Annotated[str | None, typer.Option("--server-url", help="Central server (overrides flet.toml).")] = None,
    auto_lock_minutes: Annotated[int | None, typer.Option("--auto-lock-minutes", min=1)] = None,
) -> None:
    """With no sub-command: run the app."""
    if ctx.invoked_subcommand is not None:
        return
    from liaison.device.launch import launch

    settings = load_settings().with_overrides(server_url=server_url, auto_lock_minutes=auto_lock_minutes)
    launch(settings, data_dir, demo=demo, web=web, port=port)


# --- store -------------------------------------------------------------------


@cli.command()
def init(
    data_dir: DataDir = None,
    user: Annotated[str | None, typer.Option("--user", help="Your name or e-mail, stamped on every record.")] = None,
) -> None:
    """Create a new encrypted store, protected by a passphrase you choose."""
    from liaison.device.store import keys
    from liaison.device.store.store import Store

    path = resolve_data_dir(data_dir)
    passphrase = read_passphrase("New passphrase", confirm=True)
    keys.validate_new_passphrase(passphrase)
    Store.init(path, passphrase, user=user, settings=load_settings()).close()
    out.print(f"created an encrypted store in {path}", markup=False)


@passphrase_cli.command("change")
def passphrase_change(data_dir: DataDir = None) -> None:
    """Re-wrap the data key under a new passphrase; the database itself is untouched."""
    from liaison.device.store import keys

    path = resolve_data_dir(data_dir)
    current = read_passphrase("Current passphrase")
    new = os.environ.get("LIAISON_NEW_PASSPHRASE") or read_passphrase("New passphrase", confirm=True, env=False)
    keys.change_passphrase(path, current, new)
    out.print("passphrase changed")


@cli.command("verify-audit")
def verify_audit(data_dir: DataDir = None) -> None:
    """Recompute the audit hash chain, then compare it with its anchor on the server (or the copy kept here)."""
    from liaison.device.store import audit
    from liaison.device.sync.anchoring import verify as verify_anchor

    with opened(data_dir) as store:
        with store.repository.session() as session:
            report = audit.verify(session)
        if not report.intact:
            fail(f"audit chain broken at entry {report.first_broken}: {report.reason}")
        check = verify_anchor(store)
    if not check.intact:
        fail(f"audit chain does not match its anchor on {check.source} at entry {check.first_broken}: {check.reason}")
    if check.source is None:
        out.print(f"audit chain intact: {report.entries} entries; not compared with an anchor: {check.note}", markup=False)
        return
    against = f"matches {check.source} up to entry {check.anchored_seq}" if check.anchored_seq else f"nothing anchored on {check.source} yet"
    out.print(f"audit chain intact: {report.entries} entries; {against}" + (f" ({check.note})" if check.note else ""), markup=False)


# --- HCPs --------------------------------------------------------------------


_EMAILS_HELP = "Repeat for several; the first is the primary e-mail."
_PHONES_HELP = "Repeat for several; the first is the primary phone."
_SPECIALTY_HELP = "Repeat for several; the first is the primary specialty."
_AFFILIATION_HELP = "'Institution | Department | Role' (department and role optional); repeat for several."
_PUBLICATION_HELP = "'Title | Journal | Year | DOI | PMID' (DOI and PMID optional); repeat for several."
_TRIAL_HELP = "'Study | Role | trial site id' (site optional); repeat for several."


def _profile(
    specialty: list[str] | None,
    email: list[str] | None,
    phone: list[str] | None,
    affiliation: list[str] | None,
    publication: list[str] | None,
    trial: list[str] | None,
) -> dict[str, Any]:
    """The profile's repeated options as its fields: the primary values, the further ones, the lists."""
    from liaison.device.domain import hcp_profile as profile

    values: dict[str, Any] = {
        **profile.primary_and_further(specialty, "specialty", "specialties"),
        **profile.primary_and_further(email, "email", "other_emails"),
        **profile.primary_and_further(phone, "phone", "other_phones"),
    }
    lists = {
        "affiliations": profile.entries("affiliation", affiliation, profile.AFFILIATION, 1),
        "publications": profile.entries("publication", publication, profile.PUBLICATION, 3),
        "trials": profile.entries("trial", trial, profile.TRIAL, 2),
    }
    return {**values, **_given(**lists)}


@hcp_cli.command("add")
def hcp_add(
    name: Annotated[str, typer.Option("--name", help="Full name, e.g. 'Dr Marie Curie'.")],
    specialty: Annotated[list[str] | None, typer.Option("--specialty", help=_SPECIALTY_HELP)] = None,
    institution: Annotated[str | None, typer.Option("--institution", help="The primary institution, shown in the directory.")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Two-letter code, e.g. GB.")] = None,
    territory: Annotated[str | None, typer.Option("--territory")] = None,
    tier: Annotated[int | None, typer.Option("--tier", help="KOL tier, 1 (national) to 4 (local).")] = None,
    therapeutic_area: Annotated[list[str] | None, typer.Option("--therapeutic-area", help="Repeat for several.")] = None,
    npi: Annotated[str | None, typer.Option("--npi")] = None,
    email: Annotated[list[str] | None, typer.Option("--email", help=_EMAILS_HELP)] = None,
    phone: Annotated[list[str] | None, typer.Option("--phone", help=_PHONES_HELP)] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    affiliation: Annotated[list[str] | None, typer.Option("--affiliation", help=_AFFILIATION_HELP)] = None,
    publication: Annotated[list[str] | None, typer.Option("--publication", help=_PUBLICATION_HELP)] = None,
    trial: Annotated[list[str] | None, typer.Option("--trial", help=_TRIAL_HELP)] = None,
    consent: Annotated[bool, typer.Option("--consent/--no-consent", help="HCP agreed to be contacted (the time is recorded).")] = False,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    data_dir: DataDir = None,
) -> None:
    """Request a new HCP: usable at once, shared with the territory once the data steward approves it; prints the new id."""
    from liaison.core.enums import MasterStatus
    from liaison.core.records.models import Hcp

    values = _given(
        name=name,
        institution=institution,
        city=city,
        country=country,
        territory=territory,
        kol_tier=tier,
        therapeutic_areas=therapeutic_area or None,
        npi=npi,
        address=address,
        notes=notes,
    )
    values.update(_profile(specialty, email, phone, affiliation, publication, trial))
    values["contact_consent"] = consent
    values["master_status"] = MasterStatus.REQUESTED
    with opened(data_dir) as store:
        out.print(store.repository.create(Hcp, values).id)


@hcp_cli.command("edit")
def hcp_edit(
    hcp_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    specialty: Annotated[list[str] | None, typer.Option("--specialty", help=_SPECIALTY_HELP + " Replaces them all.")] = None,
    institution: Annotated[str | None, typer.Option("--institution")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    country: Annotated[str | None, typer.Option("--country")] = None,
    territory: Annotated[str | None, typer.Option("--territory")] = None,
    tier: Annotated[int | None, typer.Option("--tier")] = None,
    therapeutic_area: Annotated[list[str] | None, typer.Option("--therapeutic-area")] = None,
    npi: Annotated[str | None, typer.Option("--npi")] = None,
    email: Annotated[list[str] | None, typer.Option("--email", help=_EMAILS_HELP + " Replaces them all.")] = None,
    phone: Annotated[list[str] | None, typer.Option("--phone", help=_PHONES_HELP + " Replaces them all.")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    affiliation: Annotated[list[str] | None, typer.Option("--affiliation", help=_AFFILIATION_HELP + " Replaces them all.")] = None,
    publication: Annotated[list[str] | None, typer.Option("--publication", help=_PUBLICATION_HELP + " Replaces them all.")] = None,
    trial: Annotated[list[str] | None, typer.Option("--trial", help=_TRIAL_HELP + " Replaces them all.")] = None,
    consent: Annotated[bool | None, typer.Option("--consent/--no-consent", help="Record consent given, or withdrawn (the time is recorded).")] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    data_dir: DataDir = None,
) -> None:
    """Change some fields of an HCP; fields not given stay as they are. Prints the id."""
    from liaison.core.records.models import Hcp

    changes = _given(
        name=name,
        institution=institution,
        city=city,
        country=country,
        territory=territory,
        kol_tier=tier,
        therapeutic_areas=therapeutic_area or None,
        npi=npi,
        address=address,
        notes=notes,
        contact_consent=consent,
    )
    changes.update(_profile(specialty, email, phone, affiliation, publication, trial))
    if not changes:
        fail("hcp edit: give at least one field to change, e.g. --specialty Cardiology", code=2)
    with opened(data_dir) as store:
        hcp = store.repository.update(Hcp, hcp_id, changes)
    out.print(hcp.id)


@hcp_cli.command("list")
def hcp_list(
    search: Annotated[str, typer.Option("--search", help="Words or their beginnings, e.g. 'mar cur'.")] = "",
    tier: Annotated[int | None, typer.Option("--tier")] = None,
    specialty: Annotated[str | None, typer.Option("--specialty")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    data_dir: DataDir = None,
) -> None:
    """List HCPs, tab-separated: id, name, specialty, institution, tier, and 'requested' or 'rejected' for an HCP not yet in the master data."""
    from liaison.device.store.queries import HcpFilter, search_hcps

    with opened(data_dir) as store, store.repository.session() as session:
        found = search_hcps(session, HcpFilter(search=search, kol_tier=tier, specialty=specialty), limit=limit)
    for hcp in found:
        cells = [_cell(value) for value in (hcp.id, hcp.name, hcp.specialty, hcp.institution, hcp.kol_tier)]
        if hcp.master_status != "approved":
            cells.append(hcp.master_status)
        typer.echo("\t".join(cells))


@hcp_cli.command("brief")
def hcp_brief(hcp_id: Annotated[str, typer.Argument(metavar="ID")], data_dir: DataDir = None) -> None:
    """The pre-call brief: recent interactions, open inquiries and follow-ups, insights, trials, events, content shared, consent."""
    from liaison.device.domain.brief import brief_for
    from liaison.device.locale import machine_display

    display = machine_display()
    with opened(data_dir) as store:
        brief = brief_for(store.repository, hcp_id, display.today(), zone=display.zone)
    for line in _brief_lines(brief, display):
        typer.echo(line)


# --- interactions ------------------------------------------------------------


class ChannelChoice(StrEnum):
    in_person = Channel.IN_PERSON.value
    virtual = Channel.VIRTUAL.value
    phone = Channel.PHONE.value
    email = Channel.EMAIL.value
    congress = Channel.CONGRESS.value


@interaction_cli.command("add")
def interaction_add(
    hcp: Annotated[str, typer.Option("--hcp", help="The HCP's id.")],
    notes: Annotated[str, typer.Option("--notes", help="Summary of the exchange.")],
    channel: Annotated[ChannelChoice, typer.Option("--channel")] = ChannelChoice.in_person,
    at: Annotated[datetime | None, typer.Option("--at", help="When it happened (ISO 8601); default now.")] = None,
    therapeutic_area: Annotated[str | None, typer.Option("--therapeutic-area")] = None,
    product: Annotated[list[str] | None, typer.Option("--product", help="Repeat for several.")] = None,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="Repeat for several.")] = None,
    reactive: Annotated[bool, typer.Option("--reactive", help="The HCP asked, unsolicited.")] = False,
    inquiry: Annotated[str | None, typer.Option("--inquiry", help="The medical inquiry this exchange answered.")] = None,
    off_label: Annotated[bool, typer.Option("--off-label", help="Off-label use was discussed (reactive, with --inquiry).")] = False,
    submit: Annotated[bool, typer.Option("--submit", help="File it now; it can then change only by amendment.")] = False,
    justification: Annotated[str | None, typer.Option("--justification", help="With --submit: why flagged text is appropriate.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Log a scientific exchange with an HCP; prints the new id."""
    from liaison.core.records.models import Interaction

    occurred = at or datetime.now(UTC)
    if occurred.tzinfo is None:
        occurred = occurred.astimezone()
    values = _given(
        hcp_id=hcp,
        notes=notes,
        channel=channel.value,
        occurred_at=occurred,
        therapeutic_area=therapeutic_area,
        products=product or None,
        topics=topic or None,
        initiation=(Initiation.REACTIVE if reactive else Initiation.PROACTIVE).value,
        inquiry_id=inquiry,
        off_label=off_label,
    )
    with opened(data_dir) as store:
        record = store.repository.create(Interaction, values)
        if submit:
            try:
                store.repository.submit(Interaction, record.id, justification=justification)
            except ComplianceFindings as exc:
                fail(kept_as_draft(exc, record.id))
    out.print(record.id)


@interaction_cli.command("list")
def interaction_list(
    hcp: Annotated[str | None, typer.Option("--hcp", help="Only this HCP's.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    data_dir: DataDir = None,
) -> None:
    """List interactions, newest first, tab-separated: id, when, HCP id, channel, status, notes."""
    from liaison.device.store.queries import interactions

    with opened(data_dir) as store, store.repository.session() as session:
        found = interactions(session, hcp_id=hcp, limit=limit)
    for item in found:
        cells = (item.id, item.occurred_at.isoformat(timespec="minutes"), item.hcp_id, item.channel, item.status, item.notes)
        typer.echo("\t".join(_cell(value) for value in cells))


# --- import, export, demo ----------------------------------------------------


@import_cli.command("hcps")
def import_hcps(
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="UTF-8 CSV with a header row.")],
    data_dir: DataDir = None,
) -> None:
    """Import a territory's HCPs from CSV: all rows or none, every bad row listed."""
    from liaison.device.domain.hcp_import import import_hcps as run_import

    with opened(data_dir) as store:
        result = run_import(store.repository, file)
    out.print(f"imported {len(result.ids)} HCPs")


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


@cli.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.jsonl,
    out_file: Annotated[Path | None, typer.Option("--out", help="File to write; default standard output.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Export every record, one a line. The file is plain text: keep it safe."""
    from liaison.device.domain.export import export_records, export_to_file

    with opened(data_dir) as store:
        if out_file is None:
            export_records(store.repository, fmt.value, sys.stdout)
            return
        count = export_to_file(store.repository, fmt.value, out_file)
    err.print(f"exported {count} records to {out_file} (plain text: it holds patient identifiers; keep it safe)", markup=False)


@cli.command()
def demo(
    hcps: Annotated[int, typer.Option("--hcps", min=0)] = 200,
    interactions_: Annotated[int, typer.Option("--interactions", min=0)] = 600,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    data_dir: DataDir = None,
) -> None:
    """Fill the store with realistic, varied, fictional demo data (on an enrolled store: in its territory, without library content)."""
    from liaison.device.domain.demo import TERRITORY, DemoSize, populate
    from liaison.device.store.models import SyncState

    with opened(data_dir) as store, progress_bar() as bar:
        with store.repository.session() as session:
            enrolled = session.get(SyncState, 1)
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        counts = populate(
            store.repository,
            DemoSize(hcps=hcps, interactions=interactions_),
            seed=seed,
            progress=report,
            content=enrolled is None,
            territory=enrolled.territory if enrolled is not None else TERRITORY,
        )
    out.print(", ".join(f"{count} {table}" for table, count in counts.items()), markup=False)


# --- the command groups defined beside their subjects ------------------------

_register_sync(cli, opened, DataDir)
_register_compliance(cli, opened, DataDir)
_register_ae(cli, opened, DataDir)
_register_erasure(hcp_cli, opened, DataDir)
_register_followup(cli, opened, DataDir)
_register_trial(cli, opened, DataDir)
_register_visit(cli, opened, DataDir)


# --- helpers -----------------------------------------------------------------


def _given(**values: Any) -> dict[str, Any]:
    """Only the options the person actually gave."""
    return {name: value for name, value in values.items() if value is not None}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def _brief_lines(brief: Brief, display: Display) -> list[str]:
    """The brief as plain text: a heading per section, one entry a line (ids last, for scripts), details indented."""
    if brief.erased:
        return [brief.name, "This HCP's personal data was erased on request: there is nothing to brief."]
    date = display.date_text
    facts = _joined(brief.specialty, brief.institution, f"KOL tier {brief.kol_tier}" if brief.kol_tier else None)
    lines = [brief.name, *([facts] if facts else []), _consent_line(brief, display), _next_visit_line(brief, display)]

    def section(title: str, entries: list[list[str]]) -> None:
        lines.extend(["", title])
        lines.extend(f"  {line}" if at == 0 else f"    {line}" for entry in entries or [["None."]] for at, line in enumerate(entry) if line)

    shown = f" ({len(brief.interactions)} of {brief.interaction_total})" if brief.interaction_total > len(brief.interactions) else ""
    section(
        "Last interactions" + shown,
        [
            [_joined(date(item.occurred_at), item.channel.replace("_", " "), item.status, ", ".join(item.topics)) + f"  {item.id}", item.excerpt]
            for item in brief.interactions
        ],
    )
    section(
        "Open inquiries",
        [[_joined(date(item.received_at), _days(item.age_days), item.status) + f"  {item.id}", item.question] for item in brief.inquiries],
    )
    section(
        "Open follow-ups" + (f" ({brief.overdue} overdue)" if brief.overdue else ""),
        [
            [_joined("OVERDUE" if item.overdue else None, f"due {date(item.due)}" if item.due else "no due date", item.text) + f"  {item.id}"]
            for item in brief.follow_ups
        ],
    )
    section("Insights", [[_joined(date(item.captured_at), item.theme) + f"  {item.id}", item.text] for item in brief.insights])
    section(
        "Trials at their site",
        [[_joined(site.protocol, site.study, site.site_name, site.status.replace("_", " "), site.role) + f"  {site.id}"] for site in brief.trials],
    )
    section(
        "Events attended",
        [[_joined(date(event.starts_at), event.title, event.kind.replace("_", " ")) + f"  {event.id}"] for event in brief.events],
    )
    section(
        "Content already shared",
        [
            [_joined(item.title, item.approval_code, f"v{item.version}" if item.version else None, f"last shared {date(item.last_shared)}")]
            for item in brief.shared
        ],
    )
    section("Medical plan not yet covered with them", [[_joined(item.code, item.kind, item.title)] for item in brief.uncovered])
    return lines


def _next_visit_line(brief: Brief, display: Display) -> str:
    visit = brief.next_visit
    if visit is None:
        return "Next visit: none planned"
    return "Next visit: " + _joined(display.datetime_text(visit.starts_at), visit.place, ", ".join(visit.objectives)) + f"  {visit.id}"


def _joined(*parts: str | None) -> str:
    return " · ".join(part for part in parts if part)


def _consent_line(brief: Brief, display: Display) -> str:
    consent = brief.consent
    when = f" (recorded {display.date_text(consent.recorded_at)})" if consent and consent.recorded_at else ""
    if consent is not None and consent.given:
        return "Consent: consents to contact" + when
    return "Consent: contact consent withdrawn" + when if when else "Consent: no contact consent on file"


def _days(count: int) -> str:
    return "received today" if count == 0 else f"{count} day{'s' if count != 1 else ''} open"


if __name__ == "__main__":
    main()
