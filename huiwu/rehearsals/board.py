"""The director's board: every branch venue in slot order with its contact, latest self-test and
checklist marks, built from three queries whatever the number of venues.

Rows are built as escaped strings (like the overview): with 3,000 venues Django's template engine
would spend most of the page's time resolving variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from django.db.models import F
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from huiwu.events.models import Event
from huiwu.venues.models import Venue

from . import services
from .models import Grade, Quality, Rehearsal, Status


@dataclass
class Board:
    version: str
    rows_html: SafeString
    queue_html: SafeString
    summary: dict[str, int]
    count: int


def _ms(dt: Any) -> str:
    return str(int(dt.timestamp() * 1000)) if dt else ""


def _figures(t: dict[str, Any], jitter_word: str) -> str:
    net, cam = t.get("network") or {}, t.get("camera") or {}
    parts = []
    if isinstance(net.get("rtt_ms"), int | float):
        parts.append(f"RTT {net['rtt_ms']:.0f}ms")
    if isinstance(net.get("jitter_ms"), int | float):
        parts.append(f"{jitter_word} {net['jitter_ms']:.0f}ms")
    if isinstance(net.get("down_mbps"), int | float) and isinstance(net.get("up_mbps"), int | float):
        parts.append(f"↓{net['down_mbps']:.1f} ↑{net['up_mbps']:.1f} Mbps")
    if isinstance(cam.get("height"), int | float) and isinstance(cam.get("fps"), int | float):
        parts.append(f"{cam.get('width', '?')}×{cam['height']}@{cam['fps']:.0f}")
    return escape(" · ".join(parts))


def _segments(name: str, choices: list[tuple[str, str]], label: str) -> dict[str | None, str]:
    """The button group for every possible current value, made once per page."""
    out: dict[str | None, str] = {}
    for current in [None, *[v for v, _t in choices]]:
        buttons = "".join(
            f'<button name="{name}" value="{value}" aria-pressed="{"true" if current == value else "false"}">'
            f'{escape(text)}</button>'
            for value, text in choices
        )
        out[current] = f'<span class="segs" role="group" aria-label="{escape(label)}">{buttons}</span>'
    return out


def build(event: Event, request: Any = None) -> Board:
    """Everything the board shows (three queries: venues with slot and contact, self-tests, version)."""
    venues = (
        Venue.objects.filter(event=event, kind=Venue.Kind.BRANCH)
        .order_by(F("rehearsal__starts_at").asc(nulls_last=True), "order", "id")
        .values_list("id", "code", "name", "rehearsal__starts_at", "rehearsal__ends_at", "rehearsal__status",
                     "rehearsal__video", "rehearsal__audio", "rehearsal__notes",
                     "tech_contact__name", "tech_contact__phone")
    )
    # the retest queue's order (when each was marked), only for the few venues in it
    marked = dict(Rehearsal.objects.filter(venue__event=event, status__in=[Status.RETEST, Status.FAILED])
                  .values_list("venue_id", "marked_at"))
    tests = services.latest_selftest_figures(event)
    version = services.board_version(event)
    tz = services.ZoneInfo(event.time_zone)
    grades = {k: escape(str(v)) for k, v in Grade.choices}
    statuses = {k: escape(str(v)) for k, v in Status.choices}
    status_choices = [(Status.PASSED.value, _("通过")), (Status.FAILED.value, _("未通过")),
                      (Status.RETEST.value, _("复测"))]
    quality = [(Quality.OK.value, _("正常")), (Quality.POOR.value, _("较差")), (Quality.NONE.value, _("无"))]
    l_video, l_audio, l_notes, l_save = escape(_("视频")), escape(_("音频")), escape(_("备注")), escape(_("保存"))
    l_status = escape(_("结果"))
    nocontact = f'<span class="muted">{escape(_("未填技术联系人"))}</span>'
    notest = f'<span class="muted">{escape(_("未自测"))}</span>'
    unscheduled = escape(_("未排"))
    jitter_word = _("抖动")
    seg_status = _segments("status", status_choices, _("结果"))
    seg_video = _segments("video", quality, _("视频"))
    seg_audio = _segments("audio", quality, _("音频"))
    csrf = escape(get_token(request)) if request is not None else ""
    slug = escape(event.slug)
    out, queue = [], []
    summary = {s: 0 for s in Status.values}
    summary["unscheduled"] = 0
    # codes (six digits, a database check) and phones (eleven digits, a database check) need no escaping
    for vid, code, vname, start, end, status, video, audio, notes, name, phone in venues:
        if status:
            summary[status] += 1
        else:
            summary["unscheduled"] += 1
        slot = f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}" if start else unscheduled
        contact = f'{escape(name)} <a href="tel:{phone}">{phone}</a>' if name else nocontact
        t = tests.get(vid)
        test = (f'<span class="grade grade-{t["grade"]}">{grades.get(t["grade"], "")}</span>'
                f' <span class="figs">{_figures(t, jitter_word)}</span>' if t else notest)
        marks = "" if not start else (
            f'<form method="post" action="/manage/{slug}/venues/{code}/rehearsal/mark/" class="marks">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
            f'<span class="mk"><b>{l_status}</b>{seg_status.get(status, seg_status[None])}</span>'
            f'<span class="mk"><b>{l_video}</b>{seg_video.get(video, seg_video[None])}</span>'
            f'<span class="mk"><b>{l_audio}</b>{seg_audio.get(audio, seg_audio[None])}</span>'
            f'<span class="notes"><input name="notes" value="{escape(notes or "")}"'
            f' placeholder="{l_notes}" aria-label="{l_notes}">'
            f'<button type="submit" name="save_notes" value="1" class="secondary">{l_save}</button></span>'
            f'</form>'
        )
        state = statuses.get(status, "") if status else ""
        out.append(
            f'<article class="rb-row st-{status or "none"}" data-code="{code}" data-start="{_ms(start)}"'
            f' data-end="{_ms(end)}"><div class="rb-head"><span class="slot">{slot}</span>'
            f' <a class="vname" href="/manage/{slug}/venues/{code}/">{escape(vname)}</a>'
            f' <span class="state">{state}</span></div>'
            f'<div class="rb-info"><span class="contact">{contact}</span> <span class="test">{test}</span></div>'
            f'{marks}</article>'
        )
        if status in (Status.RETEST, Status.FAILED):
            at = marked.get(vid)
            queue.append((at.timestamp() if at else 0.0,
                          f'<li data-code="{code}"><span class="slot">{slot}</span> {escape(vname)}'
                          f' <span class="state">{state}</span>{" · " + contact if name else ""}</li>'))
    queue.sort(key=lambda q: q[0])
    return Board(
        version=version, rows_html=mark_safe("\n".join(out)),
        queue_html=mark_safe("\n".join(q[1] for q in queue) or f'<li class="muted">{escape(_("暂无需要复测的会场"))}</li>'),
        summary=summary, count=len(out),
    )
