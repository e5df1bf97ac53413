"""API: a venue's attendees, its rehearsal contact and its receipts — the web form's rules, as JSON.

Handlers resolve the venue through the tenancy layer and call receipts.services; every error
comes back as PRODUCT.md's {"error": {"code", "message", "fields"}}.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status

from huiwu.accounts.tenancy import Access, resolve_venue
from huiwu.core.api_types import choices
from huiwu.core.errors import ApiError, Invalid

from . import services
from .models import Attendee, Receipt, TechContact

router = Router(tags=["receipts"])

BASE = "/events/{event}/venues/{venue}"


class PersonIn(Schema):
    """A person as filed: the fields of a receipt row (also a replacement's, in admission)."""

    name: str
    unit: str
    position: str = ""
    phone: str = ""
    category: str = ""


class AttendeeIn(PersonIn):
    #: main venue only: the invited unit this person is filed for (organizers); others file for their own
    filed_by_unit: int | None = None


class AttendeePatch(Schema):
    name: str | None = None
    unit: str | None = None
    position: str | None = None
    phone: str | None = None
    category: str | None = None


class AttendeeOut(Schema):
    id: int
    name: str
    unit: str
    position: str
    phone: str
    #: a value of the event's categories (`GET /events/{event}`: attendee_categories), or "other"
    category: str
    filed_by_unit: str | None = None
    warnings: list[str] = []


class TechContactIn(Schema):
    name: str
    phone: str
    email: str = ""


class TechContactOut(Schema):
    name: str
    phone: str
    email: str
    updated_at: datetime | None = None


class ReceiptOut(Schema):
    version: int
    unit: str | None
    channel: choices(Receipt.Channel)  # type: ignore[valid-type]
    status: choices(Receipt.Status)  # type: ignore[valid-type]
    submitted_at: datetime
    attendees: int
    diff: dict


class SubmitOut(Schema):
    status: str
    version: int | None
    errors: list[dict]
    warnings: list[str]
    diff: dict


class ImportFileOut(Schema):
    file: str
    status: str
    venue: str | None
    attendees: list[dict]
    tech_contact: dict | None
    errors: list[dict]
    warnings: list[str]


def _venue(request, event: str, venue: str, perm: str = "venue.view"):
    """The venue in scope; reuses the one the authentication step resolved when it left it on the request."""
    cached = getattr(request, "huiwu_venue", None)
    if cached is not None and cached.code == venue and cached.event.slug == event:
        if not Access.for_user(request.auth).can(perm, cached.event, cached):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(perm)
        return cached
    return resolve_venue(request.auth, event, venue, perm, request)


def _show_phone(request, venue) -> bool:
    return Access.for_user(request.auth).can("attendee.phone", venue.event, venue)


def _out(a: Attendee, show_phone: bool, units: dict[int, str] | None = None) -> dict:
    d = services.attendee_dict(a, show_phone=show_phone)
    d["filed_by_unit"] = (units or {}).get(a.filed_by_unit_id) if units is not None else (
        a.filed_by_unit.name if a.filed_by_unit_id else None)
    d["warnings"] = getattr(a, "warnings", [])
    return d


def _own_units(request, v) -> set[int] | None:
    """A main-venue unit sees and edits only its own list; everyone else in scope sees the venue's."""
    return services.own_unit_ids(request.auth, v)


def _visible(request, v):
    qs = Attendee.objects.filter(venue=v, status=Attendee.Status.ACTIVE)
    unit_ids = _own_units(request, v)
    if unit_ids is not None:
        qs = qs.filter(filed_by_unit_id__in=unit_ids)
    return qs


def _attendee(request, v, attendee_id: int) -> Attendee:
    a = _visible(request, v).select_related("venue__event", "filed_by_unit").filter(pk=attendee_id).first()
    if a is None:
        raise Http404("attendee")
    return a


@router.get(BASE + "/attendees", response=list[AttendeeOut], summary=gettext_lazy("会场的参会人员"))
def list_attendees(request, event: str, venue: str):
    v = _venue(request, event, venue)
    show = _show_phone(request, v)
    return [_out(a, show) for a in _visible(request, v).select_related("filed_by_unit").order_by("order", "id")]


@router.post(BASE + "/attendees", response={201: AttendeeOut}, summary=gettext_lazy("添加一名参会人员（人数上限在并发下精确）"))
def add_attendee(request, event: str, venue: str, payload: AttendeeIn):
    v = _venue(request, event, venue, "venue.edit")
    unit = services.unit_for(request.auth, v, payload.filed_by_unit)
    a = services.add_attendee(v, payload.dict(exclude={"filed_by_unit"}), unit=unit, actor=request.auth,
                              channel="api")
    return Status(201, _out(a, _show_phone(request, v)))


@router.patch(BASE + "/attendees/{attendee_id}", response=AttendeeOut, summary=gettext_lazy("修改一名参会人员"))
def patch_attendee(request, event: str, venue: str, attendee_id: int, payload: AttendeePatch):
    v = _venue(request, event, venue, "venue.edit")
    a = services.update_attendee(_attendee(request, v, attendee_id), payload.dict(exclude_unset=True),
                                 actor=request.auth)
    return _out(a, _show_phone(request, v))


@router.delete(BASE + "/attendees/{attendee_id}", response={204: None}, summary=gettext_lazy("删除一名参会人员"))
def delete_attendee(request, event: str, venue: str, attendee_id: int):
    v = _venue(request, event, venue, "venue.edit")
    services.remove_attendee(_attendee(request, v, attendee_id), actor=request.auth)
    return Status(204, None)


@router.get(BASE + "/tech-contact", response=TechContactOut, summary=gettext_lazy("视频调试负责人"))
def get_tech_contact(request, event: str, venue: str):
    v = _venue(request, event, venue)
    tc = TechContact.objects.filter(venue=v).first()
    if tc is None:
        raise ApiError("not_found", _("%(venue)s尚未填写视频调试负责人，请用 PUT 提交姓名和手机。") % {"venue": v.name}, 404)
    show = _show_phone(request, v)
    return {"name": tc.name, "phone": tc.phone if show else services.mask_mobile(tc.phone),
            "email": tc.email if show else "", "updated_at": tc.updated_at}


@router.put(BASE + "/tech-contact", response=TechContactOut, summary=gettext_lazy("设置视频调试负责人"))
def put_tech_contact(request, event: str, venue: str, payload: TechContactIn):
    v = _venue(request, event, venue, "venue.edit")
    tc = services.set_tech_contact(v, payload.dict(), actor=request.auth)
    return {"name": tc.name, "phone": tc.phone, "email": tc.email, "updated_at": tc.updated_at}


@router.get(BASE + "/receipts", response=list[ReceiptOut], summary=gettext_lazy("回执的各个版本（含与上一版的差异）"))
def list_receipts(request, event: str, venue: str):
    v = _venue(request, event, venue)
    qs = Receipt.objects.filter(venue=v).select_related("unit").order_by("-submitted_at", "-version")
    unit_ids = _own_units(request, v)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    show = _show_phone(request, v)

    def diff(d: dict) -> dict:
        if show:
            return d
        mask = lambda rows: [{**r, "phone": services.mask_mobile(r.get("phone", ""))} for r in rows]  # noqa: E731
        return {k: mask(d.get(k, [])) for k in ("added", "removed", "changed")}

    return [{"version": r.version, "unit": r.unit.name if r.unit_id else None, "channel": r.channel,
             "status": r.status, "submitted_at": r.submitted_at,
             "attendees": len(r.snapshot.get("attendees", [])), "diff": diff(r.diff)} for r in qs]


_RECEIPT_BODY = {
    "requestBody": {"content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary", "description": gettext_lazy("填好的回执（.docx/.xlsx/.csv）")},
            "dry_run": {"type": "boolean"}, "accept_partial": {"type": "boolean"},
            "filed_by_unit": {"type": "integer"}}, "required": ["file"]}},
        "application/json": {"schema": {"type": "object", "properties": {
            "attendees": {"type": "array", "items": {"type": "object"}},
            "tech_contact": {"type": "object"}, "filed_by_unit": {"type": "integer"},
            "dry_run": {"type": "boolean"}}, "required": ["attendees"]}},
    }},
}


@router.post(BASE + "/receipts", response={201: SubmitOut | ImportFileOut, 200: SubmitOut, 409: ImportFileOut,
                                               422: SubmitOut | ImportFileOut},
             summary=gettext_lazy("提交回执：上传文件（multipart 的 file）或 JSON 全量名单"), openapi_extra=_RECEIPT_BODY)
def post_receipt(request, event: str, venue: str):
    v = _venue(request, event, venue, "venue.edit")
    if request.content_type == "multipart/form-data":
        return _import_file(request, v)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise Invalid(_("请求体不是有效的 JSON。")) from exc
    if not isinstance(body, dict) or not isinstance(body.get("attendees"), list):
        raise Invalid(_("请提供 attendees 列表（每人含 name、unit、position、phone、category），或以 multipart 上传 file。"),
                      {"attendees": [_("必填，且须为列表。")]})
    unit = services.unit_for(request.auth, v, body.get("filed_by_unit"))
    res = services.submit_receipt(v, unit=unit, attendees=body["attendees"], tech_contact=body.get("tech_contact"),
                                  channel="api", actor=request.auth, dry_run=bool(body.get("dry_run")))
    out = {"status": res.status, "version": res.receipt.version if res.receipt else None,
           "errors": res.errors, "warnings": res.warnings, "diff": res.diff}
    if not res.accepted:
        return Status(422, out)
    return Status(201 if res.created else 200, out)


def _import_file(request, v):
    """Hand the uploaded file to the document importer (same checks as `huiwu receipt import`)."""
    from django.conf import settings

    upload = request.FILES.get("file")
    if upload is None:
        raise Invalid(_("请以 multipart/form-data 上传字段名为 file 的回执文件。"), {"file": [_("必填。")]})
    try:
        from .documents.importer import import_file
    except ImportError:
        raise ApiError("invalid", _("暂不支持通过接口上传回执文件，请改用 JSON 提交名单，或在网页上填报。"), 422) from None
    flag = lambda k: request.POST.get(k, "") in ("1", "true", "True", "yes")  # noqa: E731
    unit_id = request.POST.get("filed_by_unit")
    unit = services.unit_for(request.auth, v, int(unit_id) if unit_id and unit_id.isdigit() else None) \
        if v.kind == v.Kind.MAIN and (unit_id or services.own_unit_ids(request.auth, v) is not None) else None
    data = upload.read(settings.HUIWU_MAX_UPLOAD_BYTES + 1)
    report = import_file(data, upload.name, event=v.event, venue=v, actor=request.auth, channel="upload",
                         dry_run=flag("dry_run"), accept_partial=flag("accept_partial"), unit=unit)
    status = 201 if report.get("status") == "accepted" else 422
    if any(e.get("field") == "duplicate_person" for e in report.get("errors", [])):
        status = 409  # the same person at another venue of the event: refused as over JSON
    return HttpResponse(json.dumps(report, ensure_ascii=False, default=str), status=status,
                        content_type="application/json")


# -- many files at once (organizers): the same import as the page and `huiwu receipt import` ---------
_BULK_BODY = {
    "requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                      "description": gettext_lazy("填好的回执文件（.docx/.xlsx/.csv/.doc/.xls/.wps），字段 files 可重复，一次最多 100 个")},
            "dry_run": {"type": "boolean", "description": gettext_lazy("只检查，不保存")},
            "accept_partial": {"type": "boolean", "description": gettext_lazy("有问题的行跳过，只导入无误的行")},
            "venue": {"type": "string", "description": gettext_lazy("文件中看不出会场时使用的会场代码（main 或六位代码）")}},
            "required": ["files"]}},
    }},
}


class ImportOut(Schema):
    files: list[ImportFileOut]


@router.post("/events/{event}/receipts/import", response={200: ImportOut},
             summary=gettext_lazy("批量导入回执文件（主办方）：每个文件的结果与 `huiwu receipt import --json` 相同"),
             openapi_extra=_BULK_BODY)
def import_receipt_files(request, event: str):
    """Organizers: many filled receipt files in one request; each is filed on the venue its marker
    or unit names (or `venue`). The batch is kept on the event's import page for review."""
    from django.utils.translation import gettext as _

    from huiwu.accounts.tenancy import resolve_event

    from . import bulk

    ev = resolve_event(request.auth, event, "event.manage", request)
    if request.content_type != "multipart/form-data":
        raise Invalid(_("请以 multipart/form-data 上传回执文件，字段名为 files（可重复）。"), {"files": [_("必填。")]})
    flag = lambda k: request.POST.get(k, "") in ("1", "true", "True", "yes", "on")  # noqa: E731
    venue = None
    if request.POST.get("venue"):
        venue = ev.venues.filter(code=request.POST["venue"].strip()).first()
        if venue is None:
            raise Invalid(_("会议中没有代码为“%(code)s”的会场。请用 GET /api/v1/events/%(event)s/venues 查看会场代码。")
                          % {"code": request.POST["venue"], "event": ev.slug}, {"venue": [_("会场代码无效。")]})
    files = bulk.read_uploads(request.FILES.getlist("files"))
    _batch, result = bulk.import_batch(ev, files, actor=request.auth, dry_run=flag("dry_run"),
                                       accept_partial=flag("accept_partial"), venue=venue, source="api")
    return HttpResponse(json.dumps(result, ensure_ascii=False, default=str), status=200,
                        content_type="application/json")
