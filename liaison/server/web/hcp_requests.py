"""The data steward's web page: HCPs MSLs requested, each with its likely duplicates, to approve, reject or merge.

Only a data steward or an administrator sees the page or posts its forms
(`stewardship.STEWARDS`); a manager is answered 403, like an MSL. Every form carries
the session's CSRF token. The decisions are `liaison.server.stewardship`'s, the same
the CLI makes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from liaison.core.errors import LiaisonError
from liaison.server import stewardship
from liaison.server.deps import SessionDep, engine_of
from liaison.server.scope import STEWARDS
from liaison.server.web import auth
from liaison.server.web.auth import Refused, Viewer
from liaison.server.web.html import page, respond, secure
from liaison.server.web.routes import SIGN_IN, _form, _refusal

router = APIRouter(prefix="/manager", include_in_schema=False)
QUEUE = "/manager/hcp-requests"


def steward_viewer(request: Request, session: Session) -> Viewer | None:
    """The signed-in data steward or administrator; None when nobody is signed in; `Refused` for anyone else."""
    who = auth.viewer(request, session)
    if who is not None and who.user.role not in STEWARDS:
        raise Refused(403, f"{who.user.email} is a {who.user.role.upper()}: only a data steward or an administrator decides on HCP requests.")
    return who


@router.get("/hcp-requests")
def queue_page(request: Request, session: SessionDep) -> Response:
    try:
        who = steward_viewer(request, session)
    except Refused as refused:
        return _refusal(refused)
    if who is None:
        return _redirect(SIGN_IN)
    requests = stewardship.queue(session, everything=True)
    session.commit()
    message = request.query_params.get("done", "")
    document = page(
        "hcp_requests.html",
        requests=requests,
        done=message[:200],
        queue=QUEUE,
        heading="Liaison · HCP requests",
        signed_in=f"{who.user.name} · {who.user.role}",
        csrf=who.csrf,
    )
    return respond(document)


@router.post("/hcp-requests/{hcp_id}/{action}")
async def decide(hcp_id: str, action: str, request: Request, session: SessionDep) -> Response:
    form = await _form(request)
    try:
        who = steward_viewer(request, session)
        if who is None:
            return _redirect(SIGN_IN)
        auth.check_form(request, who.csrf, form.get("csrf"))
    except Refused as refused:
        return _refusal(refused)
    session.commit()
    engine, email = engine_of(request), who.user.email
    try:
        if action == "approve":
            await run_in_threadpool(lambda: stewardship.approve(engine, steward_email=email, hcp_id=hcp_id))
            done = f"Approved {hcp_id}."
        elif action == "reject":
            reason = form.get("reason", "")
            await run_in_threadpool(lambda: stewardship.reject(engine, steward_email=email, hcp_id=hcp_id, reason=reason))
            done = f"Rejected {hcp_id}."
        elif action == "merge":
            into = form.get("into", "").strip()
            moved = await run_in_threadpool(lambda: stewardship.merge(engine, steward_email=email, hcp_id=hcp_id, into_id=into))
            done = f"Merged {hcp_id} into {into}; {moved} record(s) re-pointed."
        else:
            return _refusal(Refused(404, f"No such decision {action!r}: approve, reject or merge."))
    except LiaisonError as problem:
        return _refusal(Refused(422, str(problem)))
    return _redirect(f"{QUEUE}?{urlencode({'done': done})}")


def _redirect(path: str) -> Response:
    response = RedirectResponse(path, status_code=303)
    secure(response)
    return response
