"""The video rehearsal: slots in the notice's window, invitations and reminders, checklist marks,
self-test results, and what the board and other pages read about them.

Slots: every branch venue gets one, in the official order (venue `order`), back to back from the
start of the window, with a reserve kept at the end for retests. The slot length is derived from
the window and the number of venues (or given); a window too short for even the minimum slot is
refused with the window it would need. Slots already sent to a venue stay where they are when the
schedule is made again, unless it is reset; a sent slot that moves is mailed to the venue again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huiwu.accounts.models import Membership, Role
from huiwu.audit.services import record
from huiwu.core.mail import outbox_row, queue_mails
from huiwu.core.urls_abs import absolute_url
from huiwu.events.models import Event
from huiwu.receipts.models import TechContact
from huiwu.venues.models import Venue

from . import grading
from .models import Attempt, Quality, Rehearsal, SelfTest, Status

#: a venue needs at least this long to check video and sound both ways with the main venue
MIN_SLOT_MINUTES = 2
#: a derived slot is never longer than this (the IETF's Meetecho test slots are 15–20 minutes)
MAX_SLOT_MINUTES = 15
#: share of the window kept free at its end for retests (at least one slot)
RESERVE_SHARE = 0.05
#: a personal self-test link is valid this long
LINK_MAX_AGE = timedelta(days=90)
#: a measurement token (issued with the self-test page) is valid this long
NET_MAX_AGE = timedelta(hours=6)
_LINK_SALT = "huiwu.rehearsals.link"
_NET_SALT = "huiwu.rehearsals.net"
#: the evening reminder goes out at this hour of the day before the slot (event's time zone)
EVENING_HOUR = 18
#: the second reminder goes out this long before the slot
SOON_BEFORE = timedelta(minutes=30)


class ScheduleError(ValidationError):
    """The window cannot hold the slots; the message says what window or slot length would."""


# -- slots ----------------------------------------------------------------------------------
def branch_venues(event: Event) -> list[Venue]:
    """The branch venues in the official order (the order of the notice's list of hosts)."""
    return list(Venue.objects.filter(event=event, kind=Venue.Kind.BRANCH).order_by("order", "id"))


def reserve_minutes(window: int, slot: int) -> int:
    """Minutes kept free at the end of the window for retests: one slot, or 5 % of it if more."""
    return max(slot, math.ceil(window * RESERVE_SHARE))


def minimum_window(venues: int, slot: int) -> int:
    """The shortest window (minutes) that holds `venues` slots of `slot` minutes and the reserve."""
    window = venues * slot + slot
    while venues * slot + reserve_minutes(window, slot) > window:
        window += 1
    return window


def plan_slot_minutes(window: int, venues: int, slot_minutes: int | None = None) -> int:
    """The slot length for `venues` venues in a window of `window` minutes (or check the given one)."""
    if venues == 0:
        return slot_minutes or MAX_SLOT_MINUTES
    if slot_minutes is not None:
        if slot_minutes < 1:
            raise ScheduleError(_("每个时段至少 1 分钟，请改正 --slot-minutes。"))
        need = minimum_window(venues, slot_minutes)
        if need > window:
            longest = max((s for s in range(1, slot_minutes) if minimum_window(venues, s) <= window), default=0)
            hint = (_("最多每场 %(s)d 分钟") % {"s": longest}) if longest else _("请延长调试时间或分批调试")
            raise ScheduleError(
                _("调试时间不够：%(n)d 个分会场每场 %(slot)d 分钟，加上末尾的复测预留，至少需要 %(need)d 分钟，"
                  "而调试时间只有 %(have)d 分钟。请延长调试时间，或缩短每场时长（%(hint)s）。")
                % {"n": venues, "slot": slot_minutes, "need": need, "have": window, "hint": hint}
            )
        return slot_minutes
    slot = MAX_SLOT_MINUTES
    while slot >= MIN_SLOT_MINUTES and venues * slot + reserve_minutes(window, slot) > window:
        slot -= 1
    if slot < MIN_SLOT_MINUTES:
        need = minimum_window(venues, MIN_SLOT_MINUTES)
        raise ScheduleError(
            _("调试时间太短：%(n)d 个分会场每场至少需要 %(min)d 分钟，加上末尾的复测预留，调试时间至少要 %(need)d 分钟"
              "（约 %(hours).1f 小时），现在只有 %(have)d 分钟。请延长视频调试时间，或分多个时段调试。")
            % {"n": venues, "min": MIN_SLOT_MINUTES, "need": need, "hours": need / 60, "have": window}
        )
    return slot


def window_of(event: Event) -> tuple[datetime, datetime]:
    if not event.rehearsal_starts_at or not event.rehearsal_ends_at:
        raise ScheduleError(_("该会议还没有视频调试时间。请先在会议信息中填写视频调试的开始和结束时间。"))
    return event.rehearsal_starts_at, event.rehearsal_ends_at


@dataclass
class Schedule:
    event: Event
    slot_minutes: int
    reserve_minutes: int
    rehearsals: list[Rehearsal]
    moved: int


def schedule(event: Event, slot_minutes: int | None = None, reset: bool = False, by: Any = None) -> Schedule:
    """Give every branch venue a slot, in the official order, without overlaps, keeping a reserve.

    Slots already sent stay (their venues were told) unless `reset`; a sent slot that moves
    is mailed again with its new time.
    """
    start, end = window_of(event)
    window = int((end - start).total_seconds() // 60)
    venues = branch_venues(event)
    slot = plan_slot_minutes(window, len(venues), slot_minutes)
    length = timedelta(minutes=slot)
    with transaction.atomic():
        existing = {r.venue_id: r for r in Rehearsal.objects.select_for_update(of=("self",))
                    .filter(venue__event=event).select_related("venue")}
        kept = {} if reset else {vid: r for vid, r in existing.items() if r.sent_at}
        busy = sorted((r.starts_at, r.ends_at) for r in kept.values())
        cursor = start
        placed: dict[int, tuple[datetime, datetime]] = {}
        for v in venues:
            if v.pk in kept:
                continue
            s = cursor
            moved = True
            while moved:
                moved = False
                for b0, b1 in busy:
                    if s < b1 and s + length > b0:
                        s, moved = b1, True
            if s + length > end:
                raise ScheduleError(
                    _("已发送的时段占用了调试时间，其余分会场排不下。请用 --reset 重新排全部时段，或延长调试时间。")
                )
            placed[v.pk] = (s, s + length)
            cursor = s + length
        new, changed, moved_sent = [], [], []
        for v in venues:
            if v.pk not in placed:
                continue
            s, e = placed[v.pk]
            r = existing.get(v.pk)
            if r is None:
                new.append(Rehearsal(venue=v, starts_at=s, ends_at=e))
                continue
            if (r.starts_at, r.ends_at) != (s, e):
                if r.sent_at:
                    r.sequence += 1
                    moved_sent.append(r)
                r.starts_at, r.ends_at = s, e
                changed.append(r)
        Rehearsal.objects.bulk_create(new, batch_size=500)
        Rehearsal.objects.bulk_update(changed, ["starts_at", "ends_at", "sequence", "updated_at"], batch_size=500)
        _mail_moved(event, moved_sent)
        record("rehearsal.schedule", actor=by, event=event,
               after={"slot_minutes": slot, "venues": len(venues), "kept": len(kept), "reset": reset})
    rows = list(Rehearsal.objects.filter(venue__event=event, venue__kind=Venue.Kind.BRANCH)
                .select_related("venue").order_by("starts_at", "venue__order"))
    last_end = max((r.ends_at for r in rows), default=start)
    return Schedule(event, slot, int((end - last_end).total_seconds() // 60), rows, len(moved_sent))


def move_slot(rehearsal: Rehearsal, starts_at: datetime, by: Any = None) -> Rehearsal:
    """Move one slot (same length) inside the window, refusing an overlap; a sent slot is mailed again."""
    event = rehearsal.venue.event
    start, end = window_of(event)
    length = rehearsal.ends_at - rehearsal.starts_at
    new_end = starts_at + length
    if starts_at < start or new_end > end:
        tz = ZoneInfo(event.time_zone)
        raise ValidationError(_("新时段必须在调试时间 %(a)s–%(b)s 之内。")
                              % {"a": start.astimezone(tz).strftime("%H:%M"), "b": end.astimezone(tz).strftime("%H:%M")})
    clash = (Rehearsal.objects.filter(venue__event=event, starts_at__lt=new_end, ends_at__gt=starts_at)
             .exclude(pk=rehearsal.pk).select_related("venue").first())
    if clash is not None:
        raise ValidationError(_("该时间与“%(v)s”的时段重叠，请选择空闲的时间（如末尾的预留时间）。") % {"v": clash.venue.name})
    if starts_at == rehearsal.starts_at:
        return rehearsal
    before = rehearsal.starts_at.isoformat()
    with transaction.atomic():
        rehearsal.starts_at, rehearsal.ends_at = starts_at, new_end
        if rehearsal.sent_at:
            rehearsal.sequence += 1
        rehearsal.save()
        if rehearsal.sent_at:
            _mail_moved(event, [rehearsal])
        record("rehearsal.move", actor=by, venue=rehearsal.venue, obj=rehearsal,
               before={"starts_at": before}, after={"starts_at": starts_at.isoformat()})
    return rehearsal


# -- links ------------------------------------------------------------------------------------
def personal_link(venue: Venue) -> str:
    """The technical contact's own self-test address (signed, no account needed)."""
    from django.urls import reverse

    token = signing.dumps(venue.pk, salt=_LINK_SALT)
    return absolute_url(reverse("rehearsals:link", args=[token]))


def venue_for_link(token: str) -> Venue | None:
    try:
        pk = signing.loads(token, salt=_LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return Venue.objects.select_related("event").filter(pk=pk, kind=Venue.Kind.BRANCH).first()


def net_token(venue: Venue, via: str, user: Any = None) -> str:
    """A token for the measurement endpoints and the result of one self-test page.

    The ping, download and upload endpoints check only this signature (no database), so the
    round-trip time they measure is the network's, not the server's.
    """
    uid = user.pk if getattr(user, "is_authenticated", False) else None
    return signing.dumps({"v": venue.pk, "via": via, "u": uid}, salt=_NET_SALT, compress=False)


def read_net_token(token: str) -> dict[str, Any] | None:
    try:
        return signing.loads(token, salt=_NET_SALT, max_age=NET_MAX_AGE)
    except signing.BadSignature:
        return None


# -- invitations --------------------------------------------------------------------------------
def hotline(event: Event) -> str:
    """The notice's rehearsal hotline: name and phone (调试联系人)."""
    return " ".join(p for p in (event.rehearsal_contact_name, event.rehearsal_contact_phone) if p) or _("（通知未列出）")


def _local(dt: datetime, event: Event) -> datetime:
    return dt.astimezone(ZoneInfo(event.time_zone))


def slot_text(r: Rehearsal, event: Event) -> str:
    s, e = _local(r.starts_at, event), _local(r.ends_at, event)
    return f"{date_format(s, _('Y年n月j日'))} {s:%H:%M}–{e:%H:%M}"


def sms_text(r: Rehearsal, event: Event, link: str | None = None) -> str:
    """A short text the organizer copies into an SMS to the technical contact."""
    return _("【%(title)s】%(venue)s视频调试时段：%(slot)s，请提前完成自测：%(link)s 。调试热线：%(hotline)s") % {
        "title": event.title[:20], "venue": r.venue.name, "slot": slot_text(r, event),
        "link": link or personal_link(r.venue), "hotline": hotline(event),
    }


def ics_bytes(r: Rehearsal, event: Event) -> bytes:
    """The slot as an iCalendar event (TZID Asia/Shanghai or the event's zone, with its VTIMEZONE)."""
    tz = ZoneInfo(event.time_zone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//huiwu//rehearsal//ZH")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    ev = icalendar.Event()
    ev.add("uid", f"rehearsal-{r.venue_id}@huiwu")
    ev.add("sequence", r.sequence)
    ev.add("dtstamp", timezone.now())
    ev.add("dtstart", r.starts_at.astimezone(tz))
    ev.add("dtend", r.ends_at.astimezone(tz))
    ev.add("summary", _("视频调试：%(venue)s · %(title)s") % {"venue": r.venue.name, "title": event.title})
    ev.add("location", r.venue.name)
    ev.add("description", _("自测链接：%(link)s\n调试热线：%(hotline)s") % {
        "link": personal_link(r.venue), "hotline": hotline(event)})
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("30 分钟后视频调试"))
    alarm.add("trigger", -SOON_BEFORE)
    ev.add_component(alarm)
    cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


def contacts_by_venue(venue_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The technical contact (name, phone) of each venue that named one (one query)."""
    return {vid: {"name": name, "phone": phone} for vid, name, phone in
            TechContact.objects.filter(venue_id__in=list(venue_ids)).values_list("venue_id", "name", "phone")}


def recipients_by_venue(venue_ids: Iterable[int]) -> dict[int, list[str]]:
    """Who hears about a venue's rehearsal: its technical contact and its coordinators (two queries)."""
    ids = list(venue_ids)
    out: dict[int, list[str]] = {vid: [] for vid in ids}
    for vid, email in TechContact.objects.filter(venue_id__in=ids).exclude(email="").values_list("venue_id", "email"):
        out[vid].append(email)
    for vid, email in (Membership.objects.filter(venue_id__in=ids, role=Role.COORDINATOR)
                       .exclude(user__email="").values_list("venue_id", "user__email")):
        out[vid].append(email)
    return out


def _mail_rows(event: Event, rehearsals: list[Rehearsal], kind: str, subject: str, lead: str) -> list[Any]:
    to = recipients_by_venue(r.venue_id for r in rehearsals)
    rows = []
    for r in rehearsals:
        link = personal_link(r.venue)

        def body(r=r, link=link) -> str:
            return "\n".join([
                lead % {"venue": r.venue.name},
                "",
                _("会议：%(title)s") % {"title": event.title},
                _("调试时段：%(slot)s") % {"slot": slot_text(r, event)},
                _("自测链接（无需登录，请在调试前用会场的电脑打开并完成自测）：%(link)s") % {"link": link},
                _("调试热线：%(hotline)s") % {"hotline": hotline(event)},
                "",
                _("附件是该时段的日历文件（.ics），可导入 Outlook、手机日历等。"),
            ])

        rows.append(outbox_row(
            to[r.venue_id], subject % {"venue": r.venue.name}, body, kind=kind, event=event, venue=r.venue,
            attachments=[("rehearsal.ics", ics_bytes(r, event), "text/calendar")],
        ))
    return [row for row in rows if row is not None]


def _mail_moved(event: Event, moved: list[Rehearsal]) -> None:
    if moved:
        queue_mails(_mail_rows(event, moved, "rehearsal.moved", _("视频调试时段已调整：%(venue)s"),
                               _("%(venue)s：您的视频调试时段已调整，请以本邮件为准。")))


def send_invitations(event: Event, by: Any = None, resend: bool = False) -> int:
    """Mail every scheduled venue not yet invited (or all, `resend`) its slot, link, hotline and .ics."""
    qs = Rehearsal.objects.filter(venue__event=event).select_related("venue")
    if not resend:
        qs = qs.filter(sent_at__isnull=True)
    rehearsals = list(qs)
    if not rehearsals:
        return 0
    with transaction.atomic():
        queue_mails(_mail_rows(event, rehearsals, "rehearsal.invite", _("视频调试邀请：%(venue)s"),
                               _("%(venue)s：请按以下时段参加视频调试，并派专人负责。")))
        Rehearsal.objects.filter(pk__in=[r.pk for r in rehearsals]).update(sent_at=timezone.now())
        record("rehearsal.invite", actor=by, event=event, after={"venues": len(rehearsals)})
    return len(rehearsals)


def due_reminders(now: datetime | None = None) -> tuple[list[Rehearsal], list[Rehearsal]]:
    """Sent slots whose evening-before reminder, and whose 30-minutes-before reminder, are due now."""
    now = now or timezone.now()
    open_ = Rehearsal.objects.filter(sent_at__isnull=False, starts_at__gt=now).exclude(status=Status.PASSED)
    soon = list(open_.filter(reminded_soon_at__isnull=True, starts_at__lte=now + SOON_BEFORE)
                .select_related("venue__event"))
    evening = []
    # candidates: slots starting within the next ~2 days; the exact evening is in each event's zone
    for r in (open_.filter(reminded_evening_at__isnull=True, starts_at__lte=now + timedelta(days=2))
              .exclude(pk__in=[r.pk for r in soon]).select_related("venue__event")):
        tz = ZoneInfo(r.venue.event.time_zone)
        local = r.starts_at.astimezone(tz)
        evening_at = datetime.combine(local.date() - timedelta(days=1), datetime.min.time(), tz).replace(hour=EVENING_HOUR)
        if evening_at <= now and r.sent_at < evening_at:
            evening.append(r)
    return evening, soon


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that are due (run every minute by the queue); each goes out once."""
    now = now or timezone.now()
    evening, soon = due_reminders(now)
    sent = 0
    for rows, field, subject, lead in (
        (evening, "reminded_evening_at", _("明天视频调试：%(venue)s"), _("%(venue)s：提醒您明天参加视频调试。")),
        (soon, "reminded_soon_at", _("30 分钟后视频调试：%(venue)s"), _("%(venue)s：您的视频调试将在 30 分钟内开始，请做好准备。")),
    ):
        by_event: dict[int, list[Rehearsal]] = {}
        for r in rows:
            by_event.setdefault(r.venue.event_id, []).append(r)
        for group in by_event.values():
            with transaction.atomic():
                claimed = Rehearsal.objects.filter(pk__in=[r.pk for r in group], **{f"{field}__isnull": True}).update(**{field: now})
                if claimed != len(group):  # another worker took some: let the next run sort it out
                    transaction.set_rollback(True)
                    continue
                queue_mails(_mail_rows(group[0].venue.event, group, f"rehearsal.{field}", subject, lead))
                sent += len(group)
    return sent


# -- results ------------------------------------------------------------------------------------
def mark(rehearsal: Rehearsal, *, status: str | None = None, video: str | None = "", audio: str | None = "",
         notes: str | None = None, by: Any = None) -> Rehearsal:
    """Record a checklist result on the venue's rehearsal; every marking is kept as an attempt.

    `video`/`audio` left as "" keep their value; None clears it.
    """
    errors: dict[str, list[str]] = {}
    if status is not None and status not in Status.values:
        errors["status"] = [_("状态只能是 %(v)s。") % {"v": " / ".join(Status.values)}]
    for name, val in (("video", video), ("audio", audio)):
        if val not in ("", None) and val not in Quality.values:
            errors[name] = [_("只能是 ok（正常）、poor（较差）、none（无）或留空。")]
    if errors:
        raise ValidationError(errors)
    before = {"status": rehearsal.status, "video": rehearsal.video, "audio": rehearsal.audio}
    with transaction.atomic():
        if status is not None:
            rehearsal.status = status
        if video != "":
            rehearsal.video = video
        if audio != "":
            rehearsal.audio = audio
        if notes is not None:
            rehearsal.notes = notes[:2000]
        rehearsal.marked_by = by if getattr(by, "is_authenticated", False) else None
        rehearsal.marked_at = timezone.now()
        rehearsal.save()
        Attempt.objects.create(rehearsal=rehearsal, status=rehearsal.status, video=rehearsal.video,
                               audio=rehearsal.audio, notes=rehearsal.notes, by=rehearsal.marked_by)
        record("rehearsal.mark", actor=by, venue=rehearsal.venue, obj=rehearsal, before=before,
               after={"status": rehearsal.status, "video": rehearsal.video, "audio": rehearsal.audio})
    return rehearsal


def _clean_selftest(data: dict[str, Any]) -> dict[str, Any]:
    """Keep only the known parts, as small dicts of plain values (the browser is not trusted)."""
    out: dict[str, Any] = {}
    for part in ("camera", "microphone", "speaker", "network", "webrtc"):
        val = data.get(part) or {}
        if not isinstance(val, dict):
            raise ValidationError({part: [_("应为对象（JSON object）。")]})
        out[part] = {str(k)[:40]: v for k, v in list(val.items())[:30]
                     if v is None or isinstance(v, bool | int | float) or (isinstance(v, str) and len(v) < 200)}
    return out


def record_selftest(venue: Venue, data: dict[str, Any], *, via: str = "page", by: Any = None,
                    user_agent: str = "") -> SelfTest:
    """Store a self-test: the grade is computed here from the figures, never taken from the browser."""
    parts = _clean_selftest(data)
    grade, reasons = grading.grade(parts)
    test = SelfTest.objects.create(
        venue=venue, grade=grade, reasons=reasons, via=via[:8], user_agent=user_agent[:300],
        by=by if getattr(by, "is_authenticated", False) else None, **parts,
    )
    record("rehearsal.selftest", actor=by, venue=venue, obj=test, after={"grade": grade}, note=via)
    return test


def latest_selftests(event: Event) -> dict[int, SelfTest]:
    """The latest self-test of every venue of the event (one query)."""
    last = SelfTest.objects.filter(venue__event=event).values("venue_id").annotate(m=Max("id")).values("m")
    return {t.venue_id: t for t in SelfTest.objects.filter(id__in=Subquery(last))}


def latest_selftest_figures(event: Event, venue_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """Grade, network and camera figures of each venue's latest self-test (one query, no model objects);
    only of `venue_ids` when given (the board reads the venues of the page it shows)."""
    # the venues given are the event's: no join to venues, and PostgreSQL reads the (venue, -id) index
    tests = SelfTest.objects.filter(venue__event=event) if venue_ids is None else \
        SelfTest.objects.filter(venue_id__in=list(venue_ids))
    last = tests.values("venue_id").annotate(m=Max("id")).values("m")
    return {vid: {"grade": grade, "network": network, "camera": camera} for vid, grade, network, camera in
            SelfTest.objects.filter(id__in=Subquery(last)).values_list("venue_id", "grade", "network", "camera")}


def selftest_json(t: SelfTest | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"id": t.pk, "at": t.created_at.isoformat(), "grade": t.grade, "camera": t.camera,
            "microphone": t.microphone, "speaker": t.speaker, "network": t.network, "webrtc": t.webrtc,
            "reasons": t.reasons, "via": t.via}


def results_by_venue(event: Event) -> dict[int, dict[str, Any]]:
    """Per venue id: its slot, checklist result, attempts and latest self-test (three queries).

    Used by the attendance report; venues without a slot or a self-test are absent.
    """
    out: dict[int, dict[str, Any]] = {}
    attempts = dict(Attempt.objects.filter(rehearsal__venue__event=event).values("rehearsal__venue_id")
                    .annotate(n=Count("id")).values_list("rehearsal__venue_id", "n"))
    for r in Rehearsal.objects.filter(venue__event=event):
        out[r.venue_id] = {
            "starts_at": r.starts_at, "ends_at": r.ends_at, "sent_at": r.sent_at, "status": r.status,
            "video": r.video, "audio": r.audio, "notes": r.notes, "marked_at": r.marked_at,
            "attempts": attempts.get(r.venue_id, 0), "selftest_grade": None, "selftest_at": None,
        }
    for vid, t in latest_selftests(event).items():
        row = out.setdefault(vid, {"starts_at": None, "ends_at": None, "sent_at": None, "status": None,
                                   "video": None, "audio": None, "notes": "", "marked_at": None, "attempts": 0})
        row["selftest_grade"], row["selftest_at"] = t.grade, t.created_at
    return out


def board_version(event: Event) -> str:
    """Changes on any board (marks, notes, moves, self-tests) change this string (one query; every
    open board asks each second). The latest self-test is a subquery: joined to the venues with their
    rehearsals it multiplied the rows (18 ms at 3,000 venues on PostgreSQL)."""
    last_test = (SelfTest.objects.filter(venue__event=event).order_by().values("venue__event")
                 .annotate(m=Max("id")).values("m"))
    agg = Venue.objects.filter(event=event).aggregate(
        u=Max("rehearsal__updated_at"), n=Count("rehearsal"), t=Max(Subquery(last_test)))
    return f"{agg['u'].timestamp() if agg['u'] else 0}:{agg['n']}:{agg['t'] or 0}"

