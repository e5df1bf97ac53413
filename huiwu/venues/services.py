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
from huiwu.core.text import fold, free_text
from huiwu.events.models import Event, Unit
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
    address, room = free_text(address)[:200], free_text(room)[:100]
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
    venue.approval_note = free_text(note)[:300]
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


def open_all(event: Event, *, actor: Any = None) -> tuple[list[Venue], list[str]]:
    """Open every venue of the event not open yet, in the official order (one click instead of one per
    venue); those that may not open (a branch awaiting local approval) are left closed and named with
    the reason. Returns the venues opened and the refusals."""
    from huiwu.core.errors import ApiError

    opened, refused = [], []
    with transaction.atomic():
        for venue in (Venue.objects.filter(event=event, is_open=False).select_related("event")
                      .order_by("-kind", "order", "id")):  # the main venue first
            try:
                opened.append(set_open(venue, True, actor=actor))
            except ApiError as exc:
                refused.append(exc.message)
    return opened, refused


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
    if re.search(r"协会|学会|研究会|联合会", name):  # i18n: data
        return Unit.Kind.ASSOCIATION
    if re.search(r"联合国|国际|组织.*办事处", name):  # i18n: data
        return Unit.Kind.INTERNATIONAL
    if re.search(r"部|司|局|厅|委员会|办公室", name):  # i18n: data
        return Unit.Kind.MINISTRY
    return Unit.Kind.OTHER


@transaction.atomic
def add_main_unit(event: Event, name: str, *, quota: int | None = None, actor: Any = None) -> VenueUnit:
    """Confirm a unit at the main venue: it gets its own invitation and files its own list.

    `quota` None keeps a confirmed unit's quota (a new one has none); a number sets it (checked
    as `set_quotas` checks every quota)."""
    from huiwu.events.services import check_writable

    check_writable(event)
    name = fold(name).strip()[:120]
    if len(name) < 2:
        raise _invalid("name", _("请填写参会单位的全称，例如“中国成人教育协会”。"))
    if quota is not None and quota < 0:
        raise _invalid("quota", _("名额不能为负数（0 表示不单独限额）。"))
    main = event.venues.filter(kind=Venue.Kind.MAIN).first()
    if main is None:
        raise _invalid("venue", _("会议还没有主会场，请先设置主会场。"))
    unit = Unit.objects.filter(name=name).order_by("id").first() or Unit.objects.create(
        name=name, kind=_unit_kind(name), order=2000)
    vu, created = VenueUnit.objects.get_or_create(venue=main, unit=unit, defaults={"quota": quota or 0})
    if not created:
        return vu if quota is None else set_quotas(event, {vu.pk: quota}, actor=actor)[0][0]
    record("venue.main_unit_add", actor=actor, venue=main, obj=vu, after={"unit": name, "quota": vu.quota})
    return vu


@transaction.atomic
def set_quotas(event: Event, quotas: dict[int, int], *, actor: Any = None) -> tuple[list[VenueUnit], list[str]]:
    """Set the main-venue units' quotas ({VenueUnit id: quota}, 0 = no quota of its own); all or
    nothing, every problem named at once. A quota below the people a unit has filed is refused
    (nobody is dropped silently); quotas adding up to more than the main venue holds are allowed
    but said (the first units to file take the seats). Returns the units changed and warnings."""
    from huiwu.core.errors import Invalid
    from huiwu.events.services import check_writable

    check_writable(event)
    units = {vu.pk: vu for vu in VenueUnit.objects.filter(venue__event=event, venue__kind=Venue.Kind.MAIN,
                                                          pk__in=list(quotas)).select_related("unit", "venue")}
    filed = dict(Attendee.objects.filter(event=event, venue__kind=Venue.Kind.MAIN, status=Attendee.Status.ACTIVE)
                 .order_by().values("filed_by_unit_id").annotate(n=Count("id")).values_list("filed_by_unit_id", "n"))
    errors: dict[str, list[str]] = {}
    for pk, quota in quotas.items():
        vu = units.get(pk)
        if vu is None:
            errors[f"quota.{pk}"] = [_("没有这个主会场参会单位（%(id)s）。") % {"id": pk}]
        elif not isinstance(quota, int) or quota < 0:
            errors[f"quota.{pk}"] = [_("%(unit)s的名额须为 0 或正整数（0 表示不单独限额）。") % {"unit": vu.unit.name}]
        elif quota and quota < filed.get(vu.unit_id, 0):
            errors[f"quota.{pk}"] = [_("%(unit)s已报 %(n)d 人，名额不能少于 %(n)d（或填 0 不单独限额）。")
                                     % {"unit": vu.unit.name, "n": filed[vu.unit_id]}]
    if errors:
        raise Invalid("".join(m for ms in errors.values() for m in ms), errors)
    changed = []
    for pk, quota in quotas.items():
        vu = units[pk]
        if vu.quota != quota:
            record("venue.quota", actor=actor, venue=vu.venue, obj=vu, before={"unit": vu.unit.name, "quota": vu.quota},
                   after={"unit": vu.unit.name, "quota": quota})
            vu.quota = quota
            changed.append(vu)
    VenueUnit.objects.bulk_update(changed, ["quota"])
    return [units[pk] for pk in quotas], quota_warnings(event)


def quota_warnings(event: Event) -> list[str]:
    """Quotas that cannot all be met: their sum above the main venue's capacity."""
    main = event.venues.filter(kind=Venue.Kind.MAIN).first()
    if main is None:
        return []
    total = sum(VenueUnit.objects.filter(venue=main).values_list("quota", flat=True))
    if total > main.capacity:
        return [_("各单位名额合计 %(sum)d 人，超过主会场人数上限 %(cap)d 人：先报满的单位会占用其他单位的座位，"
                  "请核减名额或提高主会场人数上限。") % {"sum": total, "cap": main.capacity}]
    return []


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


# -- branch venues after creation: add, drop, rename the host unit -----------------------------------
def _conflict(code: str, message: str, field: str = ""):
    from huiwu.core.errors import ApiError

    return ApiError(code, message, 409, {field: [message]} if field else None)


def _official_key(code: str, with_provinces: bool) -> tuple[int, int, str]:
    """Where a branch venue stands in official lists: provinces by code, then (beside provinces) the
    five cities in the notices' order, the XPCC, other divisions by code, then units that are not
    regions (codes from 900001) in the order they were added."""
    from huiwu.events import divisions as D
    from huiwu.events.regions import BRANCH_CODES

    if code == D.CORPS:
        return (2, 0, code)
    if code >= "900000":
        return (4, 0, code)
    if with_provinces and code in D.PLAN_CITIES:
        return (1, BRANCH_CODES.index(code), code)
    division = D.lookup(code)
    return (0 if division is not None and division.level == "province" else 3, 0, code)


def _place(event: Event, venue: Venue) -> None:
    """Give a new branch venue its place in the official order; the others keep theirs relative to
    one another (those after it move down by one, in one statement)."""
    from django.db.models import F

    from huiwu.events import divisions as D

    others = list(event.venues.filter(kind=Venue.Kind.BRANCH).exclude(pk=venue.pk).order_by("order", "id")
                  .values_list("pk", "code", "order"))
    with_provinces = any(getattr(D.lookup(code), "level", "") == "province" for code in [venue.code, *(o[1] for o in others)])
    key = _official_key(venue.code, with_provinces)
    pos = next((i for i, (_pk, code, _o) in enumerate(others) if _official_key(code, with_provinces) > key), len(others))
    if pos == len(others):
        venue.order = others[-1][2] + 1 if others else 1
    elif pos == 0 or others[pos - 1][2] < others[pos][2]:
        venue.order = others[pos][2]
        event.venues.filter(kind=Venue.Kind.BRANCH, order__gte=venue.order).exclude(pk=venue.pk).update(
            order=F("order") + 1)
    else:  # two venues share an order number where the new one goes: number them all again
        ids = [o[0] for o in others]
        ids.insert(pos, venue.pk)
        Venue.objects.bulk_update([Venue(pk=pk, order=n) for n, pk in enumerate(ids, start=1)], ["order"])
        venue.order = pos + 1
    Venue.objects.filter(pk=venue.pk).update(order=venue.order)


def _authority(event: Event):
    """The office the event's branch venues belong to (教育局 for a province's 各设区市教育局), read from
    its addressees and issuer as the review page reads them, for a region's unit added later."""
    from huiwu.notices.branches import authority_of

    return authority_of({"addressees": [a for a in re.split(r"[，,]", event.addressees or "") if a.strip()],
                         "issuer": event.issuer})


def usual_capacity(event: Event) -> int | None:
    """The capacity most branch venues of the event have (the notice gives one for all)."""
    row = (event.venues.filter(kind=Venue.Kind.BRANCH).order_by().values("capacity").annotate(n=Count("id"))
           .order_by("-n", "-capacity").first())
    return row["capacity"] if row else None


def has_rehearsal_schedule(event: Event) -> bool:
    """Whether rehearsal slots were given out: a venue added later has none until re-scheduled."""
    from huiwu.rehearsals.models import Rehearsal

    return Rehearsal.objects.filter(venue__event=event).exists()


@transaction.atomic
def add_branch_venue(event: Event, host: str, *, name: str = "", unit: str = "", capacity: int | None = None,
                     actor: Any = None) -> Venue:
    """Add one branch venue after the event was created. `host` is read as the review page reads
    its added lines (`notices.branches.from_lines`): a six-digit GB/T 2260 code, a region's name, or
    any unit's name. A region's code is the venue's code (one venue per region); a unit that is not
    a region gets the next free code from 900001. Placed in the official order; audited."""
    from huiwu.events.divisions import region_unit
    from huiwu.events.services import check_writable
    from huiwu.notices.branches import from_lines

    check_writable(event)
    host = fold(host or "").strip()
    if not host:
        raise _invalid("host", _("请填写地区代码（如 330100）、地区名称（如 杭州市）或单位全称。"))
    if capacity is None:
        capacity = usual_capacity(event)
    if not isinstance(capacity, int) or capacity <= 0:
        raise _invalid("capacity", _("请填写新会场的人数上限（正整数，例如 30）。"))
    planned = from_lines(host, form=_authority(event))[0]
    if re.fullmatch(r"\d{6}", host) and not planned.code:
        raise _invalid("host", _("%(code)s 不是行政区划代码（GB/T 2260），请核对，或填写地区名称、单位全称。") % {"code": host})
    unit_name = fold(unit or "").strip()[:120]
    existing = event.venues.filter(code=planned.code).first() if planned.code else None
    if existing is not None:
        raise _conflict("venue_exists", _("%(region)s已有会场：%(venue)s（代码 %(code)s）。")
                        % {"region": host, "venue": existing.name, "code": existing.code}, "host")
    if planned.code:
        host_unit = region_unit(planned.code, name=unit_name or planned.unit)
        code = planned.code
    else:
        unit_name = unit_name or planned.unit[:120]
        host_unit = Unit.objects.filter(name=unit_name, region_code="").order_by("id").first() or Unit.objects.create(
            name=unit_name, kind=_unit_kind(unit_name), order=2000)
        taken = set(event.venues.values_list("code", flat=True))
        code = next(f"{n:06d}" for n in range(900001, 1000000) if f"{n:06d}" not in taken)
    twin = event.venues.filter(host_unit=host_unit).first()
    if twin is not None:
        raise _conflict("venue_exists", _("%(unit)s已承办%(venue)s，同一单位不能再设一个分会场。")
                        % {"unit": host_unit.name, "venue": twin.name}, "host")
    venue_name = fold(name or "").strip()[:200] or planned.name[:200]
    venue = Venue.objects.create(event=event, kind=Venue.Kind.BRANCH, code=code, host_unit=host_unit,
                                 name=venue_name, capacity=capacity, order=0)
    _place(event, venue)
    record("venue.add", actor=actor, venue=venue, obj=venue, after={
        "code": code, "name": venue.name, "unit": host_unit.name, "capacity": capacity, "from": host})
    return venue


def added_venue_notes(event: Event, venue: Venue) -> list[str]:
    """What the organizer still has to do for a venue added after creation."""
    out = []
    if has_rehearsal_schedule(event):
        out.append(_("视频调试时段已经排好，%(venue)s还没有时段：请在视频调试页重新排期（已发出的时段保持不变）。")
                   % {"venue": venue.name})
    if event.status == Event.Status.PUBLISHED:
        out.append(_("会议已发布：请为%(venue)s生成邀请链接，联系人才能填报回执。") % {"venue": venue.name})
    return out


def removal_blockers(venue: Venue) -> list[str]:
    """Why this venue cannot be dropped now (empty: it can)."""
    if venue.kind == Venue.Kind.MAIN:
        return [_("主会场不能删除。")]
    if venue.event.status == Event.Status.ARCHIVED:
        return [_("“%(title)s”已归档，只能查看，不能再修改。") % {"title": venue.event.title}]
    n = active_counts(venue.event, [venue.pk]).get(venue.pk, 0)
    if n:
        return [_("%(venue)s已报 %(n)d 名参会人员，不能删除。请先让该会场撤回名单（或在会场页面逐一删除这些人员），再删除会场。")
                % {"venue": venue.name, "n": n}]
    return []


def removal_summary(venue: Venue) -> list[tuple[str, int]]:
    """What dropping the venue takes with it, for the confirmation page (rows with nothing left out)."""
    from huiwu.accounts.models import Invitation, Membership
    from huiwu.receipts.models import Receipt
    from huiwu.rehearsals.models import Rehearsal

    rows = [
        (_("未使用的邀请链接（将撤销）"), Invitation.objects.filter(venue=venue, used_at__isnull=True,
                                                                revoked_at__isnull=True).count()),
        (_("会场联系人的账号权限（将移除）"), Membership.objects.filter(venue=venue).count()),
        (_("历史回执（人员均已撤回）"), Receipt.objects.filter(venue=venue).count()),
        (_("已撤回或更换的人员记录"), Attendee.objects.filter(venue=venue).exclude(status=Attendee.Status.ACTIVE).count()),
        (_("视频调试时段"), Rehearsal.objects.filter(venue=venue).count()),
    ]
    return [(label, n) for label, n in rows if n]


@transaction.atomic
def remove_branch_venue(venue: Venue, *, actor: Any = None) -> dict[str, Any]:
    """Drop a branch venue that nobody is listed at: its open invitation links are revoked, the
    roles bound to it removed, its people told (when the event is out), then the venue deleted.
    The audit entry keeps what it was and what went with it."""
    from huiwu.accounts.models import Invitation, Membership
    from huiwu.accounts.services import revoke_invitation
    from huiwu.events.services import check_writable

    from .locking import lock_venue

    check_writable(venue.event)
    lock_venue(venue.pk)  # no filing slips in between the check and the deletion
    blockers = removal_blockers(venue)
    if blockers:
        raise _conflict("venue_in_use", blockers[0])
    summary = {str(label): n for label, n in removal_summary(venue)}
    if venue.event.status == Event.Status.PUBLISHED:
        from huiwu.receipts.services import notify_venue

        names = {"event": venue.event.title, "venue": venue.name}
        notify_venue(venue, _("%(venue)s已取消") % names,
                     _("%(event)s\n\n主办方已取消%(venue)s，您不再需要为该会场填报回执。如有疑问，请联系主办方。") % names,
                     kind="venue.removed")
    for inv in Invitation.objects.filter(venue=venue, used_at__isnull=True, revoked_at__isnull=True):
        revoke_invitation(inv, actor=actor)
    members = Membership.objects.filter(venue=venue).select_related("user")
    removed = sorted(m.user.get_username() for m in members)
    members.delete()
    gone = {"code": venue.code, "name": venue.name, "unit": venue.host_unit.name if venue.host_unit_id else "",
            "capacity": venue.capacity, "memberships_removed": removed, "deleted": summary}
    record("venue.remove", actor=actor, event=venue.event, venue=venue, obj=venue, before=gone)
    venue.delete()
    return gone


@transaction.atomic
def rename_host_unit(venue: Venue, name: str, *, actor: Any = None) -> Venue:
    """Rename a branch venue's host unit. A unit only this venue uses is renamed in place (its
    people's unit label follows). A unit other venues or events share is left alone: the venue moves
    to the unit of the new name (of the same region, when it is a region's), unless it has filed
    already (its receipts name the old unit)."""
    from huiwu.events.divisions import region_unit
    from huiwu.events.services import check_writable

    check_writable(venue.event)
    name = fold(name or "").strip()[:120]
    if len(name) < 2:
        raise _invalid("host_unit", _("请填写承办单位的全称，例如“杭州市教育局”。"))
    if venue.kind == Venue.Kind.MAIN:
        raise _invalid("host_unit", _("主会场的参会单位请在“主会场参会单位”页面修改。"))
    unit = venue.host_unit
    if unit is not None and unit.name == name:
        return venue
    region = unit.region_code if unit is not None else ""
    namesake = Unit.objects.filter(region_code=region, name=name).exists()
    shared = unit is not None and (
        Venue.objects.filter(host_unit=unit).exclude(pk=venue.pk).exists()
        or VenueUnit.objects.filter(unit=unit).exists()
        or Attendee.objects.filter(filed_by_unit=unit).exclude(venue=venue).exists())
    before = {"host_unit": unit.name if unit else None}
    if unit is not None and not shared and not namesake:
        unit.name = name
        unit.save(update_fields=["name"])
    elif Attendee.objects.filter(venue=venue).exists() or venue.receipts.exists():
        raise _invalid("host_unit", _("“%(unit)s”也用于其他会场，而%(venue)s已有回执，不能再更换承办单位；可以只修改会场名称。")
                       % {"venue": venue.name, "unit": unit.name if unit else ""})
    else:
        new = region_unit(region, name=name) if region else (
            Unit.objects.filter(name=name, region_code="").order_by("id").first()
            or Unit.objects.create(name=name, kind=_unit_kind(name), order=2000))
        twin = venue.event.venues.filter(host_unit=new).exclude(pk=venue.pk).first()
        if twin is not None:
            raise _conflict("venue_exists", _("%(unit)s已承办%(venue)s，同一单位不能再设一个分会场。")
                            % {"unit": new.name, "venue": twin.name}, "host_unit")
        venue.host_unit = new
        venue.save(update_fields=["host_unit", "updated_at"])
    record("venue.rename_host", actor=actor, venue=venue, obj=venue, before=before, after={"host_unit": name})
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
    req = ExtensionRequest.objects.create(venue=venue, requested_by=actor, until=until, reason=free_text(reason)[:300])
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
    req.decided_by, req.decided_at, req.note = actor, timezone.now(), free_text(note)[:300]
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
