"""Add an HCP, or edit one's profile: contacts, affiliations, publications, trial involvement, KOL tier and consent.

A freshly enrolled MSL starts here, since nothing can be logged without an HCP.
Input lives in the draft (one per HCP, and one for a new HCP), so it survives
switching screens, over the profile's stored values; a problem is shown beside the field it names, and nothing is
written until every field passes. E-mails, phones and specialties are typed as
a list in one field: the first is the primary one, the directory's.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from liaison.core.enums import MasterStatus
from liaison.core.errors import LiaisonError, ValidationError
from liaison.core.records.models import LONG_TEXT, Hcp
from liaison.core.rules.hcp_duplicates import Duplicate
from liaison.device.locale import Display
from liaison.device.store import engagement, queries
from liaison.device.ui.components.forms import Form, section, split_list
from liaison.device.ui.components.rows import Part, RowList
from liaison.device.ui.state import UiContext

TIERS = [("", "No tier"), *((str(tier), f"Tier {tier}") for tier in range(1, 5))]
TEXTS = ("name", "institution", "city", "country", "territory", "npi", "address", "notes")
LISTS = {"emails": ("email", "other_emails"), "phones": ("phone", "other_phones"), "specialties_text": ("specialty", "specialties")}
"""The one-field lists and the primary and further fields they fill."""


class HcpForm:
    def __init__(self, ctx: UiContext, hcp_id: str | None = None) -> None:
        self.ctx, self.hcp_id = ctx, hcp_id
        self.hcp = ctx.unlocked.repository.get(Hcp, hcp_id) if hcp_id else None
        with ctx.unlocked.repository.session() as session:
            self.sites = [(site.id, f"{site.protocol} · {site.site_name}") for site in queries.trial_sites(session)]
            territory = queries.enrolled_territory(session) if self.hcp is None else None
        # A profile's stored values are the form's defaults, not its draft: only what the MSL types is kept as
        # theirs, so a profile changed meanwhile (by sync) opens as it now stands wherever they typed nothing.
        defaults = _draft_of(self.hcp) if self.hcp is not None else {"territory": territory} if territory else {}
        self.form = Form(ctx.draft(f"hcp:{hcp_id or 'new'}"), on_input=ctx.touch, defaults=defaults)
        self.duplicates = ft.Column(visible=False, spacing=4)
        """The likely duplicates a new HCP's Save found in this store, each with a button opening its profile."""
        self.warned_for: dict[str, Any] | None = None
        """The values the duplicates were shown for: saving those again means the MSL has looked and wants a new request."""

    def view(self) -> ft.Control:
        form = self.form
        self.affiliations = RowList(
            form, "affiliations", "affiliation", [Part("institution", "Institution", 260), Part("department", "Department"), Part("role", "Role")]
        )
        self.publications = RowList(
            form,
            "publications",
            "publication",
            [Part("title", "Title", 320), Part("journal", "Journal"), Part("year", "Year", 90), Part("doi", "DOI", 180), Part("pmid", "PMID", 120)],
        )
        self.trials = RowList(
            form,
            "trials",
            "trial",
            [
                Part("study", "Study", 260),
                Part("role", "Trial role"),
                Part("trial_site_id", "Trial site", 260, [("", "No site record"), *self.sites]),
            ],
        )
        emails = form.text("emails", "E-mails", hint="The first is the primary one; separate with commas", keyboard=ft.KeyboardType.EMAIL)
        phones = form.text("phones", "Phones", hint="The first is the primary one; separate with commas", keyboard=ft.KeyboardType.PHONE)
        specialties = form.text("specialties_text", "Specialties", hint="The first is the primary one; separate with commas")
        for name, (primary, further) in LISTS.items():
            form.controls[primary] = form.controls[further] = form.controls[name]
        consent = form.checkbox("contact_consent", "Consents to be contacted")
        title = f"Edit {self.hcp.name}" if self.hcp else "Add an HCP"
        back = ft.TextButton(content="Back", icon=ft.Icons.ARROW_BACK, on_click=lambda e: self._leave())
        return ft.ListView(
            [
                ft.Row([back]),
                ft.Text(title, theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
                ft.Row(
                    [form.text("name", "Name", autofocus=self.hcp is None, width=360), form.dropdown("kol_tier", "KOL tier", TIERS, width=160)],
                    wrap=True,
                ),
                ft.Row([specialties, form.text("therapeutic_areas", "Therapeutic areas", hint="Separate with commas", width=360)], wrap=True),
                ft.Row(
                    [
                        form.text("institution", "Primary institution", width=360),
                        form.text("city", "City"),
                        form.text("country", "Country", width=120),
                    ],
                    wrap=True,
                ),
                ft.Row([form.text("territory", "Territory"), form.text("npi", "NPI", width=180)], wrap=True),
                section("Contact details", emails, phones, form.text("address", "Address", multiline=True)),
                section("Consent", consent, ft.Text(_consent_line(self.hcp, self.ctx.display), size=12)),
                section("Affiliations", self.affiliations),
                section("Publications", self.publications),
                section("Trial involvement", self.trials),
                form.text("notes", "Notes", multiline=True, limit=LONG_TEXT),
                form.banner,
                self.duplicates,
                ft.Row([ft.FilledButton(content="Save HCP", icon=ft.Icons.SAVE, on_click=lambda e: self.save())]),
            ],
            spacing=12,
            padding=16,
            expand=True,
        )

    def values(self) -> dict[str, Any]:
        """The form as the HCP's fields; `ValidationError` for what only the form can tell (a year in words)."""
        form = self.form
        values: dict[str, Any] = {name: (str(form.value(name) or "").strip() or None) for name in TEXTS}
        values["name"] = values["name"] or ""
        tier = form.value("kol_tier")
        values["kol_tier"] = int(tier) if tier else None
        values["therapeutic_areas"] = split_list(form.value("therapeutic_areas"))
        for name, (primary, further) in LISTS.items():
            items = split_list(form.value(name))
            values[primary], values[further] = (items[0] if items else None), items[1:]
        values["contact_consent"] = bool(form.value("contact_consent"))
        values["affiliations"] = self.affiliations.entries()
        values["trials"] = self.trials.entries()
        values["publications"] = self.publications.entries()
        for index, publication in enumerate(values["publications"]):
            year = publication.get("year", "")
            if not (year.isdigit() and len(year) == 4):
                raise ValidationError(f"publications.{index}.year", "must be a year such as 2021")
            publication["year"] = int(year)
        return values

    def save(self) -> Hcp | None:
        repository = self.ctx.unlocked.repository
        try:
            values = self.values()
            if self.hcp is None and self._warned_of_duplicates(values):
                return None
            hcp = (
                repository.update(Hcp, self.hcp.id, values)
                if self.hcp
                else repository.create(Hcp, {**values, "master_status": MasterStatus.REQUESTED})
            )
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.form.draft.clear()
        self.ctx.changed()
        self.ctx.notify(f"{hcp.name} saved" if self.hcp else f"{hcp.name} requested: yours to use now, shared once the data steward approves")
        self.ctx.navigate("HCPs", hcp_id=hcp.id)
        return hcp

    def _warned_of_duplicates(self, values: dict[str, Any]) -> bool:
        """Show the HCPs already here that the new one may be, once per set of values; whether Save should stop."""
        if values == self.warned_for:
            return False
        with self.ctx.unlocked.repository.session() as session:
            found = engagement.hcp_duplicates(session, values)
        self.duplicates.controls = [_duplicate_warning(found), *(self._duplicate_row(item) for item in found)] if found else []
        self.duplicates.visible = bool(found)
        self.warned_for = values if found else None
        return bool(found)

    def _duplicate_row(self, item: Duplicate) -> ft.Control:
        place = ", ".join(part for part in (item.institution, item.city) if part)
        return ft.Row(
            [
                ft.Text(f"{item.name}{f' · {place}' if place else ''} ({item.reason})"),
                ft.OutlinedButton(
                    content=f"Open {item.name}", icon=ft.Icons.PERSON_SEARCH, on_click=lambda e: self.ctx.navigate("HCPs", hcp_id=item.hcp_id)
                ),
            ],
            wrap=True,
        )

    def _leave(self) -> None:
        """Back to where the form was opened from; the draft stays, so coming back finds the input."""
        self.ctx.navigate("HCPs", **({"hcp_id": self.hcp.id} if self.hcp else {}))


def _draft_of(hcp: Hcp) -> dict[str, Any]:
    """An HCP's fields as the form's draft: texts, one-field lists joined, rows as texts."""
    draft: dict[str, Any] = {name: getattr(hcp, name) or "" for name in TEXTS}
    draft["kol_tier"] = str(hcp.kol_tier) if hcp.kol_tier else ""
    draft["therapeutic_areas"] = ", ".join(hcp.therapeutic_areas)
    for name, (primary, further) in LISTS.items():
        draft[name] = ", ".join([value for value in [getattr(hcp, primary)] if value] + list(getattr(hcp, further)))
    draft["contact_consent"] = hcp.contact_consent
    for name in ("affiliations", "publications", "trials"):
        draft[name] = [{key: "" if value is None else str(value) for key, value in row.items()} for row in getattr(hcp, name)]
    return draft


def _consent_line(hcp: Hcp | None, display: Display) -> str:
    """When the consent held was recorded; saving a changed answer records it anew."""
    if hcp is None or hcp.consent_recorded_at is None:
        return "Ticking the box records the HCP's consent, with the time; unticking it later records its withdrawal."
    answer = "given" if hcp.contact_consent else "withdrawn"
    return f"Consent {answer} on {display.datetime_text(hcp.consent_recorded_at)}; changing it records the new answer and its time."


def _duplicate_warning(found: list[Duplicate]) -> ft.Control:
    count = "an HCP" if len(found) == 1 else f"{len(found)} HCPs"
    return ft.Text(
        f"Possible duplicate: {count} already in your directory. Open one to use it instead, or press Save HCP again to request a new HCP.",
        color=ft.Colors.ERROR,
    )
