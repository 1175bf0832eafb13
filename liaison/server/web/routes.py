"""The web pages: sign in, sign out, the manager's dashboard, and each section's CSV and JSON exports.

Pages answer a missing session with a redirect to sign in and anyone but a
manager or administrator with 403; exports answer 401 and 403 as JSON, like the
sync API, and also accept a device's bearer token.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from liaison.core.errors import ValidationError
from liaison.server.csv_export import to_csv
from liaison.server.deps import SessionDep
from liaison.server.errors import ApiError
from liaison.server.reports.periods import ReportParams
from liaison.server.web import auth
from liaison.server.web.auth import COOKIE_PATH, SESSION_COOKIE, SESSION_LIFETIME, SIGN_IN_COOKIE, Refused
from liaison.server.web.html import page, respond, secure
from liaison.server.web.sections import SECTIONS, Section, by_slug

router = APIRouter(prefix="/manager", include_in_schema=False)
HOME = "/manager/"
SIGN_IN = "/manager/login"
MAX_FORM_BYTES = 4096
SIGN_IN_FORM_SECONDS = 30 * 60


@router.get("")
def root() -> Response:
    return _redirect(HOME)


@router.get("/login")
def sign_in_page(request: Request, session: SessionDep) -> Response:
    try:
        if auth.viewer(request, session) is not None:
            return _redirect(HOME)
    except Refused:
        pass
    return _sign_in_form(request, 200)


@router.post("/login")
async def sign_in(request: Request, session: SessionDep) -> Response:
    form = await _form(request)
    try:
        auth.check_form(request, request.cookies.get(SIGN_IN_COOKIE), form.get("csrf"))
        address = request.client.host if request.client else ""
        token, _ = await run_in_threadpool(auth.sign_in, session, form.get("email", ""), form.get("password", ""), address)
    except Refused as refused:
        return _sign_in_form(request, refused.status, str(refused), _printable(form.get("email", "")))
    response = _redirect(HOME)
    _cookie(response, request, SESSION_COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
    _forget(response, request, SIGN_IN_COOKIE)
    return response


@router.post("/logout")
async def sign_out(request: Request, session: SessionDep) -> Response:
    form = await _form(request)
    try:
        who = auth.viewer(request, session)
        if who is None or who.session_token is None:
            return _redirect(SIGN_IN)
        auth.check_form(request, who.csrf, form.get("csrf"))
    except Refused as refused:
        return _refusal(refused)
    await run_in_threadpool(auth.sign_out, session, who.session_token)
    response = _redirect(SIGN_IN)
    _forget(response, request, SESSION_COOKIE)
    return response


@router.get("/")
def dashboard(request: Request, session: SessionDep) -> Response:
    try:
        who = auth.viewer(request, session)
    except Refused as refused:
        return _refusal(refused)
    if who is None:
        return _redirect(SIGN_IN)
    if who.user.role not in auth.DASHBOARD_ROLES:
        return _redirect("/manager/hcp-requests")  # a data steward's page is the queue of HCP requests
    signed_in = f"{who.user.name} · {who.user.role}"
    try:
        params = ReportParams.parse(dict(request.query_params), date.today())
    except ValidationError as error:
        return respond(page("dashboard.html", error=str(error), home=HOME, signed_in=signed_in, csrf=who.csrf), 422)
    sections = [(section, section.html(section.numbers(session, who.user, params, request.app.state.settings))) for section in SECTIONS]
    session.commit()
    document = page(
        "dashboard.html",
        sections=sections,
        params=params,
        query=urlencode(params.query()),
        home=HOME,
        heading="Liaison · manager dashboard",
        signed_in=signed_in,
        csrf=who.csrf,
    )
    return respond(document)


@router.get("/{slug}.json")
def export_json(slug: str, request: Request, session: SessionDep) -> Response:
    section, numbers = _export(slug, request, session)
    response = Response(json.dumps(section.export(numbers), ensure_ascii=False, indent=1), media_type="application/json")
    secure(response)
    return response


@router.get("/{slug}.csv")
def export_csv(slug: str, request: Request, session: SessionDep) -> Response:
    section, numbers = _export(slug, request, session)
    header, rows = section.table(numbers)
    response = Response(
        to_csv(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{slug}-{date.today().isoformat()}.csv"'},
    )
    secure(response)
    return response


def _export(slug: str, request: Request, session: Session) -> tuple[Section, Any]:
    try:
        who = auth.viewer(request, session)
    except Refused as refused:
        raise ApiError(refused.status, "forbidden", str(refused)) from None
    if who is None:
        raise ApiError(401, "unauthorized", "sign in at /manager/login, or send a manager's device token (Authorization: Bearer …)")
    if who.user.role not in auth.DASHBOARD_ROLES:
        raise ApiError(403, "forbidden", f"{who.user.email} is a {who.user.role.upper()}: only managers and administrators export reports")
    section = by_slug(slug)
    if section is None:
        raise ApiError(404, "not_found", f"no report section {slug!r}; there are: {', '.join(s.slug for s in SECTIONS)}")
    try:
        params = ReportParams.parse(dict(request.query_params), date.today())
    except ValidationError as error:
        raise ApiError(422, "invalid", str(error), error.field) from None
    numbers = section.numbers(session, who.user, params, request.app.state.settings)
    session.commit()
    return section, numbers


def _sign_in_form(request: Request, status: int, error: str = "", email: str = "") -> Response:
    token = auth.new_sign_in_token()
    response = respond(page("sign_in.html", action=SIGN_IN, token=token, error=error, email=email), status)
    _cookie(response, request, SIGN_IN_COOKIE, token, SIGN_IN_FORM_SECONDS)
    return response


def _refusal(refused: Refused) -> Response:
    return respond(page("refused.html", message=str(refused), sign_in=SIGN_IN), refused.status)


def _cookie(response: Response, request: Request, name: str, value: str, seconds: int) -> None:
    response.set_cookie(name, value, max_age=seconds, path=COOKIE_PATH, httponly=True, samesite="strict", secure=request.url.scheme == "https")


def _forget(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, httponly=True, samesite="strict", secure=request.url.scheme == "https")


def _redirect(path: str) -> Response:
    response = RedirectResponse(path, status_code=303)
    secure(response)
    return response


async def _form(request: Request) -> dict[str, str]:
    """A small url-encoded form; anything else, or anything larger, reads as empty (and then fails its checks)."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    return {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}


def _printable(text: str) -> str:
    """What of a typed value may be shown back in the form: control characters (a NUL, say) dropped."""
    return "".join(char for char in text if char.isprintable())
