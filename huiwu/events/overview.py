"""The organizer overview's table body, rendered in Python.

With 3,000 venues Django's template engine spends ~300 ms resolving ~40,000 variables; building
the rows with format_html (which escapes every value) takes a tenth of that. The page around
the table stays an ordinary template.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from huiwu.events.services import closing_time
from huiwu.venues.models import Venue
from huiwu.venues.services import VenueRow


def is_late(row: VenueRow, now: datetime, deadline: datetime | None) -> bool:
    due = closing_time(deadline, row.deadline_extended_to)
    return row.filed_version is None and due is not None and now > due


def summarise(rows: list[VenueRow], deadline: datetime | None) -> dict[str, int]:
    now = timezone.now()
    return {
        "venues": len(rows),
        "filed": sum(1 for r in rows if r.filed_version),
        "attendees": sum(r.count for r in rows),
        "approved": sum(1 for r in rows if r.kind == "branch" and r.approval_status == Venue.Approval.APPROVED),
        "late": sum(1 for r in rows if is_late(r, now, deadline)),
    }


def render_rows(rows: list[VenueRow], event_slug: str, deadline: datetime | None) -> SafeString:
    now = timezone.now()
    tz = timezone.get_current_timezone()
    approval_labels = dict(Venue.Approval.choices)
    labels = [_("代码"), _("会场"), _("承办单位"), _("审批"), _("回执"), _("人数/上限"), _("技术联系人"), _("最后变更")]
    filed_label, late_label, not_filed = _("已报"), _("逾期未报"), _("未报")

    def cells(r: VenueRow):
        if r.kind == "branch":
            ok = r.approval_status == Venue.Approval.APPROVED
            approval = format_html('<span class="{}">{}</span>', "ok" if ok else "warn",
                                   approval_labels.get(r.approval_status, r.approval_status))
        else:
            approval = "—"
        if r.filed_version:
            receipt = format_html('<span class="ok">{} v{}</span>', filed_label, r.filed_version)
        elif is_late(r, now, deadline):
            receipt = format_html('<span class="bad">{}</span>', late_label)
        else:
            receipt = format_html('<span class="muted">{}</span>', not_filed)
        changed = max(filter(None, [r.updated_at, r.filed_at]))
        return (
            r.code, labels[0], r.code, labels[1], event_slug, r.code, r.name, labels[2], r.unit,
            labels[3], approval, labels[4], receipt,
            labels[5], "warn" if r.count >= r.capacity else "", r.count, r.capacity,
            labels[6], r.tech or "—", labels[7], date_format(changed.astimezone(tz), "n-j H:i"),
        )

    return format_html_join(
        "\n",
        '<tr data-code="{}"><td data-label="{}">{}</td>'
        '<td data-label="{}"><a href="/manage/{}/venues/{}/">{}</a></td>'
        '<td data-label="{}" class="wrap">{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td>'
        '<td data-label="{}" class="{}">{}/{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td></tr>',
        (cells(r) for r in rows),
    )
