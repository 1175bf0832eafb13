"""Server-rendered HTML: Jinja templates with autoescaping, and the headers every page carries.

The templates sit in `templates/` inside this package and are found through
`jinja2.PackageLoader`, so an installed wheel finds them too. Every value a
template prints is escaped unless it is already `Markup` (a fragment another
template rendered), so what a user typed (a name, a note, a quote) can never
become markup. No script, no CDN, no external asset: styles sit in the page
under a per-response nonce that the Content-Security-Policy names, and charts
are inline SVG.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup


def _when(moment: datetime | None) -> str:
    return f"{moment:%d %b %Y %H:%M} UTC" if moment else "—"


TEMPLATES = Environment(
    loader=PackageLoader("liaison.server.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters["when"] = _when


def page(template: str, **context: Any) -> tuple[str, str]:
    """A whole page and the nonce its style is allowed under."""
    nonce = secrets.token_urlsafe(16)
    return TEMPLATES.get_template(template).render(nonce=nonce, **context), nonce


def fragment(template: str, **context: Any) -> Markup:
    """Part of a page (a dashboard section), already escaped, for a page template to place as it is."""
    return Markup(TEMPLATES.get_template(template).render(**context))


def respond(document: tuple[str, str], status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    html, nonce = document
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    secure(response)
    return response


def secure(response: object) -> None:
    """Headers every web answer carries: never cached, never framed, never sniffed, no referrer to other sites."""
    headers = response.headers  # type: ignore[attr-defined]
    headers["Cache-Control"] = "no-store"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"  # "no-referrer" would make browsers send "Origin: null" with our own forms
