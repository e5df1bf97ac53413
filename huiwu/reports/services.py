"""Reports: rosters and the attendance report. Exports hold personal data, so every one is audited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from huiwu.audit.services import record
from huiwu.events.models import Event
from huiwu.venues.models import Venue

from . import roster as rosters


def roster_for(actor: Any, event: Event, venue: Venue | None) -> dict[str, Any]:
    """What `actor` may see of a roster: masked phones for roles without attendee.phone, and at the
    main venue a main-venue unit's own people only. The caller has resolved event/venue through tenancy."""
    from huiwu.accounts.tenancy import Access
    from huiwu.receipts.services import own_unit_ids

    access = Access.for_user(actor)
    return {"show_phone": access.can("attendee.phone", event, venue),
            "unit_ids": own_unit_ids(actor, venue) if venue is not None else None}


def export_roster(event: Event, fmt: str, *, venue: Venue | None = None, columns: Any = None,
                  actor: Any = None, actor_label: str = "", show_phone: bool = True,
                  unit_ids: set[int] | None = None) -> bytes:
    """The roster (参会人员名单) of the event or one venue as `fmt` bytes; recorded as `roster.export`.

    Raises RosterError for an unknown format or column (its message says what is allowed).
    """
    if fmt not in rosters.WRITERS:
        raise rosters.RosterError(_("名单格式只能是 %(formats)s。") % {"formats": _("、").join(rosters.FORMATS)})
    cols = rosters.parse_columns(columns)
    roster = rosters.build(event, venue=venue, columns=cols, show_phone=show_phone, unit_ids=unit_ids)
    data = rosters.WRITERS[fmt](roster)
    record("roster.export", actor=actor, actor_label=actor_label, event=event, venue=venue,
           after={"format": fmt, "columns": list(cols), "phones": show_phone, "bytes": len(data)})
    return data


def attendance_report(event: Event, fmt: str, *, actor: Any = None, actor_label: str = "") -> bytes:
    """The attendance report (参会情况报告) as .docx or .pdf; recorded as `report.attendance`.

    It holds counts only (no names, no health details)."""
    from . import attendance

    if fmt not in attendance.WRITERS:
        raise rosters.RosterError(_("报告格式只能是 docx 或 pdf。"))
    data = attendance.report_data(event)
    out = attendance.WRITERS[fmt](data)
    record("report.attendance", actor=actor, actor_label=actor_label, event=event,
           after={"format": fmt, "bytes": len(out), "totals": data["totals"]})
    return out
