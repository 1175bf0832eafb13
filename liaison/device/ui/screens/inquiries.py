"""Inquiries: an unsolicited medical information request, verbatim, attested and signed."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from liaison.core.enums import Delivery
from liaison.core.errors import LiaisonError, ValidationError
from liaison.core.records.models import SHORT_TEXT, MedicalInquiry
from liaison.device.store import queries
from liaison.device.store.queries import HcpFilter
from liaison.device.ui.components.forms import Form, MatchList, empty, section
from liaison.device.ui.components.signature import SignaturePad
from liaison.device.ui.state import UiContext

DELIVERY = [(item.value, item.value.replace("_", " ").capitalize()) for item in Delivery]


class InquiriesScreen:
    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx
        self.form = Form(ctx.draft("inquiry"), on_input=ctx.touch, defaults={"delivery": Delivery.EMAIL.value})
        self.matches = MatchList()
        self.pad = SignaturePad(self.form.draft.get("signature"), on_change=lambda strokes: self.form.set("signature", strokes))
        self.form.controls["signature"] = self.pad

    def view(self) -> ft.Control:
        with self.ctx.unlocked.repository.session() as session:
            items = queries.inquiries(session, limit=50)
            names = queries.hcp_names(session, [item.hcp_id for item in items])
        hcp = self.form.text("hcp", "HCP", hint="Type part of a name, Enter picks the first match", on_submit=self.pick_first)
        hcp.on_change = self._typed
        capture = section(
            "New medical inquiry",
            hcp,
            self.matches,
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

    def _matches(self) -> list:  # type: ignore[type-arg]
        typed = self.form.draft.get("hcp", "")
        with self.ctx.unlocked.repository.session() as session:
            found = queries.search_hcps(session, HcpFilter(search=typed), limit=5) if typed else []
        self.matches.controls = [
            ft.ListTile(title=ft.Text(hcp.name), dense=True, on_click=lambda e, hcp=hcp: self.pick(hcp.id, hcp.name)) for hcp in found
        ]
        return found

    def pick_first(self) -> None:
        found = self._matches()
        if found:
            self.pick(found[0].id, found[0].name)

    def pick(self, hcp_id: str, name: str) -> None:
        self.form.draft.update(hcp_id=hcp_id, hcp=name)
        self.form.controls["hcp"].value = name  # type: ignore[attr-defined]
        self.matches.controls = []

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
        self.ctx.changed()
        if self.ctx.sync is not None:
            self.ctx.sync.sync_now()
        self.ctx.notify("Inquiry submitted" if submit else "Inquiry saved")
        self.ctx.navigate("Inquiries")
        return inquiry.id
