"""Reports for managers and administrators (read with a manager's or an administrator's device token)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from liaison.server.deps import CallerDep, SessionDep
from liaison.server.errors import ApiError
from liaison.server.reports import safety

router = APIRouter(prefix="/reports")


@router.get("/ae-timeliness", response_model=safety.TimelinessReport)
def ae_timeliness(
    request: Request,
    caller: CallerDep,
    session: SessionDep,
    output: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
    by: Literal["event", "msl"] = "event",
) -> safety.TimelinessReport | Response:
    """Time from awareness to receipt per adverse event and per MSL, for the caller's team.

    `?format=csv` gives one row per event (or per MSL with `&by=msl`). Deadlines come from the
    server's reporting window, whatever deadline a device stored.
    """
    if caller.user.role not in safety.READERS:
        raise ApiError(403, "forbidden", "only a manager or an administrator may read the adverse-event timeliness report")
    settings = request.app.state.settings
    report = safety.ae_timeliness(session, caller.user, safety.Policy(settings.ae_window, settings.ae_timezone))
    session.commit()
    if output == "csv":
        body = safety.as_csv(report.events, safety.EventTimeliness) if by == "event" else safety.as_csv(report.msls, safety.MslTimeliness)
        return Response(content=body, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="ae-timeliness-{by}.csv"'})
    return report
