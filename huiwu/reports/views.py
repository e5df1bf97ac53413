"""Downloads of rosters (and, later, the attendance report): thin views over reports.services."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from huiwu.accounts.tenancy import scoped

from . import roster as rosters
from . import services


def _download(request, event, venue, fmt: str) -> HttpResponse:
    if fmt not in rosters.WRITERS:
        raise Http404(fmt)
    try:
        data = services.export_roster(event, fmt, venue=venue, columns=request.GET.get("columns", ""),
                                      actor=request.user, **services.roster_for(request.user, event, venue))
    except rosters.RosterError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=rosters.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, rosters.filename(event, venue, fmt))
    return response


@scoped("event.manage")
def event_roster(request, event, fmt: str):
    """The whole event's roster (organizers): every venue's active attendees."""
    return _download(request, event, None, fmt)


@scoped("venue.view")
def venue_roster(request, event, venue, fmt: str):
    """One venue's roster for anyone who may see the venue (phones masked for roles without them)."""
    return _download(request, event, venue, fmt)


@scoped("event.manage")
def attendance_report(request, event, fmt: str):
    """The attendance report (counts only) as .docx or .pdf."""
    from . import attendance

    if fmt not in attendance.WRITERS:
        raise Http404(fmt)
    data = services.attendance_report(event, fmt, actor=request.user)
    response = HttpResponse(data, content_type=attendance.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, f"{event.title}参会情况报告.{fmt}")  # i18n: data (the report's own title)
    return response


@scoped("event.manage")
def attendance_chart(request, event, fmt: str):
    """The chart of attendance by venue (the overview shows it; the report embeds the same one)."""
    from . import attendance

    if fmt not in ("svg", "png"):
        raise Http404(fmt)
    body = attendance.chart(attendance.report_data(event), fmt)
    response = HttpResponse(body, content_type="image/svg+xml" if fmt == "svg" else "image/png")
    response["Cache-Control"] = "private, max-age=30"
    return response
