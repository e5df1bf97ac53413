"""The director's board: every branch venue in slot order with its contact, latest self-test and
checklist marks, built from three queries whatever the number of venues.

Rows are built as escaped strings (like the overview): with 3,000 venues Django's template engine
would spend most of the page's time resolving variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from huiwu.events.models import Event
from huiwu.venues.models import Venue

from . import services
from .models import Grade, Quality, Status


@dataclass
class Board:
    version: str
    rows_html: SafeString
    queue_html: SafeString
    summary: dict[str, int]
    count: int


def _ms(dt: Any) -> str:
    return str(int(dt.timestamp() * 1000)) if dt else ""


def _figures(t: Any) -> str:
    if t is None:
        return ""
    net, cam = t.network or {}, t.camera or {}
    parts = []
    if isinstance(net.get("rtt_ms"), int | float):
        parts.append(f"RTT {net['rtt_ms']:.0f}ms")
    if isinstance(net.get("jitter_ms"), int | float):
        parts.append(_("抖动 %(v).0fms") % {"v": net["jitter_ms"]})
    if isinstance(net.get("down_mbps"), int | float) and isinstance(net.get("up_mbps"), int | float):
        parts.append(f"↓{net['down_mbps']:.1f} ↑{net['up_mbps']:.1f} Mbps")
    if cam.get("height"):
        parts.append(f"{cam.get('width', '?')}×{cam['height']}@{cam.get('fps', 0):.0f}")
    return " · ".join(escape(p) for p in parts)


def _segment(name: str, current: str | None, choices: list[tuple[str, str]], label: str) -> str:
    buttons = "".join(
        f'<button type="submit" name="{name}" value="{value}" class="seg seg-{value}"'
        f' aria-pressed="{"true" if current == value else "false"}">{escape(text)}</button>'
        for value, text in choices
    )
    return f'<span class="segs" role="group" aria-label="{escape(label)}">{buttons}</span>'


def build(event: Event, request: Any = None) -> Board:
    """Everything the board shows (three queries: venues with slot and contact, self-tests, version)."""
    venues = list(
        Venue.objects.filter(event=event, kind=Venue.Kind.BRANCH)
        .order_by(F("rehearsal__starts_at").asc(nulls_last=True), "order", "id")
        .values("id", "code", "name", "rehearsal__starts_at", "rehearsal__ends_at", "rehearsal__status",
                "rehearsal__video", "rehearsal__audio", "rehearsal__notes", "rehearsal__marked_at",
                "tech_contact__name", "tech_contact__phone")
    )
    tests = services.latest_selftests(event)
    version = services.board_version(event)
    tz = services.ZoneInfo(event.time_zone)
    grades = dict(Grade.choices)
    statuses = dict(Status.choices)
    status_choices = [(Status.PASSED.value, _("通过")), (Status.FAILED.value, _("未通过")),
                      (Status.RETEST.value, _("复测"))]
    quality = [(Quality.OK.value, _("正常")), (Quality.POOR.value, _("较差")), (Quality.NONE.value, _("无"))]
    l_video, l_audio, l_notes, l_save = _("视频"), _("音频"), _("备注"), _("保存")
    l_status, l_nocontact, l_notest = _("结果"), _("未填技术联系人"), _("未自测")
    slug = escape(event.slug)
    out, queue = [], []
    summary = {s: 0 for s in Status.values}
    summary["unscheduled"] = 0
    for v in venues:
        start, end = v["rehearsal__starts_at"], v["rehearsal__ends_at"]
        status = v["rehearsal__status"]
        if status:
            summary[status] += 1
        else:
            summary["unscheduled"] += 1
        slot = (f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}" if start else _("未排"))
        name, phone = v["tech_contact__name"], v["tech_contact__phone"]
        contact = (f'{escape(name)} <a href="tel:{escape(phone)}">{escape(phone)}</a>' if name
                   else f'<span class="muted">{escape(l_nocontact)}</span>')
        t = tests.get(v["id"])
        test = (f'<span class="grade grade-{t.grade}">{escape(grades.get(t.grade, t.grade))}</span>'
                f' <span class="figs">{_figures(t)}</span>' if t else f'<span class="muted">{escape(l_notest)}</span>')
        code = escape(v["code"])
        action = f"/manage/{slug}/venues/{code}/rehearsal/mark/"
        marks = "" if not start else (
            f'<form method="post" action="{action}" class="marks">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="__CSRF__">'
            f'<span class="mk"><b>{escape(l_status)}</b>{_segment("status", status, status_choices, l_status)}</span>'
            f'<span class="mk"><b>{escape(l_video)}</b>{_segment("video", v["rehearsal__video"], quality, l_video)}</span>'
            f'<span class="mk"><b>{escape(l_audio)}</b>{_segment("audio", v["rehearsal__audio"], quality, l_audio)}</span>'
            f'<span class="notes"><input name="notes" value="{escape(v["rehearsal__notes"] or "")}"'
            f' placeholder="{escape(l_notes)}" aria-label="{escape(l_notes)}">'
            f'<button type="submit" name="save_notes" value="1" class="secondary">{escape(l_save)}</button></span>'
            f'</form>'
        )
        out.append(
            f'<article class="rb-row st-{escape(status or "none")}" data-code="{code}" data-start="{_ms(start)}"'
            f' data-end="{_ms(end)}"><div class="rb-head"><span class="slot">{escape(slot)}</span>'
            f' <a class="vname" href="/manage/{slug}/venues/{code}/">{escape(v["name"])}</a>'
            f' <span class="state">{escape(statuses.get(status, "")) if status else ""}</span></div>'
            f'<div class="rb-info"><span class="contact">{contact}</span> <span class="test">{test}</span></div>'
            f'{marks}</article>'
        )
        if status in (Status.RETEST, Status.FAILED):
            queue.append((v["rehearsal__marked_at"], f'<li data-code="{code}"><span class="slot">{escape(slot)}</span> '
                          f'{escape(v["name"])} <span class="state">{escape(statuses[status])}</span>'
                          f'{" · " + contact if name else ""}</li>'))
    queue.sort(key=lambda q: q[0].timestamp() if q[0] else 0.0)
    rows_html = "\n".join(out)
    if request is not None:
        rows_html = rows_html.replace("__CSRF__", escape(get_token(request)))
    return Board(
        version=version, rows_html=mark_safe(rows_html),
        queue_html=mark_safe("\n".join(q[1] for q in queue) or f'<li class="muted">{escape(_("暂无需要复测的会场"))}</li>'),
        summary=summary, count=len(venues),
    )
