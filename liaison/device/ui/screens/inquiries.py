"""Inquiries: an unsolicited medical information request, verbatim, attested and signed.

The HCP who asked is chosen by typing part of the name; Enter picks only an HCP
beyond doubt, and the one chosen is shown with their institution.
"""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from liaison.core.enums import Delivery
from liaison.core.errors import LiaisonError, ValidationError
from liaison.core.records.models import SHORT_TEXT, Hcp, MedicalInquiry
from liaison.device.store import queries
from liaison.device.store.queries import HcpFilter
from liaison.device.ui.components.forms import Form, empty, section
from liaison.device.ui.components.hcp_picker import HINT, HcpMatches, chosen, identity, the_one
from liaison.device.ui.components.signature import SignaturePad
from liaison.device.ui.state import UiContext

DELIVERY = [(item.value, item.value.replace("_", " ").capitalize()) for item in Delivery]


class InquiriesScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("inquiry"), on_input=ctx.touch, defaults={"delivery": Delivery.EMAIL.value})
        self.matches = HcpMatches(on_pick=self.pick)
        self.chosen = ft.Text(self._chosen_text(), weight=ft.FontWeight.BOLD)
        self.pad = SignaturePad(self.form.draft.get("signature"), on_change=lambda strokes: self.form.set("signature", strokes))
        self.form.controls["signature"] = self.pad

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            items = queries.inquiries(session, limit=50)
            names = queries.hcp_names(session, [item.hcp_id for item in items])
        hcp = self.form.text("hcp", "HCP", hint=HINT, on_submit=self.pick_on_enter)
        hcp.on_change = self._typed
        capture = section(
            "New medical inquiry",
            hcp,
            self.matches,
            self.chosen,
            self.form.text("question", "Question (verbatim)", multiline=True, limit=SHORT_TEXT),
            ft.Row([self.form.text("product", "Product", width=260), self.form.dropdown("delivery", "Delivery preference", DELIVERY)], wrap=True),
            self.form.checkbox("off_label", "Concerns an unapproved (off-label) use"),
            self.form.checkbox("unsolicited_attested", "The HCP attests this request is unsolicited"),
            self.pad,
            self.form.banner,
            ft.Row(
                [
                    ft.OutlinedButton(content="Save inquiry", on_click=lambda e: self.save(False)),
                    ft.FilledButton(content="Submit inquiry", on_click=lambda e: self.save(True)),
                ]
            ),
        )
        tiles: list[ft.Control] = [
            ft.ListTile(title=ft.Text(item.question[:90]), subtitle=ft.Text(f"{names.get(item.hcp_id, 'HCP')} · {item.status} · {item.delivery}"))
            for item in items
        ]
        listing = section("Recent inquiries", *tiles or [empty("No inquiries yet.")])
        return ft.ListView([ft.Card(ft.Container(capture, padding=16)), listing], spacing=12, padding=16, expand=True)

    def _typed(self, e: ft.Event[ft.TextField]) -> None:
        self.form.set("hcp", e.control.value)
        self.form.draft.pop("hcp_id", None)
        self._matches()
        self.chosen.value = self._chosen_text()

    def _matches(self) -> list[Hcp]:
        typed = self.form.draft.get("hcp", "")
        with self.ctx.unlocked.repository.session() as session:
            found = queries.search_hcps(session, HcpFilter(search=typed), limit=6) if typed else []
        self.matches.show(found)
        return found

    def pick_on_enter(self) -> None:
        """Enter picks only an HCP beyond doubt; otherwise the matches stay and the MSL is asked to choose."""
        typed = self.form.draft.get("hcp", "")
        found = self._matches()
        one = the_one(typed, found)
        if one is not None:
            self.pick(one)
        else:
            self.matches.ask(typed, found)

    def pick(self, hcp: Hcp) -> None:
        self.form.draft.update(hcp_id=hcp.id, hcp=hcp.name)
        self.form.controls["hcp"].value = hcp.name  # type: ignore[attr-defined]
        self.matches.clear()
        self.chosen.value = self._chosen_text(hcp)

    def _chosen_text(self, hcp: Hcp | None = None) -> str:
        hcp_id = self.form.draft.get("hcp_id")
        if hcp is None and hcp_id:
            hcp = chosen(self.ctx.unlocked.repository, hcp_id)
        return f"Asked by {identity(hcp)}" if hcp is not None else "No HCP chosen yet"

    def save(self, submit: bool) -> str | None:
        draft = self.form.draft
        try:
            if not draft.get("hcp_id"):
                raise ValidationError("hcp", "choose the HCP who asked")
            if submit and not draft.get("unsolicited_attested"):
                raise ValidationError("unsolicited_attested", "the HCP must attest the request was unsolicited before it is submitted")
            if submit and not self.pad.signed:
                raise ValidationError("signature", "the HCP's signature is needed to submit")
            repository = self.ctx.unlocked.repository
            inquiry = repository.create(
                MedicalInquiry,
                {
                    "hcp_id": draft["hcp_id"],
                    "received_at": datetime.now(UTC),
                    "question": self.form.value("question", ""),
                    "product": self.form.value("product"),
                    "off_label": bool(draft.get("off_label")),
                    "unsolicited_attested": bool(draft.get("unsolicited_attested")),
                    "delivery": self.form.value("delivery", "email"),
                    "signature": self.pad.strokes or None,
                },
            )
            if submit:
                repository.submit(MedicalInquiry, inquiry.id)
        except LiaisonError as error:
            self.form.show_error(error)
            return None
        self.form.reset()
        self.pad.clear()
        self.chosen.value = self._chosen_text()
        self.ctx.changed()
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
        self.ctx.notify("Inquiry submitted" if submit else "Inquiry saved")
        self.ctx.navigate("Inquiries")
        return inquiry.id
