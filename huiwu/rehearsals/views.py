"""Rehearsal pages: the director's board, the schedule, the self-test (signed in or by personal
link), the slot as .ics, and the self-test's measurement endpoints."""

from __future__ import annotations

import json
import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from huiwu.accounts.tenancy import public, scoped
from huiwu.venues.models import Venue

from . import board as board_mod
from . import services
from .models import Rehearsal, SelfTest

#: the download endpoint sends at most this much per request
DOWN_MAX_BYTES = 100 * 1024 * 1024
#: the upload endpoint reads at most this much per request, then stops reading
UP_MAX_BYTES = 100 * 1024 * 1024
#: chunks generated (download) and read and dropped (upload): memory stays at one chunk
CHUNK = 64 * 1024


def _message(exc: ValidationError) -> str:
    return _("；").join(exc.messages)


def _rehearsal_or_404(venue: Venue) -> Rehearsal:
    rehearsal = Rehearsal.objects.filter(venue=venue).select_related("venue__event").first()
    if rehearsal is None:
        raise Http404(_("该会场还没有调试时段。"))
    return rehearsal


# -- the director's board ------------------------------------------------------------------------
@scoped("event.manage")
def board(request, event):
    choice = board_mod.Choice.from_query(request.GET)
    data = board_mod.build(event, request, choice)
    rows_url = reverse("rehearsals:board_rows", args=[event.slug])
    return render(request, "rehearsals/board.html", {
        "event": event, "board": data, "hotline": services.hotline(event),
        "rows_url": f"{rows_url}?{choice.query()}" if choice.query() else rows_url,
        "version_url": reverse("rehearsals:board_version", args=[event.slug]),
    })


@never_cache
@scoped("event.manage")
def board_rows(request, event):
    """The rows of the page an open board shows, fetched when the version or the slot on now changed."""
    data = board_mod.build(event, request, board_mod.Choice.from_query(request.GET), nav=False)
    return JsonResponse({"v": data.version, "rows": data.rows_html, "now": data.now_html, "queue": data.queue_html,
                         "summary": data.summary, "stale": data.stale_at}, json_dumps_params={"ensure_ascii": False})


@never_cache
@scoped("event.manage")
def board_version(request, event):
    return JsonResponse({"v": services.board_version(event)})


@require_POST
@scoped("event.manage")
def mark(request, event, venue):
    rehearsal = _rehearsal_or_404(venue)
    fields = {}
    for name in ("status", "video", "audio"):
        if name in request.POST:
            val = request.POST[name]
            fields[name] = (val or None) if name != "status" else val
    if "notes" in request.POST:
        fields["notes"] = request.POST["notes"]
    try:
        services.mark(rehearsal, by=request.user, **fields)
    except ValidationError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"error": _message(exc)}, status=422)
        messages.error(request, _message(exc))
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"v": services.board_version(event)})
    return redirect("rehearsals:board", event.slug)


# -- schedule and invitations --------------------------------------------------------------------
@scoped("event.manage")
def schedule_page(request, event):
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "schedule":
                minutes = request.POST.get("slot_minutes", "").strip()
                result = services.schedule(event, int(minutes) if minutes else None,
                                           reset=request.POST.get("reset") == "1", by=request.user)
                messages.success(request, _("已排定 %(n)d 个时段，每场 %(m)d 分钟，末尾预留 %(r)d 分钟。")
                                 % {"n": len(result.rehearsals), "m": result.slot_minutes, "r": result.reserve_minutes})
            elif action == "invite":
                n = services.send_invitations(event, by=request.user)
                messages.success(request, _("已向 %(n)d 个分会场发送调试邀请。") % {"n": n})
        except ValueError:
            messages.error(request, _("每场时长须为整数分钟。"))
        except ValidationError as exc:
            messages.error(request, _message(exc))
        return redirect("rehearsals:schedule", event.slug)
    rehearsals = list(Rehearsal.objects.filter(venue__event=event).select_related("venue").order_by("starts_at"))
    to = services.recipients_by_venue(r.venue_id for r in rehearsals)
    rows = [{"r": r, "sms": services.sms_text(r, event), "mail": bool(to[r.venue_id])} for r in rehearsals]
    return render(request, "rehearsals/schedule.html", {
        "event": event, "rows": rows, "hotline": services.hotline(event),
        "no_mail": sum(1 for row in rows if not row["mail"]),
        "unsent": sum(1 for r in rehearsals if not r.sent_at),
    })


@require_POST
@scoped("event.manage")
def move(request, event, venue):
    rehearsal = _rehearsal_or_404(venue)
    try:
        hh, mm = (int(p) for p in request.POST.get("time", "").split(":")[:2])
        local = rehearsal.starts_at.astimezone(timezone.get_current_timezone())
        services.move_slot(rehearsal, local.replace(hour=hh, minute=mm, second=0, microsecond=0), by=request.user)
        messages.success(request, _("%(v)s 的时段已调整。") % {"v": venue.name})
    except ValueError:
        messages.error(request, _("请按 时:分 填写新的开始时间，例如 11:05。"))
    except ValidationError as exc:
        messages.error(request, _message(exc))
    return redirect("rehearsals:schedule", event.slug)


@scoped("venue.view")
def ics(request, event, venue):
    rehearsal = _rehearsal_or_404(venue)
    resp = HttpResponse(services.ics_bytes(rehearsal, event), content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="rehearsal-{venue.code}.ics"'
    return resp


# -- the self-test -------------------------------------------------------------------------------
def _selftest_page(request, venue: Venue, via: str):
    event = venue.event
    rehearsal = Rehearsal.objects.filter(venue=venue).first()
    token = services.net_token(venue, via, request.user)
    turn = os.environ.get("HUIWU_TURN_URL", "")
    return render(request, "rehearsals/selftest.html", {
        "event": event, "venue": venue, "rehearsal": rehearsal, "hotline": services.hotline(event),
        "net_base": reverse("rehearsals:net_ping", args=[token]).rsplit("/", 1)[0] + "/",
        "turn_url": turn,
        "turn_user": os.environ.get("HUIWU_TURN_USER", "") if turn else "",
        "turn_password": os.environ.get("HUIWU_TURN_PASSWORD", "") if turn else "",
        "history": SelfTest.objects.filter(venue=venue)[:5],
        "slot": services.slot_text(rehearsal, event) if rehearsal else "",
    })


@scoped("venue.view")
def selftest(request, event, venue):
    return _selftest_page(request, venue, "page")


@public
def link(request, token):
    venue = services.venue_for_link(token)
    if venue is None:
        raise Http404(_("链接无效或已过期，请向会务组索取新的自测链接。"))
    return _selftest_page(request, venue, "link")


def _net(token: str) -> dict:
    data = services.read_net_token(token)
    if data is None:
        raise Http404(_("测试已过期，请刷新页面后重新开始。"))
    return data


def _no_store(resp):
    resp["Cache-Control"] = "no-store, no-transform"
    return resp


@public
@csrf_exempt
def net_ping(request, token):
    """An empty answer for round-trip time: only a signature check, no database."""
    _net(token)
    return _no_store(HttpResponse(b"", content_type="text/plain"))


def _random_chunks(total: int):
    sent = 0
    while sent < total:
        n = min(CHUNK, total - sent)
        yield os.urandom(n)
        sent += n


@public
@csrf_exempt
def net_down(request, token):
    """Incompressible bytes for the download test, generated a chunk at a time (never all in memory)."""
    _net(token)
    try:
        total = min(max(int(request.GET.get("bytes", CHUNK)), 1), DOWN_MAX_BYTES)
    except ValueError:
        return HttpResponseBadRequest(_("bytes 须为整数。"))
    resp = StreamingHttpResponse(_random_chunks(total), content_type="application/octet-stream")
    resp["Content-Length"] = str(total)
    resp["Content-Encoding"] = "identity"
    return _no_store(resp)


@public
@csrf_exempt
@require_POST
def net_up(request, token):
    """Read the upload test's body a chunk at a time and drop it: memory does not grow with its size."""
    _net(token)
    received = 0
    while received < UP_MAX_BYTES:
        chunk = request.read(CHUNK)
        if not chunk:
            break
        received += len(chunk)
    return _no_store(JsonResponse({"received": received}))


@public
@csrf_exempt
@require_POST
def net_result(request, token):
    """Store the finished self-test for the venue the page was opened for."""
    data = _net(token)
    venue = Venue.objects.select_related("event").filter(pk=data["v"]).first()
    if venue is None:
        raise Http404
    if int(request.META.get("CONTENT_LENGTH") or 0) > 64 * 1024:
        return JsonResponse({"error": _("结果太大。")}, status=413)
    try:
        payload = json.loads(request.body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": _("结果格式不正确，请重新测试。")}, status=400)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=data.get("u")).first() if data.get("u") else None
    try:
        test = services.record_selftest(venue, payload, via=data.get("via", "page"), by=user,
                                        user_agent=request.headers.get("User-Agent", ""))
    except ValidationError as exc:
        return JsonResponse({"error": _message(exc)}, status=422)
    return JsonResponse({"id": test.pk, "grade": test.grade, "reasons": test.reasons,
                         "at": test.created_at.isoformat()}, status=201)
