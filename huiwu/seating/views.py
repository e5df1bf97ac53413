"""Seating pages: a venue's room, precedence and plan (organizer and the venue's coordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiwu.accounts.tenancy import scoped
from huiwu.core.errors import ApiError

from . import layouts, paper, services
from .precedence import (
    DEFAULT_RANKS,
    precedence,
    rank_table,
    reset_precedence,
    set_precedence,
    set_rank_table,
)
from .svg import layout_svg, room_svg


def _back(event, venue):
    return redirect("seating:venue", event.slug, venue.code)


def _float(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _ints(text: str) -> list[int]:
    """"12,12, 10" (or with Chinese commas) as [12, 12, 10]; ValueError for anything else."""
    return [int(n) for n in text.replace("\uff0c", ",").replace(" ", ",").split(",") if n.strip()]  # i18n: data


@scoped("seating.edit")
def venue_page(request, event, venue):
    layout = services.get_layout(venue)
    attendees = services.active_attendees(venue)
    by_id = {a.pk: a for a in attendees}
    order = precedence(venue, attendees)
    plan = services.current_plan(venue)
    ctx = {"event": event, "venue": venue, "layout": layout,
           "people": [by_id[pk] for pk in order], "is_organizer": request.access.is_organizer(event),
           "manual": hasattr(venue, "precedence") and bool(venue.precedence.order)}
    if layout is not None:
        ctx["seat_count"] = len(layouts.seats(layout.data))
    if plan is not None:
        view = services.plan_view(plan, attendees)
        names = {pk: a.name for pk, a in by_id.items()}
        rank = {pk: i + 1 for i, pk in enumerate(order)}
        seated = [s for s in view.seats if s.get("attendee") is not None]
        ctx.update({
            "plan": plan, "view": view, "svg": room_svg(view.seats, names=names, ranks=rank),
            "seated": len(seated), "unseated": [by_id[pk] for pk in view.unseated if pk in by_id],
            "reason": services.unseated_reason(plan, len(seated) + len(view.unseated)),
            "layout_changed": layout is not None and plan.layout_version not in (0, layout.version),
        })
    return render(request, "seating/venue.html", ctx)


@scoped("seating.edit")
@require_POST
def generate(request, event, venue):
    try:
        lengths = _ints(request.POST.get("lengths", ""))
        if not lengths:
            lengths = [int(request.POST.get("seats", 10))] * int(request.POST.get("rows", 5))
        aisles = _ints(request.POST.get("aisles", ""))
        data = layouts.generate(
            rows=lengths, seat_pitch=_float(request.POST.get("seat_pitch"), 0.6),
            row_pitch=_float(request.POST.get("row_pitch"), 1.0), aisles=aisles,
            rostrum_seats=int(request.POST.get("rostrum_seats") or 0),
            rostrum_gap=_float(request.POST.get("rostrum_gap"), 3.0), name=request.POST.get("name", "")[:100])
        services.save_layout(venue, data, actor=request.user, note="generate")
        messages.success(request, _("已生成会议室布局：%(n)d 个座位。") % {"n": len(layouts.seats(data))})
    except ValueError:
        messages.error(request, _("排数、每排座位数和过道座位号应为整数，例如 8 排、每排 12 座、过道 7。"))
    except ApiError as exc:
        messages.error(request, exc.message)
    return _back(event, venue)


@scoped("seating.edit")
@require_POST
def import_layout(request, event, venue):
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, _("请选择布局 JSON 文件。"))
        return _back(event, venue)
    if f.size > layouts.LAYOUT_LIMITS.max_bytes:
        messages.error(request, _("文件太大（上限 1 MB）。"))
        return _back(event, venue)
    scale = _float(request.POST.get("scale"), 0) or None
    try:
        data = layouts.parse_layout_json(f.read(), scale=scale)
        services.save_layout(venue, data, actor=request.user, note=f"import {f.name[:80]}")
        messages.success(request, _("已导入会议室布局：%(n)d 个座位。") % {"n": len(layouts.seats(data))})
    except ApiError as exc:
        messages.error(request, exc.message)
    return _back(event, venue)


@scoped("seating.edit")
def editor(request, event, venue):
    layout = services.get_layout(venue)
    if layout is None:
        messages.error(request, _("请先生成或导入会议室布局。"))
        return _back(event, venue)
    return render(request, "seating/editor.html", {
        "event": event, "venue": venue, "layout": layout, "svg": layout_svg(layout.data, editable=True),
        "seat_count": len(layouts.seats(layout.data))})


@scoped("seating.edit")
@require_POST
def toggle(request, event, venue):
    try:
        on = services.toggle_seat(venue, request.POST.get("row", ""), request.POST.get("seat", ""),
                                  rostrum=request.POST.get("rostrum") == "1", actor=request.user)
    except ApiError as exc:
        return JsonResponse({"error": {"code": exc.code, "message": exc.message, "fields": exc.fields}}, status=exc.status)
    layout = services.get_layout(venue)
    return JsonResponse({"on": on, "seats": len(layouts.seats(layout.data))})


@scoped("seating.edit")
@require_POST
def save_order(request, event, venue):
    if request.POST.get("reset"):
        reset_precedence(venue, actor=request.user)
        messages.success(request, _("已恢复按职务、单位和姓氏笔画自动排列的顺序。"))
        return _back(event, venue)
    try:
        ids = [int(x) for x in request.POST.get("order", "").split(",") if x.strip()]
        set_precedence(venue, ids, actor=request.user)
        messages.success(request, _("座次顺序已保存。重新排座后生效。"))
    except ValueError:
        messages.error(request, _("顺序格式有误，请刷新页面后重试。"))
    except ApiError as exc:
        messages.error(request, exc.message)
    return _back(event, venue)


@scoped("seating.edit")
@require_POST
def make_plan(request, event, venue):
    try:
        plan = services.make_plan(venue, min_distance=_float(request.POST.get("min_distance"), -1),
                                  mode=request.POST.get("mode", "gov"), actor=request.user)
        seated = sum(1 for s in plan.seats if s.get("attendee") is not None)
        messages.success(request, _("已排座：%(n)d 人就座，%(u)d 人未安排。") % {"n": seated, "u": len(plan.unseated)})
    except ApiError as exc:
        messages.error(request, exc.message)
    return _back(event, venue)


def _plan_or_back(request, event, venue):
    plan = services.current_plan(venue)
    if plan is None:
        messages.error(request, _("请先排座。"))
    return plan


@scoped("seating.edit")
def chart(request, event, venue, fmt):
    plan = _plan_or_back(request, event, venue)
    if plan is None:
        return _back(event, venue)
    if fmt == "xlsx":
        data = paper.chart_xlsx(plan)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = paper.chart_pdf(plan, paper="A3" if request.GET.get("paper") == "A3" else "A4")
        ctype = "application/pdf"
    resp = HttpResponse(data, content_type=ctype)
    resp["Content-Disposition"] = f'attachment; filename="seating-{venue.code}.{fmt}"'
    return resp


@scoped("seating.edit")
def cards(request, event, venue):
    plan = _plan_or_back(request, event, venue)
    if plan is None:
        return _back(event, venue)
    resp = HttpResponse(paper.cards_pdf(plan), content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="cards-{venue.code}.pdf"'
    return resp


@scoped("event.manage")
def ranks(request, event):
    if request.method == "POST":
        rows = []
        for line in request.POST.get("table", "").splitlines():
            parts = line.replace("\t", " ").replace("\uff0c", " ").replace(",", " ").split()  # i18n: data
            if not parts:
                continue
            try:
                rows.append((parts[0], int(parts[1])))
            except (IndexError, ValueError):
                messages.error(request, _("“%(line)s”格式有误：每行写“职务 级别”，例如“司长 30”。") % {"line": line[:40]})
                break
        else:
            try:
                set_rank_table(event, rows or list(DEFAULT_RANKS), actor=request.user)
                messages.success(request, _("职务级别表已保存。"))
                return redirect("seating:ranks", event.slug)
            except ApiError as exc:
                messages.error(request, exc.message)
    table = rank_table(event)
    return render(request, "seating/ranks.html", {
        "event": event, "table": "\n".join(f"{t} {r}" for t, r in table), "rows": table})

