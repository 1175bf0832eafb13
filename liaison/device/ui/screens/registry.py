"""The destinations, in the order the navigation shows them, and how each is built."""

from __future__ import annotations

from typing import Any

import flet as ft

from liaison.device.ui.state import UiContext

DESTINATIONS = ["Home", "HCPs", "Interactions", "Calendar", "Inquiries", "Safety", "Insights", "Trials", "Events", "Library", "Sync", "Settings"]
NARROW = ["Home", "HCPs", "Interactions", "Safety"]
"""What fits a navigation bar on a phone, with "More" (the rest, Sync among them) as its fifth item."""

ICONS = {
    "Home": ft.Icons.HOME_OUTLINED,
    "HCPs": ft.Icons.PEOPLE_OUTLINE,
    "Interactions": ft.Icons.FORUM_OUTLINED,
    "Calendar": ft.Icons.CALENDAR_MONTH_OUTLINED,
    "Inquiries": ft.Icons.QUESTION_ANSWER_OUTLINED,
    "Safety": ft.Icons.HEALTH_AND_SAFETY_OUTLINED,
    "Insights": ft.Icons.LIGHTBULB_OUTLINE,
    "Trials": ft.Icons.SCIENCE_OUTLINED,
    "Events": ft.Icons.EVENT_OUTLINED,
    "Library": ft.Icons.LIBRARY_BOOKS_OUTLINED,
    "Sync": ft.Icons.SYNC,
    "Settings": ft.Icons.SETTINGS_OUTLINED,
}


def warm_up() -> None:
    """Import the modules `build` imports (a sixth of a second of CPU) ahead of the first build, e.g. while the MSL types the passphrase."""
    from liaison.device.ui.screens import (  # noqa: F401
        brief,
        calendar,
        events,
        follow_ups,
        hcp_form,
        hcps,
        home,
        inquiries,
        insights,
        interactions,
        library,
        log_interaction,
        safety,
        settings,
        sync,
        trials,
    )


def build(name: str, ctx: UiContext, **kwargs: Any) -> ft.Control:
    from liaison.device.ui.screens import (
        brief,
        calendar,
        events,
        follow_ups,
        hcp_form,
        hcps,
        home,
        inquiries,
        insights,
        interactions,
        library,
        log_interaction,
        safety,
        settings,
        sync,
        trials,
    )

    if name == "HCPs":
        if kwargs.get("edit") or kwargs.get("add"):
            return hcp_form.HcpForm(ctx, kwargs.get("hcp_id") if kwargs.get("edit") else None).view()
        return hcps.profile(ctx, kwargs["hcp_id"]) if kwargs.get("hcp_id") else hcps.HcpsScreen(ctx).view()
    if name == "Log interaction":
        return log_interaction.LogInteractionScreen(ctx, kwargs.get("hcp_id"), planned_visit_id=kwargs.get("planned_visit_id")).view()
    builders = {
        "Home": home.build,
        "Follow-ups": lambda ctx, **kw: follow_ups.build(ctx),
        "Interactions": interactions.build,
        "Calendar": calendar.build,
        "Inquiries": lambda ctx, **kw: inquiries.InquiriesScreen(ctx).view(),
        "Safety": lambda ctx, **kw: safety.SafetyScreen(ctx, kw.get("ae_id")).view(),
        "Insights": lambda ctx, **kw: insights.InsightsScreen(ctx).view(),
        "Trials": lambda ctx, **kw: trials.TrialsScreen(ctx).view(),
        "Events": lambda ctx, **kw: events.EventsScreen(ctx).view(),
        "Library": library.build,
        "Sync": lambda ctx, **kw: sync.SyncScreen(ctx).view(),
        "Settings": lambda ctx, **kw: settings.SettingsScreen(ctx).view(),
        "Brief": lambda ctx, **kw: brief.build(ctx, kw["hcp_id"]),
    }
    return builders[name](ctx, **kwargs)
