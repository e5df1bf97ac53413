"""The director's board: the branch venues in slot order with their contact, latest self-test and
one-tap checklist marks, a page at a time, in the same few queries whatever the number of venues.

A page holds `PAGE` venues. By default the board follows the clock: it shows the page holding the
slot on now (or the next one), extended by the slot after it when that one begins the following
page. The director can also pick any page by its slot times or find a venue by name or code; the
slots on now and next then stay on top of that page. The retest queue is always complete. At
3,000 venues the whole list was 5.6 MB of HTML and 312 ms a request, fetched again by every open
board after each mark; a page is about 100 kB.

Rows are built as escaped strings (like the overview): with many rows Django's template engine
would spend most of the page's time resolving variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from huiwu.events.models import Event
from huiwu.venues.models import Venue

from . import services
from .models import Grade, Quality, Rehearsal, Status

#: venues on one page of the board (the demo's 37 fit on one)
PAGE = 50
#: longest search text
MAX_QUERY = 50

ORDER = (F("rehearsal__starts_at").asc(nulls_last=True), F("order").asc(), F("id").asc())
FIELDS = ("id", "code", "name", "rehearsal__starts_at", "rehearsal__ends_at", "rehearsal__status",
          "rehearsal__video", "rehearsal__audio", "rehearsal__notes", "tech_contact__name", "tech_contact__phone")


@dataclass(frozen=True)
class Choice:
    """What the director asked to see: a page (`None`: follow the clock) or the venues matching `q`."""

    page: int | None = None
    q: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Choice:
        """Read `?page=` and `?q=`; anything unreadable means following the clock."""
        q = " ".join((params.get("q") or "").split())[:MAX_QUERY]
        page = params.get("page") or ""
        return cls(page=int(page) if page.isdigit() and int(page) > 0 else None, q=q)

    def query(self) -> str:
        return urlencode({k: v for k, v in (("page", self.page), ("q", self.q)) if v})


@dataclass
class Board:
    version: str
    rows_html: SafeString
    #: the slots on now and next when they are not on the page shown ("" when they are)
    now_html: SafeString
    queue_html: SafeString
    summary: dict[str, int]
    #: branch venues in all, and rows on this page
    count: int
    shown: int
    #: the page shown (None for a search), of `pages`; `follow`: chosen by the clock
    page: int | None
    pages: int
    follow: bool
    q: str
    #: a search found more than a page
    more: bool
    #: <option>s of the page picker (empty for the rows fetched by open boards)
    pages_html: SafeString
    #: the first and last slot of the whole rehearsal, for the page picker's heading
    span: str
    #: when the slot on now (or next) ends, in ms: open boards fetch their rows again then
    stale_at: str


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


class _Rows:
    """Turns venue tuples (`FIELDS`) into rows of the board; the words and button groups are made
    once per page."""

    def __init__(self, event: Event, tests: dict[int, dict[str, Any]], request: Any) -> None:
        self.tz = services.ZoneInfo(event.time_zone)
        self.tests = tests
        self.slug = escape(event.slug)
        self.grades = {k: escape(str(v)) for k, v in Grade.choices}
        self.statuses = {k: escape(str(v)) for k, v in Status.choices}
        quality = [(Quality.OK.value, _("正常")), (Quality.POOR.value, _("较差")), (Quality.NONE.value, _("无"))]
        self.seg_status = _segments("status", [(Status.PASSED.value, _("通过")), (Status.FAILED.value, _("未通过")),
                                               (Status.RETEST.value, _("复测"))], _("结果"))
        self.seg_video = _segments("video", quality, _("视频"))
        self.seg_audio = _segments("audio", quality, _("音频"))
        self.l_video, self.l_audio, self.l_status = escape(_("视频")), escape(_("音频")), escape(_("结果"))
        self.l_notes, self.l_save = escape(_("备注")), escape(_("保存"))
        self.nocontact = f'<span class="muted">{escape(_("未填技术联系人"))}</span>'
        self.notest = f'<span class="muted">{escape(_("未自测"))}</span>'
        self.unscheduled = escape(_("未排"))
        self.jitter_word = _("抖动")
        self.day = _("%(m)d月%(d)d日 %(t)s")
        self.csrf = escape(get_token(request)) if request is not None else ""

    def slot(self, start: datetime | None, end: datetime | None, days: bool = False) -> str:
        """`09:30–09:33`; with `days`, each end with its day (`12月4日 09:30–12月5日 11:00`)."""
        if not start or not end:
            return self.unscheduled
        s, e = start.astimezone(self.tz), end.astimezone(self.tz)
        if days:  # as core.dates.short_dt (12月4日 09:30), its pattern translated once per page
            return (f'{self.day % {"m": s.month, "d": s.day, "t": f"{s:%H:%M}"}}–'
                    f'{self.day % {"m": e.month, "d": e.day, "t": f"{e:%H:%M}"}}')
        return f"{s:%H:%M}–{e:%H:%M}"

    def contact(self, name: str | None, phone: str | None) -> str:
        # phones are eleven digits (a database check): no escaping needed
        return f'{escape(name)} <a href="tel:{phone}">{phone}</a>' if name else self.nocontact

    def __call__(self, row: tuple) -> str:
        # codes are six digits (a database check): no escaping needed
        vid, code, vname, start, end, status, video, audio, notes, name, phone = row
        t = self.tests.get(vid)
        test = (f'<span class="grade grade-{t["grade"]}">{self.grades.get(t["grade"], "")}</span>'
                f' <span class="figs">{_figures(t, self.jitter_word)}</span>' if t else self.notest)
        marks = "" if not start else (
            f'<form method="post" action="/manage/{self.slug}/venues/{code}/rehearsal/mark/" class="marks">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{self.csrf}">'
            f'<span class="mk"><b>{self.l_status}</b>{self.seg_status.get(status, self.seg_status[None])}</span>'
            f'<span class="mk"><b>{self.l_video}</b>{self.seg_video.get(video, self.seg_video[None])}</span>'
            f'<span class="mk"><b>{self.l_audio}</b>{self.seg_audio.get(audio, self.seg_audio[None])}</span>'
            f'<span class="notes"><input name="notes" value="{escape(notes or "")}"'
            f' placeholder="{self.l_notes}" aria-label="{self.l_notes}">'
            f'<button type="submit" name="save_notes" value="1" class="secondary">{self.l_save}</button></span>'
            f'</form>'
        )
        return (
            f'<article class="rb-row st-{status or "none"}" data-code="{code}" data-start="{_ms(start)}"'
            f' data-end="{_ms(end)}"><div class="rb-head"><span class="slot">{self.slot(start, end)}</span>'
            f' <a class="vname" href="/manage/{self.slug}/venues/{code}/">{escape(vname)}</a>'
            f' <span class="state">{self.statuses.get(status, "") if status else ""}</span></div>'
            f'<div class="rb-info"><span class="contact">{self.contact(name, phone)}</span>'
            f' <span class="test">{test}</span></div>{marks}</article>'
        )


def _summary(event: Event, now: datetime) -> dict[str, int]:
    """Counts by checklist status, venues without a slot, and `finished`: the slots over by now —
    slots never overlap, so this is also the place in slot order of the slot on now or next."""
    agg = Venue.objects.filter(event=event, kind=Venue.Kind.BRANCH).aggregate(
        total=Count("id"), scheduled=Count("rehearsal"),
        finished=Count("rehearsal", filter=Q(rehearsal__ends_at__lte=now)),
        **{s: Count("rehearsal", filter=Q(rehearsal__status=s)) for s in Status.values},
    )
    agg["unscheduled"] = agg["total"] - agg["scheduled"]
    return agg


def _page_options(venues: Any, total: int, page: int | None, rows: _Rows) -> tuple[str, str]:
    """The page picker's options, each labelled with its first and last slot (one query: the first
    and last row of every page, numbered by a window function), and the whole rehearsal's span."""
    pages = max(1, -(-total // PAGE))
    firsts = [i * PAGE + 1 for i in range(pages)]
    lasts = [min((i + 1) * PAGE, total) for i in range(pages)]
    bounds = {rn: (s, e) for rn, s, e in venues.order_by().annotate(rn=Window(RowNumber(), order_by=ORDER))
              .filter(rn__in=sorted({*firsts, *lasts})).values_list("rn", "rehearsal__starts_at", "rehearsal__ends_at")}
    s, e = bounds.get(1, (None, None))[0], bounds.get(total, (None, None))[1]
    # a rehearsal over several days names the day of each page
    days = bool(s and e and s.astimezone(rows.tz).date() != e.astimezone(rows.tz).date())
    options = []
    for i, (first, last) in enumerate(zip(firsts, lasts, strict=True), start=1):
        ps, pe = bounds.get(first, (None, None))[0], bounds.get(last, (None, None))[1]
        times = rows.slot(ps, pe, days) if ps and pe else rows.unscheduled
        label = escape(_("第 %(page)d 页 · %(times)s · 第 %(first)d–%(last)d 个") % {
            "page": i, "times": times, "first": first, "last": max(first, last)})
        options.append(f'<option value="{i}"{" selected" if i == page else ""}>{label}</option>')
    return "".join(options), rows.slot(s, e, days) if s and e else ""


def build(event: Event, request: Any = None, choice: Choice | None = None, *, nav: bool = True) -> Board:
    """One page of the board: the counts, the page's venues, the slots on now and next (a query of
    their own unless the board follows the clock), their self-tests, the retest queue, the version
    and, with `nav`, the page picker — the same queries for 37 venues and for 3,000."""
    choice = choice or Choice()
    now = timezone.now()
    summary = _summary(event, now)
    total, focus = summary["total"], summary["finished"]
    on_now = focus < summary["scheduled"]  # a slot is on now or still to come
    pages = max(1, -(-total // PAGE))
    venues = Venue.objects.filter(event=event, kind=Venue.Kind.BRANCH)
    ordered = venues.order_by(*ORDER).values_list(*FIELDS)
    page: int | None
    more = False
    if choice.q:
        page = None
        found = ordered.filter(Q(name__icontains=choice.q) | Q(code__startswith=choice.q))
        listed = list(found[:PAGE + 1])
        more, listed = len(listed) > PAGE, listed[:PAGE]
    elif choice.page:
        page = min(choice.page, pages)
        lo = (page - 1) * PAGE
        listed = list(ordered[lo:lo + PAGE])
    else:  # follow the clock: the page of the slot on now, and the next slot even past the page's end
        page = (focus if on_now else max(summary["scheduled"] - 1, 0)) // PAGE + 1
        lo = (page - 1) * PAGE
        listed = list(ordered[lo:max(lo + PAGE, focus + 2 if on_now else 0)])
    follow = not choice.q and not choice.page
    if not on_now:
        current: list[tuple] = []
    elif follow:
        current = listed[focus - lo:focus - lo + 2]
    else:
        current = list(ordered[focus:focus + 2])
    shown = {r[0] for r in listed}
    extra = [r for r in current if r[0] not in shown]
    rows = _Rows(event, services.latest_selftest_figures(event, [*shown, *(r[0] for r in extra)]), request)
    queue = [
        f'<li data-code="{code}"><span class="slot">{rows.slot(start, end)}</span>'
        f' <a href="?{urlencode({"q": code})}">{escape(vname)}</a>'
        f' <span class="state">{rows.statuses.get(status, "")}</span>{" · " + rows.contact(name, phone) if name else ""}</li>'
        for code, vname, start, end, status, name, phone in
        Rehearsal.objects.filter(venue__event=event, status__in=[Status.RETEST, Status.FAILED])
        .order_by(F("marked_at").asc(nulls_first=True), "id")
        .values_list("venue__code", "venue__name", "starts_at", "ends_at", "status",
                     "venue__tech_contact__name", "venue__tech_contact__phone")
    ]
    options, span = _page_options(venues, total, page, rows) if nav else ("", "")
    return Board(
        version=services.board_version(event),
        rows_html=mark_safe("\n".join(map(rows, listed))), now_html=mark_safe("\n".join(map(rows, extra))),
        queue_html=mark_safe("\n".join(queue) or f'<li class="muted">{escape(_("暂无需要复测的会场"))}</li>'),
        summary={k: summary[k] for k in (*Status.values, "unscheduled")},
        count=total, shown=len(listed), page=page, pages=pages, follow=follow,
        q=choice.q, more=more, pages_html=mark_safe(options), span=span,
        stale_at=_ms(current[0][4]) if current else "",
    )
