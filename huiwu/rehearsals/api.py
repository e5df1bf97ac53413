"""API: rehearsal slots, checklist results and self-tests, through the tenancy layer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status

from huiwu.accounts.tenancy import Access, resolve_event, resolve_venue
from huiwu.core.errors import ApiError
from huiwu.venues.models import Venue

from . import services
from .models import Attempt, Rehearsal, SelfTest

router = Router(tags=["rehearsal"])


class Contact(Schema):
    name: str
    phone: str


class ResultOut(Schema):
    status: str
    video: str | None
    audio: str | None
    notes: str
    marked_at: datetime | None
    attempts: int


class SlotOut(Schema):
    venue: str
    venue_name: str
    starts_at: datetime | None
    ends_at: datetime | None
    sent_at: datetime | None
    contact: Contact | None
    result: ResultOut | None
    selftest: dict[str, Any] | None
    #: the technical contact's personal self-test link (only for those who may edit the venue)
    selftest_link: str | None = None


class Window(Schema):
    starts_at: datetime | None
    ends_at: datetime | None


class RehearsalOut(Schema):
    event: str
    window: Window
    hotline: str
    slots: list[SlotOut]


class ResultIn(Schema):
    status: Literal["pending", "passed", "failed", "retest"] | None = None
    video: Literal["ok", "poor", "none"] | None = None
    audio: Literal["ok", "poor", "none"] | None = None
    notes: str | None = None
    #: move the slot (same length) to start at this time; a sent slot is mailed again
    starts_at: datetime | None = None


class Camera(Schema):
    ok: bool = False
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    black: bool | None = None
    frozen: bool | None = None


class Microphone(Schema):
    ok: bool = False
    rms: float | None = None
    clipping: float | None = None


class Speaker(Schema):
    ok: bool | None = None


class Network(Schema):
    rtt_ms: float | None = None
    jitter_ms: float | None = None
    down_mbps: float | None = None
    up_mbps: float | None = None
    loss_pct: float | None = None
    loaded_rtt_ms: float | None = None


class SelfTestIn(Schema):
    camera: Camera
    microphone: Microphone
    speaker: Speaker
    network: Network
    webrtc: dict[str, Any] | None = None


class SelfTestOut(Schema):
    id: int
    at: datetime
    grade: str
    camera: dict[str, Any]
    microphone: dict[str, Any]
    speaker: dict[str, Any]
    network: dict[str, Any]
    webrtc: dict[str, Any]
    reasons: list[str]
    via: str


def _slots(event, venues, user: Any = None) -> list[dict[str, Any]]:
    access = Access.for_user(user) if user is not None else None
    venues = list(venues.filter(kind=Venue.Kind.BRANCH).select_related("tech_contact").order_by("order", "id"))
    ids = [v.pk for v in venues]
    attempts = dict(Attempt.objects.filter(rehearsal__venue_id__in=ids).values("rehearsal__venue_id")
                    .annotate(n=Count("id")).values_list("rehearsal__venue_id", "n"))
    tests = services.latest_selftests(event)
    rehearsals = {r.venue_id: r for r in Rehearsal.objects.filter(venue_id__in=ids)}
    out = []
    for v in venues:
        r = rehearsals.get(v.pk)
        tc = getattr(v, "tech_contact", None)
        out.append({
            "venue": v.code, "venue_name": v.name,
            "starts_at": r.starts_at if r else None, "ends_at": r.ends_at if r else None,
            "sent_at": r.sent_at if r else None,
            "contact": {"name": tc.name, "phone": tc.phone} if tc else None,
            "result": {"status": r.status, "video": r.video, "audio": r.audio, "notes": r.notes,
                       "marked_at": r.marked_at, "attempts": attempts.get(v.pk, 0)} if r else None,
            "selftest": services.selftest_json(tests.get(v.pk)),
            "selftest_link": services.personal_link(v) if access and access.can("venue.edit", event, v) else None,
        })
    out.sort(key=lambda s: (s["starts_at"] is None, s["starts_at"].timestamp() if s["starts_at"] else 0.0))
    return out


@router.get("/events/{event}/rehearsal", response=RehearsalOut,
            summary=gettext_lazy("视频调试：全部时段及最新结果和自测（分会场联系人只看到本会场）"))
def get_rehearsal(request, event: str):
    ev = resolve_event(request.auth, event, "event.view", request)
    return {"event": ev.slug, "window": {"starts_at": ev.rehearsal_starts_at, "ends_at": ev.rehearsal_ends_at},
            "hotline": services.hotline(ev), "slots": _slots(ev, Access.for_user(request.auth).venues(ev), request.auth)}


@router.get("/events/{event}/venues/{venue}/rehearsal", response=SlotOut, summary=gettext_lazy("会场的调试时段和检查结果"))
def get_venue_rehearsal(request, event: str, venue: str):
    v = resolve_venue(request.auth, event, venue, "venue.view", request)
    slots = _slots(v.event, Venue.objects.filter(pk=v.pk), request.auth)
    if not slots:
        raise ApiError("not_found", _("主会场没有视频调试时段。"), 404)
    return slots[0]


@router.put("/events/{event}/venues/{venue}/rehearsal", response=SlotOut,
            summary=gettext_lazy("记录调试检查结果（每次记录都保留），或调整时段"))
def put_venue_rehearsal(request, event: str, venue: str, payload: ResultIn):
    v = resolve_venue(request.auth, event, venue, "venue.view", request)
    if not Access.for_user(request.auth).can("event.manage", v.event):
        raise ApiError("forbidden", _("只有主办方可以记录调试结果。分会场可以通过自测检查本会场的设备和网络。"), 403)
    r = Rehearsal.objects.filter(venue=v).select_related("venue__event").first()
    if r is None:
        raise ApiError("not_found", _("该会场还没有调试时段，请先排定时段（huiwu rehearsal schedule）。"), 404)
    data = payload.dict(exclude_unset=True)
    if "starts_at" in data and data["starts_at"] is not None:
        services.move_slot(r, data.pop("starts_at"), by=request.auth)
    data.pop("starts_at", None)
    if data:
        services.mark(r, status=data.get("status"), video=data.get("video", ""), audio=data.get("audio", ""),
                      notes=data.get("notes"), by=request.auth)
    return _slots(v.event, Venue.objects.filter(pk=v.pk), request.auth)[0]


@router.get("/events/{event}/venues/{venue}/selftests", response=list[SelfTestOut], summary=gettext_lazy("会场的自测记录（最新在前）"))
def list_selftests(request, event: str, venue: str):
    v = resolve_venue(request.auth, event, venue, "venue.view", request)
    return [services.selftest_json(t) for t in SelfTest.objects.filter(venue=v)[:100]]


@router.post("/events/{event}/venues/{venue}/selftests", response={201: SelfTestOut},
             summary=gettext_lazy("提交一次自测结果（评级由服务器按公开标准计算）"))
def post_selftest(request, event: str, venue: str, payload: SelfTestIn):
    v = resolve_venue(request.auth, event, venue, "venue.edit", request)
    t = services.record_selftest(v, payload.dict(), via="api", by=request.auth,
                                 user_agent=request.headers.get("User-Agent", ""))
    return Status(201, services.selftest_json(t))
