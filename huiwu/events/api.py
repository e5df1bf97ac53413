"""API: the events a token's user may see."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status

from huiwu.accounts.tenancy import Access, resolve_event
from huiwu.core.api_types import choices

from .models import Event

router = Router(tags=["events"])


class EventOut(Schema):
    slug: str
    title: str
    doc_number: str
    issuer: str
    issued_on: date | None
    theme: str
    status: choices(Event.Status)  # type: ignore[valid-type]
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    registration_deadline: datetime | None
    rehearsal_starts_at: datetime | None
    rehearsal_ends_at: datetime | None
    arrive_before_minutes: int
    approval_required: bool
    #: the categories a receipt's people may be filed under: [{"value", "label", "venues": all|main|branch}]
    attendee_categories: list[dict[str, str]] = []


@router.get("/events", response=list[EventOut], summary=gettext_lazy("列出可访问的会议"))
def list_events(request):
    return list(Access.for_user(request.auth).events().order_by("-starts_at"))


@router.get("/events/{event}", response=EventOut, summary=gettext_lazy("会议详情"))
def get_event(request, event: str):
    return resolve_event(request.auth, event, "event.view", request)


# -- the organizer's routes: edit and lifecycle ---------------------------------------------------
class EventWithWarnings(EventOut):
    """The event after a change, with the dates worth a second look (empty when all is well)."""

    warnings: list[str]

    @staticmethod
    def resolve_warnings(obj) -> list[str]:
        from .services import date_warnings

        return getattr(obj, "warnings", None) or date_warnings(obj)


class ContactIn(Schema):
    name: str
    org: str = ""
    phones: list[str] = []
    fax: str = ""


class EventPatch(Schema):
    """Any of these; what is left out stays as it is. `contacts` replaces the whole list;
    `main_capacity` / `branch_capacity` set the main venue / every branch venue at once."""

    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    theme: str | None = None
    notice_text: str | None = None
    addressees: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    registration_deadline: datetime | None = None
    registration_email: str | None = None
    rehearsal_starts_at: datetime | None = None
    rehearsal_ends_at: datetime | None = None
    rehearsal_contact_name: str | None = None
    rehearsal_contact_phone: str | None = None
    arrive_before_minutes: int | None = None
    approval_required: bool | None = None
    contacts: list[ContactIn] | None = None
    main_capacity: int | None = None
    branch_capacity: int | None = None


@router.patch("/events/{event}", response=EventWithWarnings, summary=gettext_lazy("修改会议（主办方）"))
def patch_event(request, event: str, payload: EventPatch):
    from django.db import transaction

    from . import services

    ev = resolve_event(request.auth, event, "event.manage", request)
    data = payload.dict(exclude_unset=True)
    contacts = data.pop("contacts", None)
    capacities = {"main": data.pop("main_capacity", None), "branch": data.pop("branch_capacity", None)}
    with transaction.atomic():
        ev, warnings = services.update_event(ev, data, actor=request.auth)
        services.set_capacities(ev, **capacities, actor=request.auth)
        if contacts is not None:
            services.set_contacts(ev, contacts, actor=request.auth)
    ev.warnings = warnings
    return ev


def _lifecycle(request, event: str, action: str):
    from . import services

    ev = resolve_event(request.auth, event, "event.manage", request)
    ev, warnings = services.change_status(ev, action, actor=request.auth)
    ev.warnings = warnings
    return ev


@router.post("/events/{event}/publish", response=EventWithWarnings,
             summary=gettext_lazy("发布会议：公开通知页、邀请和回执填报开放"))
def publish_event(request, event: str):
    return _lifecycle(request, event, "publish")


@router.post("/events/{event}/close", response=EventWithWarnings, summary=gettext_lazy("结束会议：停止回执填报"))
def close_event(request, event: str):
    return _lifecycle(request, event, "close")


@router.post("/events/{event}/archive", response=EventWithWarnings, summary=gettext_lazy("归档会议：此后只读"))
def archive_event(request, event: str):
    return _lifecycle(request, event, "archive")


@router.post("/events/{event}/unpublish", response=EventWithWarnings,
             summary=gettext_lazy("退回草稿：仅当无人填报、无人接受邀请时；未使用的邀请链接随之撤销"))
def unpublish_event(request, event: str):
    from . import services

    ev = resolve_event(request.auth, event, "event.manage", request)
    ev, _revoked = services.unpublish(ev, actor=request.auth)
    ev.warnings = services.date_warnings(ev)
    return ev


@router.delete("/events/{event}", response={204: None},
               summary=gettext_lazy("删除草稿会议及其会场、单位、邀请等（仅草稿；已发布的会议为 409）"))
def delete_event(request, event: str):
    from . import services

    ev = resolve_event(request.auth, event, "event.manage", request)
    services.delete_draft(ev, actor=request.auth)
    return Status(204, None)
