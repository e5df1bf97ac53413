"""API: a venue's check-in roster, single and batch scans, attendance — through the tenancy layer.

Door pages call the same routes with their session (and the CSRF header); scripts and scanners
use a bearer token. Answers: 201 ok, 200 already, 422 invalid, 409 revoked / wrong_venue /
not_eligible (the error JSON, with the person and the reason beside the code and message).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel

from huiwu.accounts.models import Role
from huiwu.accounts.services import user_for_token
from huiwu.accounts.tenancy import Access, resolve_event, resolve_venue
from huiwu.core.errors import Invalid

from . import services


def _scope(request, user) -> None:
    """As the API root's bearer step: an event or venue in the path outside the user's scope is
    404 before the body is read."""
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    if "venue" in kwargs and "event" in kwargs:
        request.huiwu_venue = resolve_venue(user, kwargs["event"], kwargs["venue"], "venue.view", request)
        request.huiwu_event = request.huiwu_venue.event
    elif "event" in kwargs:
        # the event as read up to a second ago in this worker: a door scans hundreds of times a second
        request.huiwu_event = resolve_event(user, kwargs["event"], "event.view", request, recent=True)


class _Bearer(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        _scope(request, user)
        return user


class _Session(APIKeyCookie):
    """The door page's own session (CSRF checked, as every unsafe request from a page)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        _scope(request, request.user)
        return request.user


router = Router(tags=["checkin"], auth=[_Bearer(), _Session()])


class ScanIn(BaseModel):
    """One scan. A plain pydantic model (not ninja's Schema, whose per-object getter a 10,000-scan
    batch would pay for each item); the OpenAPI document is the same."""

    #: the code as read from the QR code
    code: str = Field(..., max_length=400)
    #: a random id per scan (offline queue, retries): the same nonce again changes nothing
    nonce: str | None = Field(None, max_length=64)
    #: when the person was scanned (offline scans); default now
    at: datetime | None = None
    #: the scanning venue's code (door accounts: their venue by default)
    venue: str | None = Field(None, max_length=20)
    #: the scanner's own id (duplicates across doors are reported by it)
    device: str | None = Field(None, max_length=40)


class RosterPerson(Schema):
    id: int
    name: str
    unit: str
    position: str
    seat: str
    code: str
    verdict: str
    verdict_label: str
    rules: list[str]
    phone_last4: str
    checked_in_at: datetime | None
    checked_in_hm: str
    late: bool


class RosterOut(Schema):
    event: str
    event_id: int
    venue: dict[str, Any]
    public_key: str
    key_algorithm: str
    code_version: int
    late_after: datetime
    time_zone: str
    generated_at: datetime
    venues: dict[str, dict[str, str]]
    attendees: list[RosterPerson]
    #: ids of attendees whose codes no longer work (replaced, withdrawn)
    revocations: list[int]


class AttendanceVenue(Schema):
    venue: str
    name: str
    kind: str
    expected: int
    checked_in: int
    late: int
    not_eligible: int
    replaced: int
    withdrawn: int
    duplicates: int
    last_at: datetime | None


class AttendanceOut(Schema):
    event: str
    venues: list[AttendanceVenue]
    totals: dict[str, int]
    late_after: datetime
    time_zone: str
    version: str
    at: datetime


def _event(request, event: str, perm: str):
    cached = getattr(request, "huiwu_event", None)
    if cached is not None and cached.slug == event:
        if not Access.for_user(request.auth).can(perm, cached):
            raise PermissionDenied(perm)
        return cached
    return resolve_event(request.auth, event, perm, request)


def _scanning_venue(request, ev, code: str | None):
    """Where the scan happens: the named venue (checked for checkin.scan there), else a door's own."""
    if code:
        return resolve_venue(request.auth, ev.slug, code, "checkin.scan", request)
    return services.door_venue(request.auth, ev)


@router.get("/events/{event}/venues/{venue}/checkin/roster", response=RosterOut,
            summary=gettext_lazy("会场签到名单（含签到码、公钥、作废名单，供离线核验）"))
def roster(request, event: str, venue: str):
    v = getattr(request, "huiwu_venue", None)
    if v is None or v.code != venue or v.event.slug != event:
        v = resolve_venue(request.auth, event, venue, "venue.view", request)
    if not Access.for_user(request.auth).roles(v.event, v) & {Role.ORGANIZER, Role.COORDINATOR, Role.DOOR}:
        raise PermissionDenied("checkin.roster")
    return services.roster(v)


def _answer(result: services.Result):
    status, body = result.response()
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@router.post("/events/{event}/checkins", response={200: dict, 201: dict, 409: dict, 422: dict},
             summary=gettext_lazy("签到（扫码）：201 成功，200 已签到，422 无效码，409 已作废/走错会场/不符合入场条件"))
def checkin(request, event: str, payload: ScanIn):
    ev = _event(request, event, "checkin.scan")
    venue = _scanning_venue(request, ev, payload.venue)
    return _answer(services.scan(ev, payload.code, venue=venue, user=request.auth, nonce=payload.nonce or "",
                                 at=payload.at, device=payload.device or "", offline=False))


@router.post("/events/{event}/checkins/batch", response=list[dict],
             summary=gettext_lazy("批量签到（离线扫码同步）：每条一个结果；重复的 nonce 不产生变化"))
def checkin_batch(request, event: str, payload: list[ScanIn], venue: str | None = None, device: str | None = None):
    ev = _event(request, event, "checkin.scan")
    where = _scanning_venue(request, ev, venue)
    if len(payload) > services.BATCH_LIMIT:
        raise Invalid(str(gettext_lazy("一次最多同步%(n)s条扫码记录，请分批提交。")) % {"n": services.BATCH_LIMIT})
    dev = (device or (payload[0].device if payload else "") or "")
    results = services.scan_batch(ev, [p.model_dump() for p in payload], venue=where, user=request.auth, device=dev)
    # JSON written directly: the declared list[dict] would be validated item by item (10,000 of them)
    return JsonResponse([{**r.body(), "http": r.http} for r in results], safe=False,
                        json_dumps_params={"ensure_ascii": False})


@router.get("/events/{event}/attendance", response=AttendanceOut,
            summary=gettext_lazy("各会场签到人数（应到、已到、迟到、不符合入场条件、已更换）及合计"))
def attendance(request, event: str):
    ev = _event(request, event, "event.view")
    access = Access.for_user(request.auth)
    data = services.attendance(ev)
    if not access.is_organizer(ev):
        mine = set(access.venues(ev).values_list("code", flat=True))
        data["venues"] = [row for row in data["venues"] if row["venue"] in mine]
        data["totals"] = {k: sum(row[k] for row in data["venues"]) for k in data["totals"]}
    return data
