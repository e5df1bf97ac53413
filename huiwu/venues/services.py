"""Venue queries and changes that pages and the API share."""

from __future__ import annotations

import re
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

from .models import Venue, VenueUnit


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

    The first bytes decide, not the file name: a renamed .exe is refused. The checks for files
    from outside (huiwu.core.files.safety.check_upload) then open an image's header (pixel cap)
    or check a PDF (complete, no scripts or embedded files, page cap).
    """
    from huiwu.core.files.safety import PDF, UnsafeFile, check_upload

    limit = settings.HUIWU_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise _invalid("approval_document", _("审批文件太大（%(size)s MB），请上传不超过 %(limit)s MB 的 PDF、JPG 或 PNG。")
                       % {"size": upload.size // 1024 // 1024, "limit": limit // 1024 // 1024})
    if upload.size == 0:
        raise _invalid("approval_document", _("审批文件是空的，请重新选择文件。"))
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if not any(data.startswith(magic) for magic in APPROVAL_TYPES):
        raise _invalid("approval_document", _("审批文件须为 PDF、JPG 或 PNG 格式（扫描件或照片均可），请转换后重新上传。"))
    try:
        return check_upload(data, ("pdf", "png", "jpeg"), PDF.but(max_bytes=limit))
    except UnsafeFile as exc:
        raise _invalid("approval_document", _("审批文件无法接收：%(why)s") % {"why": exc.message}) from exc


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


def save_approval_draft(venue: Venue, *, approving_body: str, approved_on: date | None, actor: Any = None) -> Venue:
    """Keep the approving body and date typed before the document is at hand (a draft: the status
    does not change; submit_approval with the file submits it). Audited."""
    before = {"body": venue.approving_body, "on": venue.decided_at.isoformat() if venue.decided_at else None}
    venue.approving_body = fold(approving_body)[:200]
    if approved_on is not None:
        tz = ZoneInfo(venue.event.time_zone or settings.TIME_ZONE)
        venue.decided_at = datetime.combine(approved_on, time(12, 0), tzinfo=tz)
    venue.save(update_fields=["approving_body", "decided_at", "updated_at"])
    record("venue.approval_draft", actor=actor, venue=venue, obj=venue, before=before,
           after={"body": venue.approving_body, "on": venue.decided_at.isoformat() if venue.decided_at else None})
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


# -- the main venue's units ---------------------------------------------------------------------
_MAIN_LIST = re.compile(r"主会场[:：]\s*([^。\n]+)")  # i18n: data (the notice's grammar)
_ROLE_TAIL = re.compile(  # i18n: data
    r"(?:[（(][^）)]*[）)])?\s*(?:等)?\s*$|(?:主要|有关|相关)?(?:负责同志|负责人|领导|代表|同志|参会人员|人员)(?:[（(][^）)]*[）)])?\s*(?:等)?\s*$")


def suggest_main_units(event: Event) -> list[str]:
    """Units the notice names as sitting at the main venue (主会场：X负责人；Y负责人…), not yet confirmed.

    Only a suggestion: the organizer confirms, renames or drops each on the main-units page.
    """
    main = event.venues.filter(kind=Venue.Kind.MAIN).first()
    have = set(VenueUnit.objects.filter(venue=main).values_list("unit__name", flat=True)) if main else set()
    out: list[str] = []
    for m in _MAIN_LIST.finditer(event.notice_text or ""):
        for part in re.split(r"[；;]", m.group(1)):
            name = part.strip()
            for _i in range(3):  # 负责人(视频致辞)等 peels in a few steps
                name = _ROLE_TAIL.sub("", name).strip()
            if 2 <= len(name) <= 60 and not re.search(r"总人数|人以内|提前|入位", name) and name not in have | set(out):
                out.append(name)
    return out


def _unit_kind(name: str) -> str:
    from huiwu.events.models import Unit

    if re.search(r"协会|学会|研究会|联合会", name):  # i18n: data
        return Unit.Kind.ASSOCIATION
    if re.search(r"联合国|国际|组织.*办事处", name):  # i18n: data
        return Unit.Kind.INTERNATIONAL
    if re.search(r"部|司|局|厅|委员会|办公室", name):  # i18n: data
        return Unit.Kind.MINISTRY
    return Unit.Kind.OTHER


@transaction.atomic
def add_main_unit(event: Event, name: str, *, quota: int = 0, actor: Any = None) -> VenueUnit:
    """Confirm a unit at the main venue: it gets its own invitation and files its own list."""
    from huiwu.events.models import Unit
    from huiwu.events.services import check_writable

    check_writable(event)
    name = fold(name).strip()[:120]
    if len(name) < 2:
        raise _invalid("name", _("请填写参会单位的全称，例如“中国成人教育协会”。"))
    if quota < 0:
        raise _invalid("quota", _("名额不能为负数（0 表示不单独限额）。"))
    main = event.venues.filter(kind=Venue.Kind.MAIN).first()
    if main is None:
        raise _invalid("venue", _("会议还没有主会场，请先设置主会场。"))
    unit = Unit.objects.filter(name=name).order_by("id").first() or Unit.objects.create(
        name=name, kind=_unit_kind(name), order=2000)
    vu, created = VenueUnit.objects.get_or_create(venue=main, unit=unit, defaults={"quota": quota})
    if not created and vu.quota != quota:
        vu.quota = quota
        vu.save(update_fields=["quota"])
    record("venue.main_unit_add", actor=actor, venue=main, obj=vu, after={"unit": name, "quota": quota})
    return vu


@transaction.atomic
def remove_main_unit(vu: VenueUnit, *, actor: Any = None) -> None:
    """Drop a unit from the main venue, unless it has already filed people (they would be orphaned)."""
    from huiwu.core.errors import ApiError
    from huiwu.events.services import check_writable

    check_writable(vu.venue.event)
    if Attendee.objects.filter(venue=vu.venue, filed_by_unit=vu.unit, status=Attendee.Status.ACTIVE).exists():
        raise ApiError("conflict", _("%(unit)s已填报参会人员，不能移除。如确需移除，请先让该单位撤回名单。")
                       % {"unit": vu.unit.name}, 409)
    record("venue.main_unit_remove", actor=actor, venue=vu.venue, obj=vu, before={"unit": vu.unit.name})
    vu.delete()


def main_unit_rows(event: Event) -> list[dict[str, Any]]:
    """Each confirmed main-venue unit with its invitations and filing, for the page and the API."""
    from huiwu.accounts.models import Invitation

    main = event.venues.filter(kind=Venue.Kind.MAIN).first()
    if main is None:
        return []
    units = list(VenueUnit.objects.filter(venue=main).select_related("unit").order_by("unit__order", "id"))
    invited: dict[int, dict[str, int]] = {}
    for unit_id, used in Invitation.objects.filter(venue=main, revoked_at__isnull=True).values_list("unit_id", "used_at"):
        d = invited.setdefault(unit_id, {"sent": 0, "used": 0})
        d["sent"] += 1
        d["used"] += used is not None
    filed = dict(Attendee.objects.filter(venue=main, status=Attendee.Status.ACTIVE).order_by()
                 .values("filed_by_unit_id").annotate(n=Count("id")).values_list("filed_by_unit_id", "n"))
    return [{"id": vu.pk, "unit_id": vu.unit_id, "name": vu.unit.name, "quota": vu.quota,
             "invitations": invited.get(vu.unit_id, {}).get("sent", 0),
             "accepted": invited.get(vu.unit_id, {}).get("used", 0), "attendees": filed.get(vu.unit_id, 0)}
            for vu in units]


#: what the organizer may change on a venue (the API's PATCH)
VENUE_FIELDS = ("name", "address", "room", "capacity")


@transaction.atomic
def update_venue(venue: Venue, changes: dict[str, Any], *, actor: Any = None) -> Venue:
    """The organizer changes a venue's name, address, room or capacity (audited).

    A capacity below the people already filed is refused: nobody is silently dropped.
    """
    from huiwu.events.services import check_writable

    check_writable(venue.event)
    unknown = sorted(set(changes) - set(VENUE_FIELDS))
    if unknown:
        raise _invalid(unknown[0], _("这些字段不能修改：%(names)s。") % {"names": _("、").join(unknown)})
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "capacity":
            if not isinstance(value, int) or value <= 0:
                raise _invalid("capacity", _("人数上限必须是正整数，例如 30。"))
            have = active_counts(venue.event, [venue.pk]).get(venue.pk, 0)
            if value < have:
                raise _invalid("capacity", _("%(venue)s已有 %(n)d 人报名，人数上限不能低于 %(n)d。")
                               % {"venue": venue.name, "n": have})
        else:
            value = fold(str(value or "")).strip()[: Venue._meta.get_field(key).max_length]
            if key == "name" and not value:
                raise _invalid("name", _("会场名称不能为空。"))
        clean[key] = value
    before = {k: getattr(venue, k) for k in clean}
    changed = {k: v for k, v in clean.items() if before[k] != v}
    if changed:
        for k, v in changed.items():
            setattr(venue, k, v)
        venue.save(update_fields=[*changed, "updated_at"])
        record("venue.update", actor=actor, venue=venue, obj=venue,
               before={k: before[k] for k in changed}, after=changed)
    return venue


# -- extension requests ---------------------------------------------------------------------------
@transaction.atomic
def request_extension(venue: Venue, until: datetime | None, reason: str = "", *, actor: Any = None):
    """A venue asks for a later receipt deadline; a new request replaces one still pending."""
    from huiwu.events.services import check_filing_open, effective_deadline
    from huiwu.receipts.services import format_deadline

    from .models import ExtensionRequest

    check_filing_open(venue.event)
    if until is None:
        raise _invalid("until", _("请填写希望延期到的时间，例如 2026-12-16 12:00。"))
    current = effective_deadline(venue)
    if current is not None and until <= current:
        raise _invalid("until", _("申请的时间须晚于现在的截止时间（%(t)s）。") % {"t": format_deadline(venue, current)})
    if until >= venue.event.starts_at:
        raise _invalid("until", _("申请的时间须早于会议开始。"))
    ExtensionRequest.objects.filter(venue=venue, status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED, note=_("已被新的申请取代"), decided_at=timezone.now())
    req = ExtensionRequest.objects.create(venue=venue, requested_by=actor, until=until, reason=fold(reason)[:300])
    record("venue.extension_requested", actor=actor, venue=venue, obj=req,
           after={"until": until.isoformat(), "reason": req.reason})
    return req


@transaction.atomic
def decide_extension(req: Any, grant: bool, *, note: str = "", actor: Any = None):
    """The organizer grants (the venue's deadline moves) or refuses a request; the venue is mailed
    either way, the person who asked included."""
    from huiwu.core.errors import ApiError
    from huiwu.core.mail import queue_mail
    from huiwu.events.services import check_writable
    from huiwu.receipts.services import coordinator_emails, format_deadline, grant_extension, notify_venue

    from .models import ExtensionRequest

    req = (ExtensionRequest.objects.select_for_update(of=("self",)).select_related("venue__event", "requested_by")
           .get(pk=req.pk))
    venue = req.venue
    check_writable(venue.event)
    if req.status != ExtensionRequest.Status.PENDING:
        raise ApiError("conflict", _("这个延期申请已经处理过了（%(s)s）。") % {"s": req.get_status_display()}, 409)
    req.status = ExtensionRequest.Status.GRANTED if grant else ExtensionRequest.Status.REFUSED
    req.decided_by, req.decided_at, req.note = actor, timezone.now(), fold(note)[:300]
    req.save()
    record("venue.extension_granted" if grant else "venue.extension_refused", actor=actor, venue=venue, obj=req,
           after={"until": req.until.isoformat(), "note": req.note})
    asker = [req.requested_by.email] if req.requested_by and req.requested_by.email else []
    if grant:
        grant_extension(venue, req.until, actor=actor)  # mails the venue's people that the deadline moved
        missed = [a for a in asker if a.lower() not in {e.lower() for e in coordinator_emails(venue)}]
        if missed:  # the person who asked, when the venue's mail did not reach them
            queue_mail(missed, _("%(venue)s的延期申请已同意") % {"venue": venue.name},
                       _("主办方已同意延期，%(venue)s的回执截止时间为%(until)s。") % {
                           "venue": venue.name, "until": format_deadline(venue, req.until)},
                       kind="extension.granted", event=venue.event, venue=venue)
    else:
        names = {"event": venue.event.title, "venue": venue.name, "until": format_deadline(venue, req.until)}
        body = _("%(event)s\n\n主办方未同意%(venue)s延期至%(until)s的申请，截止时间不变。") % names
        if req.note:
            body += _("\n答复：%(note)s") % {"note": req.note}
        body += _("\n如有特殊情况，请直接联系主办方。")
        notify_venue(venue, _("%(venue)s的延期申请未获同意") % names, body, kind="extension.refused", extra=asker)
    return req
