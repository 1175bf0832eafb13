"""The pre-call brief: one scrollable screen of cards the MSL reads before meeting an HCP, each entry leading to its record.

The screen only lays out a `Brief` (`liaison.device.domain.brief`); what goes in
each section, and how much, is decided there. Dates go through the MSL's
`Display`. Every card is a column of text that wraps, so a 390-px phone shows
it all without clipping.
"""

from __future__ import annotations

import flet as ft

from liaison.device.domain.brief import Brief, FollowUpLine, InquiryLine, InteractionLine, SharedItem, brief_for
from liaison.device.locale import Display
from liaison.device.ui.components.follow_up import OVERDUE
from liaison.device.ui.components.forms import empty, section
from liaison.device.ui.state import UiContext

SCREEN = "Brief"


def build(ctx: UiContext, hcp_id: str) -> ft.Control:
    display = ctx.display
    return view(ctx, brief_for(ctx.unlocked.repository, hcp_id, display.today(), zone=display.zone))


def view(ctx: UiContext, brief: Brief) -> ft.ListView:
    """The brief's cards under a heading and the two ways on: log the meeting, or open the full profile."""
    if brief.erased:
        return ft.ListView(
            [
                ft.Text(brief.name, theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
                ft.Text("This HCP's personal data was erased on request: there is nothing to brief."),
                ft.Row([ft.TextButton(content="Back to HCPs", icon=ft.Icons.ARROW_BACK, on_click=lambda e: ctx.navigate("HCPs"))], wrap=True),
            ],
            spacing=12,
            padding=16,
            expand=True,
        )
    display = ctx.display
    return ft.ListView(
        [
            *_heading(ctx, brief, display),
            _card("Next planned visit", [_next_visit(ctx, brief, display)] if brief.next_visit else [], "No visit planned."),
            _card(
                _titled("Last interactions", len(brief.interactions), brief.interaction_total),
                [_interaction(ctx, item, display) for item in brief.interactions],
                "No interactions yet.",
            ),
            _card("Open inquiries", [_inquiry(ctx, item, display) for item in brief.inquiries], "No open inquiries."),
            _card(
                "Open follow-ups" + (f" ({brief.overdue} overdue)" if brief.overdue else ""),
                [_follow_up(ctx, item, display) for item in brief.follow_ups],
                "Nothing promised is open.",
            ),
            _card(
                "Insights",
                [_line(display.date_text(item.captured_at), item.theme, item.text) for item in brief.insights],
                "No insights captured.",
            ),
            _card(
                "Trials at their site",
                [_line(site.protocol, site.study, site.site_name, site.status.replace("_", " "), site.role) for site in brief.trials],
                "No trial sites.",
            ),
            _card(
                "Events attended",
                [_line(display.date_text(event.starts_at), event.title, event.kind.replace("_", " "), event.location) for event in brief.events],
                "No events attended.",
            ),
            _card(
                "Content already shared",
                [_shared(item, display) for item in brief.shared],
                "Nothing shared yet.",
            ),
            _card(
                "Medical plan not yet covered with them",
                [_line(item.code, item.kind, item.title) for item in brief.uncovered],
                "Every item of the current plan is covered (or none is published).",
            ),
        ],
        spacing=12,
        padding=16,
        expand=True,
    )


def _heading(ctx: UiContext, brief: Brief, display: Display) -> list[ft.Control]:
    facts = " · ".join(part for part in (brief.specialty, brief.institution, f"KOL tier {brief.kol_tier}" if brief.kol_tier else None) if part)
    consent = brief.consent
    given = consent is not None and consent.given
    when = f" (recorded {display.date_text(consent.recorded_at)})" if consent is not None and consent.recorded_at else ""
    words = "Consents to contact" + when if given else ("Contact consent withdrawn" + when if when else "No contact consent on file")
    return [
        ft.Text(brief.name, theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
        *([ft.Text(facts)] if facts else []),
        ft.Text(words, color=None if given else ft.Colors.ERROR),
        ft.Row(
            [
                ft.FilledButton(
                    content="Log interaction", icon=ft.Icons.ADD, on_click=lambda e: ctx.navigate("Log interaction", hcp_id=brief.hcp_id)
                ),
                ft.OutlinedButton(content="Profile", icon=ft.Icons.PERSON_OUTLINE, on_click=lambda e: ctx.navigate("HCPs", hcp_id=brief.hcp_id)),
            ],
            wrap=True,
        ),
    ]


def _next_visit(ctx: UiContext, brief: Brief, display: Display) -> ft.Control:
    visit = brief.next_visit
    assert visit is not None
    others = f"with {visit.group - 1} other HCP{'s' if visit.group > 2 else ''}" if visit.group > 1 else None
    return ft.ListTile(
        title=ft.Text(" · ".join(part for part in (display.datetime_text(visit.starts_at), visit.place, others) if part)),
        subtitle=ft.Text(", ".join(visit.objectives)) if visit.objectives else None,
        on_click=lambda e: ctx.navigate("Calendar", view="day", day=display.local(visit.starts_at).date()),
    )


def _card(title: str, rows: list[ft.Control], none: str) -> ft.Card:
    return ft.Card(ft.Container(section(title, *rows or [empty(none)]), padding=16))


def _titled(title: str, shown: int, total: int) -> str:
    return f"{title} ({shown} of {total})" if total > shown else title


def _line(*parts: str | None) -> ft.Text:
    return ft.Text(" · ".join(part for part in parts if part))


def _shared(item: SharedItem, display: Display) -> ft.Text:
    return _line(item.title, item.approval_code, f"v{item.version}" if item.version else None, f"last shared {display.date_text(item.last_shared)}")


def _interaction(ctx: UiContext, item: InteractionLine, display: Display) -> ft.ListTile:
    about = " · ".join([display.date_text(item.occurred_at), item.channel.replace("_", " "), item.status])
    detail = "\n".join(part for part in (", ".join(item.topics), item.excerpt) if part)
    return ft.ListTile(
        title=ft.Text(about),
        subtitle=ft.Text(detail or "No notes."),
        content_padding=ft.Padding.all(0),
        on_click=lambda e: ctx.navigate("Interactions", open_id=item.id),
    )


def _inquiry(ctx: UiContext, item: InquiryLine, display: Display) -> ft.ListTile:
    age = "received today" if item.age_days == 0 else f"{item.age_days} day{'s' if item.age_days != 1 else ''} open"
    return ft.ListTile(
        title=ft.Text(item.question),
        subtitle=ft.Text(f"{display.date_text(item.received_at)} · {age} · {item.status}"),
        content_padding=ft.Padding.all(0),
        on_click=lambda e: ctx.navigate("Inquiries"),
    )


def _follow_up(ctx: UiContext, item: FollowUpLine, display: Display) -> ft.ListTile:
    """Opens the interaction it was promised in, else the follow-ups list; an overdue one is marked in words and red."""
    when = f"due {display.date_text(item.due)}" if item.due else "no due date"
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.ERROR, tooltip=OVERDUE) if item.overdue else None,
        title=ft.Text(item.text),
        subtitle=ft.Text(
            " · ".join([*([OVERDUE] if item.overdue else []), when]),
            color=ft.Colors.ERROR if item.overdue else None,
        ),
        content_padding=ft.Padding.all(0),
        on_click=lambda e: ctx.navigate("Interactions", open_id=item.interaction_id) if item.interaction_id else ctx.navigate("Follow-ups"),
    )
