"""Server-rendered HTML: the page shell, escaping and the headers every page carries.

No script, no CDN, no external asset: styles sit in the page under a per-response
nonce that the Content-Security-Policy names, and charts are inline SVG.
"""

from __future__ import annotations

import secrets
from html import escape
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse

STYLE = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --accent: #00796b; --warn: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7f9; }
header.bar { display: flex; align-items: center; gap: 16px; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header.bar h1 { font-size: 18px; margin: 0; flex: 1; }
header.bar form { margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
section.report { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 16px 0; }
section.report > h2 { margin: 0 0 8px; font-size: 20px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p.lead, .muted { color: var(--muted); }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 150px; }
.card b { display: block; font-size: 24px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 6px 0; font-size: 13px; }
ul.legend svg { vertical-align: -1px; margin-right: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.flag { color: var(--warn); font-weight: 700; }
blockquote { margin: 6px 0; padding: 6px 12px; border-left: 3px solid var(--accent); background: #f3f7f6; }
blockquote footer { color: var(--muted); font-size: 12px; }
form.filters { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; }
label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 2px; }
input, select, button { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.quiet { background: #fff; color: var(--ink); border-color: var(--line); }
.error { color: var(--warn); font-weight: 600; }
.signin { max-width: 380px; margin: 12vh auto; background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 24px; }
.signin form { display: flex; flex-direction: column; gap: 12px; }
nav.sections a { margin-right: 14px; }
"""


def page(title: str, body: str, *, heading: str | None = None, signed_in: str | None = None, csrf: str | None = None) -> tuple[str, str]:
    """A whole page and the nonce its style is allowed under."""
    nonce = secrets.token_urlsafe(16)
    bar = ""
    if signed_in is not None:
        bar = (
            f'<header class="bar"><h1>{esc(heading or title)}</h1><span class="muted">{esc(signed_in)}</span>'
            f'<form method="post" action="/manager/logout"><input type="hidden" name="csrf" value="{esc(csrf or "")}">'
            f'<button class="quiet" type="submit">Sign out</button></form></header>'
        )
    document = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · Liaison</title><style nonce=\"{nonce}\">{STYLE}</style></head>"
        f"<body>{bar}<main>{body}</main></body></html>"
    )
    return document, nonce


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


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def link(path: str, query: dict[str, str]) -> str:
    return esc(f"{path}?{urlencode(query)}")
