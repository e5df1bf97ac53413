"""API: a venue's room layout, precedence and seating plan; the event's position-rank table.

The plan's JSON is the one `huiwu seating plan --json` prints (PRODUCT.md), with `stale`,
`max_seated`, `reason` and `method` beside it. Everything goes through tenancy with the
`seating.edit` permission (the organizer and the venue's coordinator).
"""

from __future__ import annotations

from typing import Any, Literal

from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status

from huiwu.accounts.tenancy import resolve_event, resolve_venue
from huiwu.core.errors import ApiError

from . import layouts, services
from .models import Precedence
from .precedence import precedence, rank_table, reset_precedence, set_precedence, set_rank_table

router = Router(tags=["seating"])

BASE = "/events/{event}/venues/{venue}/seating"


class SeatIn(Schema):
    label: str | int | None = None
    x: float
    off: bool = False


class RowIn(Schema):
    label: str | int | None = None
    y: float
    seats: list[SeatIn]


class LayoutIn(Schema):
    """PRODUCT.md's layout: rows front to back, x to the audience's right, metres; optional rostrum."""

    name: str = ""
    rows: list[RowIn]
    rostrum: RowIn | None = None


class LayoutOut(Schema):
    version: int
    seats: int
    layout: dict[str, Any]


class GenerateIn(Schema):
    #: seats per row, front to back (rows of different lengths are centred)
    rows: list[int]
    seat_pitch: float = 0.6
    row_pitch: float = 1.0
    #: seat numbers removed in every row
    aisles: list[int] = []
    rostrum_seats: int = 0
    rostrum_gap: float = 3.0
    rostrum_pitch: float = 1.2
    name: str = ""


class PersonOut(Schema):
    id: int
    name: str
    unit: str
    position: str


class PrecedenceOut(Schema):
    #: true when set by hand; else inferred from position ranks, the notice's unit order and surname strokes
    manual: bool
    people: list[PersonOut]


class PrecedenceIn(Schema):
    order: list[int]


class PlanIn(Schema):
    min_distance: float = 1.0
    mode: Literal["gov", "intl"] = "gov"
    #: attendee ids in precedence order; without it the venue's precedence
    order: list[int] | None = None
    #: seconds the solver may take (at most 10 through the API; the CLI has no cap)
    time_limit: float = 10.0


class PlanSeatOut(Schema):
    row: str
    seat: str
    x: float
    y: float
    attendee: PersonOut | None


class PlanOut(Schema):
    venue: str
    min_distance: float
    seats: list[PlanSeatOut]
    unseated: list[int]
    optimal: bool
    #: the list or the layout changed after the plan was made
    stale: bool
    max_seated: int
    reason: str
    method: str
    mode: str


class RankRow(Schema):
    title: str
    rank: int


def _venue(request, event: str, venue: str):
    return resolve_venue(request.auth, event, venue, "seating.edit", request)


def _layout_out(row) -> dict:
    return {"version": row.version, "seats": len(layouts.seats(row.data)), "layout": row.data}


@router.get(BASE + "/layout", response=LayoutOut, summary=gettext_lazy("会场的会议室布局"))
def get_layout(request, event: str, venue: str):
    from django.utils.translation import gettext as _

    row = services.get_layout(_venue(request, event, venue))
    if row is None:
        raise ApiError("not_found", _("本会场还没有会议室布局。"), 404)
    return _layout_out(row)


@router.put(BASE + "/layout", response=LayoutOut, summary=gettext_lazy("设置会议室布局（本系统的布局 JSON）"))
def put_layout(request, event: str, venue: str, payload: LayoutIn):
    v = _venue(request, event, venue)
    return _layout_out(services.save_layout(v, payload.dict(), actor=request.auth, note="api"))


@router.post(BASE + "/layout/generate", response=LayoutOut, summary=gettext_lazy("按排数、座位数、间距生成会议室布局"))
def generate_layout(request, event: str, venue: str, payload: GenerateIn):
    v = _venue(request, event, venue)
    data = layouts.generate(**payload.dict())
    return _layout_out(services.save_layout(v, data, actor=request.auth, note="api generate"))


@router.post(BASE + "/layout/import", response=LayoutOut,
             summary=gettext_lazy("导入会议室布局：请求体为本系统的布局 JSON 或 pretix 座位图 JSON（≤ 1 MB）"),
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object", "additionalProperties": True}}}}})
def import_layout(request, event: str, venue: str, scale: float | None = None):
    """The raw body goes through `safety.read_json` (size, nesting, count) before anything reads it;
    `scale` is metres per unit of a pretix plan (inferred from the seat spacing when left out)."""
    v = _venue(request, event, venue)
    data = layouts.parse_layout_json(request.body[: layouts.LAYOUT_LIMITS.max_bytes + 1], scale=scale)
    return _layout_out(services.save_layout(v, data, actor=request.auth, note="api import"))


def _precedence_out(v) -> dict:
    attendees = services.active_attendees(v)
    by_id = {a.pk: a for a in attendees}
    saved = Precedence.objects.filter(venue=v).first()
    return {"manual": bool(saved and saved.order),
            "people": [{"id": a.pk, "name": a.name, "unit": a.unit, "position": a.position}
                       for a in (by_id[pk] for pk in precedence(v, attendees))]}


@router.get(BASE + "/precedence", response=PrecedenceOut, summary=gettext_lazy("会场的座次顺序"))
def get_precedence(request, event: str, venue: str):
    return _precedence_out(_venue(request, event, venue))


@router.put(BASE + "/precedence", response=PrecedenceOut, summary=gettext_lazy("手动设置座次顺序（参会人员编号列表）"))
def put_precedence(request, event: str, venue: str, payload: PrecedenceIn):
    v = _venue(request, event, venue)
    set_precedence(v, payload.order, actor=request.auth)
    return _precedence_out(v)


@router.delete(BASE + "/precedence", response=PrecedenceOut, summary=gettext_lazy("恢复自动推断的座次顺序"))
def delete_precedence(request, event: str, venue: str):
    v = _venue(request, event, venue)
    reset_precedence(v, actor=request.auth)
    return _precedence_out(v)


def _plan_out(plan) -> dict:
    view = services.plan_view(plan)
    out = services.plan_json(plan, view)
    layout = services.get_layout(plan.venue)
    seated = sum(1 for s in out["seats"] if s["attendee"])
    out.update({
        "stale": view.stale or (layout is not None and plan.layout_version not in (0, layout.version)),
        "max_seated": plan.max_seated, "reason": services.unseated_reason(plan, seated + len(out["unseated"])),
        "method": plan.method, "mode": plan.mode,
    })
    return out


@router.get(BASE + "/plan", response=PlanOut, summary=gettext_lazy("会场当前的座次方案（更换的人坐原座位）"))
def get_plan(request, event: str, venue: str):
    from django.utils.translation import gettext as _

    plan = services.current_plan(_venue(request, event, venue))
    if plan is None:
        raise ApiError("not_found", _("本会场还没有座次方案。"), 404)
    return _plan_out(plan)


@router.post(BASE + "/plan", response={201: PlanOut}, summary=gettext_lazy("排座：按最小间距与座次顺序（最多人数由求解器证明）"))
def post_plan(request, event: str, venue: str, payload: PlanIn):
    v = _venue(request, event, venue)
    plan = services.make_plan(v, min_distance=payload.min_distance, mode=payload.mode, order=payload.order,
                              actor=request.auth, time_limit=max(1.0, min(payload.time_limit, 10.0)))
    return Status(201, _plan_out(plan))


@router.get("/events/{event}/seating/ranks", response=list[RankRow], summary=gettext_lazy("会议的职务级别表（1 最高）"))
def get_ranks(request, event: str):
    ev = resolve_event(request.auth, event, "event.view", request)
    return [{"title": t, "rank": r} for t, r in rank_table(ev)]


@router.put("/events/{event}/seating/ranks", response=list[RankRow], summary=gettext_lazy("设置会议的职务级别表"))
def put_ranks(request, event: str, payload: list[RankRow]):
    ev = resolve_event(request.auth, event, "event.manage", request)
    set_rank_table(ev, [(r.title, r.rank) for r in payload], actor=request.auth)
    return [{"title": t, "rank": r} for t, r in rank_table(ev)]
