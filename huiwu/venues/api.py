"""API: the venues of an event, within the token user's scope."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status

from huiwu.accounts.tenancy import Access, resolve_event, resolve_venue
from huiwu.core.api_types import choices

from .models import Venue
from .services import with_counts

router = Router(tags=["venues"])


class VenueOut(Schema):
    code: str
    kind: choices(Venue.Kind)  # type: ignore[valid-type]
    name: str
    host_unit: str | None
    address: str
    room: str
    capacity: int
    attendees: int
    approval_status: choices(Venue.Approval)  # type: ignore[valid-type]
    approving_body: str
    decided_at: datetime | None
    is_open: bool
    deadline_extended_to: datetime | None

    @staticmethod
    def resolve_host_unit(obj):
        return obj.host_unit.name if obj.host_unit_id else None

    @staticmethod
    def resolve_attendees(obj):
        return getattr(obj, "active_count", 0)


@router.get("/events/{event}/venues", response=list[VenueOut], summary=gettext_lazy("列出会议的会场（含代码）"))
def list_venues(request, event: str):
    ev = resolve_event(request.auth, event, "event.view", request)
    return with_counts(ev, Access.for_user(request.auth).venues(ev))


@router.get("/events/{event}/venues/{venue}", response=VenueOut, summary=gettext_lazy("会场详情"))
def get_venue(request, event: str, venue: str):
    v = resolve_venue(request.auth, event, venue, "venue.view", request)
    return with_counts(v.event, type(v).objects.filter(pk=v.pk))[0]


# -- the organizer's routes: venue details, main-venue units, invitations -------------------------
class VenuePatch(Schema):
    """Any of these; `approval_required` is the event's rule for all branch venues (PATCH the event),
    a venue's own approval is decided with `approval_status` here."""

    name: str | None = None
    address: str | None = None
    room: str | None = None
    capacity: int | None = None
    approval_status: str | None = None
    approval_note: str | None = None
    is_open: bool | None = None
    #: a branch venue's host unit, renamed (see venues.services.rename_host_unit)
    host_unit: str | None = None


@router.patch("/events/{event}/venues/{venue}", response=VenueOut, summary=gettext_lazy("修改会场（主办方）：容量、审批、信息"))
def patch_venue(request, event: str, venue: str, payload: VenuePatch):
    from django.db import transaction

    from . import services

    v = resolve_venue(request.auth, event, venue, "event.manage", request)
    data = payload.dict(exclude_unset=True)
    status, note, is_open = data.pop("approval_status", None), data.pop("approval_note", None), data.pop("is_open", None)
    host_unit = data.pop("host_unit", None)
    with transaction.atomic():
        services.update_venue(v, data, actor=request.auth)
        if host_unit is not None:
            services.rename_host_unit(v, host_unit, actor=request.auth)
        if status is not None:
            services.decide_approval(v, status=status, note=note or "", actor=request.auth)
        if is_open is not None:
            services.set_open(v, is_open, actor=request.auth)
    return with_counts(v.event, type(v).objects.filter(pk=v.pk))[0]


class VenueIn(Schema):
    """A branch venue to add: `host` is a six-digit GB/T 2260 code (330100), a region's name (杭州市)
    or any unit's full name (浙江机电职业技术学院); `name`, `unit` and `capacity` default to what the
    region (or unit) and the event's other branch venues give."""

    host: str
    name: str = ""
    unit: str = ""
    capacity: int | None = None


class VenueAdded(VenueOut):
    #: said when the event's rehearsal slots were given out already (the new venue has none)
    notes: list[str]


@router.post("/events/{event}/venues", response={201: VenueAdded},
             summary=gettext_lazy("添加分会场（主办方）：地区代码、地区名称或单位全称"))
def add_venue(request, event: str, payload: VenueIn):
    from . import services

    ev = resolve_event(request.auth, event, "event.manage", request)
    v = services.add_branch_venue(ev, payload.host, name=payload.name, unit=payload.unit, capacity=payload.capacity,
                                  actor=request.auth)
    out = with_counts(ev, type(v).objects.filter(pk=v.pk))[0]
    out.notes = services.added_venue_notes(ev, v)
    return Status(201, out)


@router.delete("/events/{event}/venues/{venue}", response={204: None},
               summary=gettext_lazy("删除分会场（主办方）：仅当无人报名；邀请链接撤销、账号权限移除"))
def remove_venue(request, event: str, venue: str):
    from . import services

    v = resolve_venue(request.auth, event, venue, "event.manage", request)
    services.remove_branch_venue(v, actor=request.auth)
    return Status(204, None)


class MainUnitOut(Schema):
    id: int
    unit_id: int
    name: str
    quota: int
    invitations: int
    accepted: int
    attendees: int


class MainUnitIn(Schema):
    name: str
    #: seats reserved for the unit (0: none of its own); left out, a confirmed unit keeps its quota
    quota: int | None = None


class MainUnitPatch(Schema):
    quota: int


class MainUnits(Schema):
    units: list[MainUnitOut]
    suggested: list[str]


def _organizer_event(request, event: str):
    return resolve_event(request.auth, event, "event.manage", request)


@router.get("/events/{event}/main-units", response=MainUnits, summary=gettext_lazy("主会场参会单位（已确认的与通知中建议的）"))
def list_main_units(request, event: str):
    from . import services

    ev = _organizer_event(request, event)
    return {"units": services.main_unit_rows(ev), "suggested": services.suggest_main_units(ev)}


@router.post("/events/{event}/main-units", response={201: MainUnitOut}, summary=gettext_lazy("确认一个主会场参会单位"))
def add_main_unit(request, event: str, payload: MainUnitIn):
    from . import services

    ev = _organizer_event(request, event)
    vu = services.add_main_unit(ev, payload.name, quota=payload.quota, actor=request.auth)
    return Status(201, next(r for r in services.main_unit_rows(ev) if r["id"] == vu.pk))


class MainUnitWithWarnings(MainUnitOut):
    warnings: list[str]


@router.patch("/events/{event}/main-units/{unit_id}", response=MainUnitWithWarnings,
              summary=gettext_lazy("修改主会场参会单位的名额（不能少于已报人数）"))
def patch_main_unit(request, event: str, unit_id: int, payload: MainUnitPatch):
    from django.shortcuts import get_object_or_404

    from . import services
    from .models import VenueUnit

    ev = _organizer_event(request, event)
    vu = get_object_or_404(VenueUnit, venue__event=ev, pk=unit_id)
    _units, warnings = services.set_quotas(ev, {vu.pk: payload.quota}, actor=request.auth)
    return {**next(r for r in services.main_unit_rows(ev) if r["id"] == vu.pk), "warnings": warnings}


@router.delete("/events/{event}/main-units/{unit_id}", response={204: None}, summary=gettext_lazy("移除主会场参会单位"))
def remove_main_unit(request, event: str, unit_id: int):
    from django.shortcuts import get_object_or_404

    from . import services
    from .models import VenueUnit

    ev = _organizer_event(request, event)
    vu = get_object_or_404(VenueUnit.objects.select_related("unit", "venue__event"), venue__event=ev, pk=unit_id)
    services.remove_main_unit(vu, actor=request.auth)
    return Status(204, None)


class InvitationOut(Schema):
    id: int
    role: str
    unit: str | None
    email: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name if obj.unit_id else None


class InvitationCreated(InvitationOut):
    link: str


class InvitationIn(Schema):
    email: str = ""
    #: at the main venue: the invited unit (a main-units `unit_id`)
    unit_id: int | None = None


@router.get("/events/{event}/venues/{venue}/invitations", response=list[InvitationOut],
            summary=gettext_lazy("会场的邀请链接（主办方）"))
def list_invitations(request, event: str, venue: str):
    from huiwu.accounts.models import Invitation

    v = resolve_venue(request.auth, event, venue, "event.manage", request)
    return list(Invitation.objects.filter(venue=v).select_related("unit").order_by("-created_at"))


@router.post("/events/{event}/venues/{venue}/invitations", response={201: InvitationCreated},
             summary=gettext_lazy("生成邀请链接（主会场须指定参会单位）；填写邮箱时同时发送邮件"))
def create_invitation(request, event: str, venue: str, payload: InvitationIn):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from huiwu.accounts import services as account_services
    from huiwu.accounts.models import Role
    from huiwu.core import urls_abs
    from huiwu.core.errors import Invalid

    from .models import Venue, VenueUnit

    v = resolve_venue(request.auth, event, venue, "event.manage", request)
    kwargs: dict = {}
    if v.kind == Venue.Kind.MAIN:
        vu = VenueUnit.objects.filter(venue=v, unit_id=payload.unit_id or 0).select_related("unit").first()
        if vu is None:
            raise Invalid(_("主会场的邀请须指定已确认的参会单位（unit_id，见 main-units）。"), {"unit_id": [_("请指定参会单位")]})
        kwargs = {"role": Role.MAIN_UNIT, "unit": vu.unit}
    inv, token = account_services.create_invitation(v, actor=request.auth, email=payload.email.strip(),
                                                    base_url=urls_abs.base_url(), **kwargs)
    inv.link = urls_abs.absolute_url(reverse("accounts:invitation", args=[token]))
    return Status(201, inv)


@router.delete("/events/{event}/venues/{venue}/invitations/{invitation_id}", response={204: None},
               summary=gettext_lazy("撤销邀请链接"))
def revoke_invitation(request, event: str, venue: str, invitation_id: int):
    from django.shortcuts import get_object_or_404

    from huiwu.accounts import services as account_services
    from huiwu.accounts.models import Invitation

    v = resolve_venue(request.auth, event, venue, "event.manage", request)
    inv = get_object_or_404(Invitation, venue=v, pk=invitation_id)
    if inv.revoked_at is None:
        account_services.revoke_invitation(inv, actor=request.auth)
    return Status(204, None)
