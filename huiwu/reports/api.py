"""API: rosters as files (xlsx, csv, docx, pdf), through tenancy and audited like the pages' downloads."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from ninja import Router

from huiwu.accounts.tenancy import resolve_event, resolve_venue
from huiwu.core.errors import Invalid

from . import roster as rosters
from . import services

router = Router(tags=["reports"])


def _file(request, event, venue, format: str, columns: str) -> HttpResponse:
    try:
        data = services.export_roster(event, format, venue=venue, columns=columns, actor=request.auth,
                                      **services.roster_for(request.auth, event, venue))
    except rosters.RosterError as exc:
        raise Invalid(str(exc), {"format" if format not in rosters.WRITERS else "columns": [str(exc)]}) from exc
    response = HttpResponse(data, content_type=rosters.CONTENT_TYPES[format])
    response["Content-Disposition"] = content_disposition_header(True, rosters.filename(event, venue, format))
    return response


@router.get("/events/{event}/roster", summary=gettext_lazy("导出整个会议的参会人员名单（主办方）"),
            response={200: None}, description=gettext_lazy("format：xlsx、csv、docx 或 pdf；columns：逗号分隔的列。"))
def event_roster(request, event: str, format: str = "xlsx", columns: str = ""):
    ev = resolve_event(request.auth, event, "event.manage", request)
    return _file(request, ev, None, format, columns)


@router.get("/events/{event}/venues/{venue}/roster", summary=gettext_lazy("导出一个会场的参会人员名单"),
            response={200: None}, description=gettext_lazy("format：xlsx、csv、docx 或 pdf；columns：逗号分隔的列。"))
def venue_roster(request, event: str, venue: str, format: str = "xlsx", columns: str = ""):
    v = resolve_venue(request.auth, event, venue, "venue.view", request)
    return _file(request, v.event, v, format, columns)
