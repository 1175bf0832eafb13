"""HCPs: search as you type over the whole directory, filters, and each HCP's profile."""

from __future__ import annotations

import flet as ft

from liaison.core.enums import MasterStatus
from liaison.core.records.models import Hcp, Interaction
from liaison.device.locale import Display
from liaison.device.store import queries
from liaison.device.store.engagement import EngagementHistory, engagement_history
from liaison.device.store.queries import HcpFilter
from liaison.device.ui.components.forms import empty, section
from liaison.device.ui.screens.hcp_erasure import ErasureDialog
from liaison.device.ui.state import UiContext

PAGE = 50
HISTORY_PAGE = 50
"""Interactions a profile shows at first and adds per "Show older": a KOL seen weekly has hundreds."""
ENGAGEMENT_MONTHS = 12


class HcpsScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.state = ctx.draft("hcps")
        self.results = ft.ListView(expand=True, spacing=2)
        self.rows: list[_HcpRow] = []
        self.nothing = empty("No HCP matches.")
        self.count = ft.Text("")

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            specialties = queries.specialties(session)
            areas = queries.therapeutic_areas(session)
        search = ft.TextField(
            label="Search HCPs",
            value=self.state.get("search", ""),
            autofocus=True,
            prefix_icon=ft.Icons.SEARCH,
            hint_text="Name, specialty, institution or city",
            on_change=self._typed,
        )
        filters = ft.Row(
            [
                self._filter("tier", "KOL tier", [("", "Any tier")] + [(str(n), f"Tier {n}") for n in range(1, 5)]),
                self._filter("specialty", "Specialty", [("", "Any specialty")] + [(name, name) for name in specialties]),
                self._filter("area", "Therapeutic area", [("", "Any area")] + [(name, name) for name in areas]),
            ],
            wrap=True,
        )
        self.refresh()
        add = ft.FilledButton(content="Add HCP", icon=ft.Icons.PERSON_ADD, on_click=lambda e: self.ctx.navigate("HCPs", add=True))
        return ft.Column([ft.Row([search], wrap=True), ft.Row([add]), filters, self.count, self.results], expand=True, spacing=8)

    def _filter(self, name: str, label: str, options: list[tuple[str, str]]) -> ft.Dropdown:
        return ft.Dropdown(
            label=label,
            width=220,
            value=self.state.get(name) or "",
            options=[ft.DropdownOption(key=key, text=text) for key, text in options],
            on_select=lambda e: self._set(name, e.control.value),
        )

    def _typed(self, e: ft.Event[ft.TextField]) -> None:
        self._set("search", e.control.value)

    def _set(self, name: str, value: str | None) -> None:
        self.state[name] = value or ""
        self.ctx.touch()
        self.refresh()

    def criteria(self) -> HcpFilter:
        tier = self.state.get("tier")
        return HcpFilter(
            search=self.state.get("search", ""),
            kol_tier=int(tier) if tier else None,
            specialty=self.state.get("specialty") or None,
            therapeutic_area=self.state.get("area") or None,
        )

    def refresh(self) -> None:
        """Show the matches in the rows already on screen, adding rows only when there are more matches than rows.

        Refilling the same rows sends the browser only the texts that changed, not a
        new list each keystroke, so results follow the typing.
        """
        with self.ctx.unlocked.repository.session() as session:
            found = queries.search_hcps(session, self.criteria(), limit=PAGE)
        while len(self.rows) < len(found):
            self.rows.append(_HcpRow(self._open))
        for row, hcp in zip(self.rows, found, strict=False):
            row.show(hcp)
        self.results.controls = [row.tile for row in self.rows[: len(found)]] or [self.nothing]
        self.count.value = f"{len(found)}{'+' if len(found) == PAGE else ''} HCPs"

    def _open(self, e: ft.Event[ft.ListTile]) -> None:
        self.ctx.navigate("HCPs", hcp_id=e.control.data)


class _HcpRow:
    """One result row, refilled in place with whichever HCP it shows now; the tile's `data` holds that HCP's id."""

    def __init__(self, on_open: ft.ControlEventHandler[ft.ListTile]) -> None:
        self.initials, self.name, self.facts = ft.Text(""), ft.Text(""), ft.Text("")
        self.badge = ft.Text("", size=12, color=ft.Colors.ERROR, visible=False)
        subtitle = ft.Column([self.facts, self.badge], spacing=0, tight=True)
        self.tile = ft.ListTile(leading=ft.CircleAvatar(content=self.initials), title=self.name, subtitle=subtitle, on_click=on_open)

    def show(self, hcp: Hcp) -> None:
        self.tile.data = hcp.id
        self.initials.value = _initials(hcp.name)
        self.name.value = hcp.name
        self.facts.value = " · ".join(part for part in (hcp.specialty, hcp.institution, f"Tier {hcp.kol_tier}" if hcp.kol_tier else None) if part)
        badge = master_badge(hcp)
        self.badge.value, self.badge.visible = badge or "", badge is not None


def profile(ctx: UiContext, hcp_id: str) -> ft.Control:
    store = ctx.unlocked
    hcp = store.repository.get(Hcp, hcp_id)
    with store.repository.session() as session:
        history = queries.interactions(session, hcp_id=hcp_id, limit=HISTORY_PAGE)
        total = queries.count_interactions(session, hcp_id)
        inquiries = [item for item in queries.inquiries_for(session, hcp_id) if item.status in ("draft", "submitted")]
        trials = queries.trial_sites_for(session, hcp_id)
        insights = queries.insights_for(session, hcp_id)
        events = queries.events_attended(session, hcp_id)
        engagement = engagement_history(session, hcp_id, ENGAGEMENT_MONTHS, today=ctx.display.today(), zone=ctx.display.zone)
    older = _OlderHistory(ctx, hcp_id, history, total)
    badge = master_badge(hcp)
    facts = " · ".join(part for part in (hcp.specialty, hcp.institution, hcp.city, f"KOL tier {hcp.kol_tier}" if hcp.kol_tier else None) if part)
    older.list = ft.ListView(
        [
            ft.Row([ft.TextButton(content="Back to HCPs", icon=ft.Icons.ARROW_BACK, on_click=lambda e: ctx.navigate("HCPs"))]),
            ft.Text(hcp.name, theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            *([ft.Text(badge, color=ft.Colors.ERROR, weight=ft.FontWeight.BOLD)] if badge else []),
            ft.Text(facts),
            ft.Text(", ".join(hcp.therapeutic_areas) or "No therapeutic areas recorded"),
            ft.Text(_consent(hcp, ctx.display), color=None if hcp.contact_consent else ft.Colors.ERROR),
            ft.Row(
                [
                    ft.OutlinedButton(content="Edit", icon=ft.Icons.EDIT, on_click=lambda e: ctx.navigate("HCPs", hcp_id=hcp.id, edit=True)),
                    ft.OutlinedButton(content="Brief", icon=ft.Icons.ASSIGNMENT_OUTLINED, on_click=lambda e: ctx.navigate("Brief", hcp_id=hcp.id)),
                    ft.FilledButton(
                        content=f"Log interaction with {hcp.name}",
                        icon=ft.Icons.ADD,
                        on_click=lambda e: ctx.navigate("Log interaction", hcp_id=hcp.id),
                    ),
                    ft.OutlinedButton(content="Erase personal data", icon=ft.Icons.PERSON_REMOVE, on_click=lambda e: ErasureDialog(ctx, hcp).open()),
                ],
                wrap=True,
            ),
            *_profile_sections(hcp),
            _engagement_section(engagement, ctx.display),
            # The history's rows are the list's own items, not one block: the list lays out only those in view.
            ft.Text(f"Interaction history ({total})" if total else "Interaction history", theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
            *([_history_row(item, ctx.display) for item in history] or [empty("No interactions yet.")]),
            *older.controls(),
            section(
                "Open inquiries", *[ft.Text(f"{ctx.display.date_text(item.received_at)} · {item.question}") for item in inquiries] or [empty("None.")]
            ),
            section("Trials at their site", *[ft.Text(f"{site.protocol} · {site.site_name} · {site.status}") for site in trials] or [empty("None.")]),
            section("Insights", *[ft.Text(f"{ctx.display.date_text(item.captured_at)} · {item.text}") for item in insights] or [empty("None.")]),
            section(
                "Events attended", *[ft.Text(f"{ctx.display.date_text(event.starts_at)} · {event.title}") for event in events] or [empty("None.")]
            ),
        ],
        spacing=12,
        padding=16,
        expand=True,
    )
    return older.list


def master_badge(hcp: Hcp) -> str | None:
    """Where an HCP the MSL requested stands with the data steward; None for one in the master data."""
    if hcp.master_status == MasterStatus.REQUESTED:
        return "Requested — awaiting data steward"
    if hcp.master_status == MasterStatus.REJECTED:
        return f"Rejected: {hcp.steward_note}" if hcp.steward_note else "Rejected by the data steward"
    if hcp.master_status == MasterStatus.MERGED:
        return "Merged into another HCP by the data steward"
    return None


def _engagement_section(history: EngagementHistory, display: Display) -> ft.Control:
    """Interactions by month over the last year, the months with none included, and when the last one was."""
    last = f"Last interaction: {display.date_text(history.last_interaction)}" if history.last_interaction else "No interaction logged yet"
    months: list[ft.Control] = [
        ft.Text(f"{display.month_text(first)}: {display.number_text(count)}", size=12, color=None if count else ft.Colors.ON_SURFACE_VARIANT)
        for first, count in reversed(history.months)
    ]
    summary = f"{display.number_text(history.total)} in the last {len(history.months)} months"
    return section("Engagement history", ft.Text(last), ft.Text(summary), ft.Row(months, wrap=True, spacing=12))


def _consent(hcp: Hcp, display: Display) -> str:
    when = f" (recorded {display.date_text(hcp.consent_recorded_at)})" if hcp.consent_recorded_at else ""
    if hcp.contact_consent:
        return "Consents to contact" + when
    return "Contact consent withdrawn" + when if hcp.consent_recorded_at else "No contact consent on file"


def _profile_sections(hcp: Hcp) -> list[ft.Control]:
    """The profile's lists: contact details, further specialties, affiliations, publications, trial involvement."""
    contacts = [
        *(f"E-mail: {value}" for value in [hcp.email, *hcp.other_emails] if value),
        *(f"Phone: {value}" for value in [hcp.phone, *hcp.other_phones] if value),
        *([f"Address: {hcp.address}"] if hcp.address else []),
    ]
    affiliations = [
        " · ".join(part for part in (item.get("institution"), item.get("department"), item.get("role")) if part) for item in hcp.affiliations
    ]
    publications = [_publication(item) for item in hcp.publications]
    trials = [" · ".join(part for part in (item.get("study"), item.get("role")) if part) for item in hcp.trials]
    sections: list[ft.Control] = [
        section("Contact details", *[ft.Text(line) for line in contacts] or [empty("None recorded.")]),
        section("Affiliations", *[ft.Text(line) for line in affiliations] or [empty("None recorded.")]),
        section("Publications", *[ft.Text(line) for line in publications] or [empty("None recorded.")]),
        section("Trial involvement", *[ft.Text(line) for line in trials] or [empty("None recorded.")]),
    ]
    if hcp.specialties:
        sections.insert(0, ft.Text("Also: " + ", ".join(hcp.specialties)))
    return sections


def _publication(item: dict[str, object]) -> str:
    found = " · ".join(f"{name.upper()} {item[name]}" for name in ("doi", "pmid") if item.get(name))
    return f"{item.get('title')} — {item.get('journal')}, {item.get('year')}" + (f" ({found})" if found else "")


def _history_row(item: Interaction, display: Display) -> ft.Control:
    return ft.ListTile(
        title=ft.Text(f"{display.date_text(item.occurred_at)} · {item.channel.replace('_', ' ')} · {item.status}"),
        subtitle=ft.Text(item.notes[:120]),
    )


class _OlderHistory:
    """A "Show older" button that adds the next page of history in its own place, and goes once all is shown."""

    def __init__(self, ctx: UiContext, hcp_id: str, shown: list[Interaction], total: int) -> None:
        self.ctx, self.hcp_id, self.total = ctx, hcp_id, total
        self.last, self.count = (shown[-1] if shown else None), len(shown)
        self.button = ft.OutlinedButton(content=self._label(), icon=ft.Icons.EXPAND_MORE, on_click=self._show)
        self.row = ft.Row([self.button])
        self.list: ft.ListView | None = None
        """The profile's list, which the older rows join: set once the profile is built."""

    def controls(self) -> list[ft.Control]:
        return [self.row] if self.count < self.total else []

    def _label(self) -> str:
        return f"Show older interactions ({self.total - self.count} more)"

    def _show(self, e: ft.Event[ft.OutlinedButton]) -> None:
        assert self.list is not None
        self.ctx.touch()
        with self.ctx.unlocked.repository.session() as session:
            older = queries.interactions(session, hcp_id=self.hcp_id, limit=HISTORY_PAGE, older_than=self.last)
        rows = self.list.controls
        at = rows.index(self.row)
        rows[at:at] = [_history_row(item, self.ctx.display) for item in older]
        self.count += len(older)
        self.last = older[-1] if older else self.last
        if not older or self.count >= self.total:
            rows.remove(self.row)
        else:
            self.button.content = self._label()


def _initials(name: str) -> str:
    words = [word for word in name.replace("Dr ", "").split() if word]
    return "".join(word[0] for word in words[:2]).upper()
