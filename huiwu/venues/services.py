"""Venue queries and changes that pages and the API share."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huiwu.audit.services import record
from huiwu.core.text import fold
from huiwu.events.models import Event
from huiwu.receipts.models import Attendee

from .models import Venue


def active_counts(event: Event, venue_ids: list[int] | None = None) -> dict[int, int]:
    """Active attendees per venue in one grouped query: the overview and the API count alike."""
    qs = Attendee.objects.filter(event=event, status=Attendee.Status.ACTIVE)
    if venue_ids is not None:
        qs = qs.filter(venue_id__in=venue_ids)
    return dict(qs.order_by().values("venue_id").annotate(n=Count("id")).values_list("venue_id", "n"))


def with_counts(event: Event, venues: QuerySet[Venue]) -> list[Venue]:
    """Venues (in overview order) carrying `active_count`, for the API."""
    found = list(venues.select_related("host_unit").order_by("order", "id"))
    counts = active_counts(event, [v.pk for v in found])
    for v in found:
        v.active_count = counts.get(v.pk, 0)
    return found


# -- details, local approval, opening -------------------------------------------------------------
APPROVAL_TYPES = {b"%PDF-": ("pdf", "application/pdf"), b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
                  b"\xff\xd8\xff": ("jpg", "image/jpeg")}


def _invalid(field: str, message: str):
    from huiwu.core.errors import Invalid

    return Invalid(message, {field: [message]})


def check_approval_file(upload: Any) -> tuple[str, str]:
    """(extension, content type) of an approval document; only real PDF/JPEG/PNG of sane size pass.

    The first bytes decide, not the file name: a renamed .exe is refused.
    """
    limit = settings.HUIWU_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise _invalid("approval_document", _("审批文件太大（%(size)s MB），请上传不超过 %(limit)s MB 的 PDF、JPG 或 PNG。")
                       % {"size": upload.size // 1024 // 1024, "limit": limit // 1024 // 1024})
    if upload.size == 0:
        raise _invalid("approval_document", _("审批文件是空的，请重新选择文件。"))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in APPROVAL_TYPES.items():
        if head.startswith(magic):
            return kind
    raise _invalid("approval_document", _("审批文件须为 PDF、JPG 或 PNG 格式（扫描件或照片均可），请转换后重新上传。"))


def update_details(venue: Venue, *, address: str, room: str, actor: Any = None) -> Venue:
    """A venue's address and meeting room, as its coordinator writes them."""
    address, room = fold(address)[:200], fold(room)[:100]
    before = {"address": venue.address, "room": venue.room}
    if before == {"address": address, "room": room}:
        return venue
    venue.address, venue.room = address, room
    venue.save(update_fields=["address", "room", "updated_at"])
    record("venue.update_details", actor=actor, venue=venue, obj=venue, before=before,
           after={"address": address, "room": room})
    return venue


@transaction.atomic
def submit_approval(venue: Venue, *, approving_body: str, approved_on: date | None, document: Any = None,
                    actor: Any = None) -> Venue:
    """The coordinator records the local authority's approval; the organizer then decides.

    The status becomes `pending` (awaiting the organizer's check) unless already approved and
    nothing changed.
    """
    body = fold(approving_body)[:200]
    if not body:
        raise _invalid("approving_body", _("请填写审批机关，例如“北京市新冠肺炎疫情防控工作领导小组”。"))
    if document is None and not venue.approval_document:
        raise _invalid("approval_document", _("请上传审批文件（PDF、JPG 或 PNG）。"))
    if approved_on is not None and approved_on > timezone.localdate() + timedelta(days=1):
        raise _invalid("approved_on", _("审批日期不能晚于今天，请检查。"))
    before = {"status": venue.approval_status, "body": venue.approving_body,
              "document": venue.approval_document.name or ""}
    if document is not None:
        ext, _ctype = check_approval_file(document)
        venue.approval_document.save(f"{venue.event_id}-{venue.code}.{ext}", document, save=False)
    venue.approving_body = body
    if approved_on is not None:
        tz = ZoneInfo(venue.event.time_zone or settings.TIME_ZONE)
        venue.decided_at = datetime.combine(approved_on, time(12, 0), tzinfo=tz)
    changed = document is not None or body != before["body"]
    if venue.approval_status != Venue.Approval.APPROVED or changed:
        venue.approval_status = Venue.Approval.PENDING
        venue.is_open = False
    venue.save()
    record("venue.approval_submitted", actor=actor, venue=venue, obj=venue, before=before,
           after={"status": venue.approval_status, "body": body, "document": venue.approval_document.name})
    return venue


@transaction.atomic
def decide_approval(venue: Venue, *, status: str, note: str = "", actor: Any = None) -> Venue:
    """The organizer records its decision on the venue's approval (audited); a rejection closes it."""
    if status not in Venue.Approval.values:
        raise _invalid("status", _("审批状态无效。"))
    if status == Venue.Approval.APPROVED and not venue.approving_body:
        raise _invalid("status", _("该会场尚未填写审批机关和审批文件，无法确认批准。"))
    before = {"status": venue.approval_status, "is_open": venue.is_open}
    venue.approval_status = status
    venue.approval_note = fold(note)[:300]
    if status != Venue.Approval.APPROVED and not venue.approval_waived:
        venue.is_open = False
    venue.save()
    record("venue.approval_decided", actor=actor, venue=venue, obj=venue, before=before,
           after={"status": status, "note": venue.approval_note, "is_open": venue.is_open})
    from huiwu.receipts.services import notify_venue

    names = {"event": venue.event.title, "venue": venue.name, "status": venue.get_approval_status_display()}
    body = _("%(event)s\n\n主办方已将%(venue)s的审批状态记为“%(status)s”。") % names
    if venue.approval_note:
        body += _("\n说明：%(note)s") % {"note": venue.approval_note}
    notify_venue(venue, _("%(venue)s审批状态：%(status)s") % names, body, kind="venue.approval")
    return venue


@transaction.atomic
def set_open(venue: Venue, is_open: bool, *, actor: Any = None) -> Venue:
    """Mark a venue open (or not). A branch venue opens only once approved when the event requires it."""
    needs = venue.kind == Venue.Kind.BRANCH and venue.event.approval_required
    if is_open and needs and venue.approval_status != Venue.Approval.APPROVED:
        raise _invalid("is_open", _("%(venue)s尚未获当地审批同意（当前：%(status)s），不能开设。请先确认审批。")
                       % {"venue": venue.name, "status": venue.get_approval_status_display()})
    before = venue.is_open
    venue.is_open = is_open
    venue.approval_waived = bool(is_open and venue.kind == Venue.Kind.BRANCH and not venue.event.approval_required)
    venue.save(update_fields=["is_open", "approval_waived", "updated_at"])
    record("venue.open" if is_open else "venue.close", actor=actor, venue=venue, obj=venue,
           before={"is_open": before}, after={"is_open": is_open})
    return venue


def is_effectively_open(venue: Venue) -> bool:
    """What pages show: open only when marked open and (if required) approved."""
    if venue.kind == Venue.Kind.MAIN:
        return venue.is_open
    if venue.event.approval_required and venue.approval_status != Venue.Approval.APPROVED:
        return False
    return venue.is_open
