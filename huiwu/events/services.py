"""Events: creation, the 37 branch venues in one action, the demo event, the lifecycle and edits."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiwu.audit.services import record
from huiwu.core.text import fold
from huiwu.venues.models import Venue

from . import categories
from .models import Event, EventAttachment, EventContact, Unit
from .regions import REGIONS

DEMO_SLUG = "lifelong-learning-week-2021"


def regional_units() -> list[Unit]:
    """The 37 host units of branch venues, in the official order (loaded by a data migration): one a
    region, the migration's (named as in `REGIONS`), else the region's first, since a region has a
    unit per authority once notices of other bodies were read (see `Unit`)."""
    names = {code: name for code, _region, _kind, name in REGIONS}
    found: dict[str, Unit] = {}
    for unit in Unit.objects.filter(region_code__in=names, kind__in=["province", "city", "corps"]).order_by("order", "id"):
        if unit.region_code not in found or (unit.name == names[unit.region_code] != found[unit.region_code].name):
            found[unit.region_code] = unit
    return list(found.values())


@transaction.atomic
def create_branch_venues(event: Event, capacity: int = 30, *, actor: Any = None,
                         codes: list[str] | None = None) -> list[Venue]:
    """Create the event's branch venues (all 37, or those in `codes`) that do not exist yet.

    One action instead of 37 forms; existing venues are left as they are, so it can be rerun.
    """
    existing = set(Venue.objects.filter(event=event).values_list("code", flat=True))
    units = {u.region_code: u for u in regional_units()}
    order_of = {code: i for i, (code, *_rest) in enumerate(REGIONS, start=1)}
    wanted = codes if codes is not None else [r[0] for r in REGIONS]
    created = []
    for code in wanted:
        if code in existing or code not in units:
            continue
        unit = units[code]
        # i18n: data — a venue's name is stored once, as the official notices name it (北京市分会场)
        created.append(Venue(
            event=event, kind=Venue.Kind.BRANCH, code=code, host_unit=unit,
            name=f"{unit.region_name}分会场", capacity=capacity, order=order_of.get(code, 999),
        ))
    Venue.objects.bulk_create(created)
    record("venue.create_branches", actor=actor, event=event,
           after={"count": len(created), "capacity": capacity})
    return created


def _at(day: date, hh: int, mm: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=tz)


def demo_dates(historical: bool = False, today: date | None = None) -> dict[str, Any]:
    """The seed's timeline, moved forward by whole weeks so the receipt deadline lies ahead.

    Relative to the meeting day D (a Tuesday in the seed): notice D-4, deadline D-3 16:00,
    rehearsal D-1 09:30–11:30, meeting D 10:00–11:30.
    """
    tz = ZoneInfo("Asia/Shanghai")
    meeting = date(2021, 11, 23)
    if not historical:
        today = today or timezone.localdate()
        weeks = max(0, (today - meeting).days // 7 + 1)
        meeting = meeting + timedelta(weeks=weeks)
        while meeting - timedelta(days=3) <= today:
            meeting += timedelta(weeks=1)
    issued = meeting - timedelta(days=4)
    if not historical:  # a notice is never dated after today (the deadline may be close to it)
        issued = min(issued, today)
    return {
        "issued_on": issued,
        "registration_deadline": _at(meeting - timedelta(days=3), 16, 0, tz),
        "rehearsal_starts_at": _at(meeting - timedelta(days=1), 9, 30, tz),
        "rehearsal_ends_at": _at(meeting - timedelta(days=1), 11, 30, tz),
        "starts_at": _at(meeting, 10, 0, tz),
        "ends_at": _at(meeting, 11, 30, tz),
    }


# i18n: data — the demo event is the 2021 notice as issued, stored as database content
DEMO_SUMMARY = """\
全民终身学习活动周全国总开幕式以视频会议方式举行：教育部设主会场，各省级教育行政部门、\
各计划单列市教育局和新疆生产建设兵团教育局设分会场，线上线下同步进行。

本系统代替纸质回执和邮件往来：各会场在截止时间前在线填报参会人员和视频调试负责人，\
也可以上传填好的 Word、Excel 回执或发送邮件。分会场须经当地疫情防控部门批准后方可开设，\
每个会场不超过 30 人，入场前须符合防疫要求。"""


@transaction.atomic
def load_demo_event(historical: bool = False) -> Event:
    """The reference case: the 2021 National Lifelong Learning Week opening ceremony."""
    existing = Event.objects.filter(slug=DEMO_SLUG).first()
    if existing:
        return existing
    dates = demo_dates(historical)
    event = Event.objects.create(  # i18n: data
        slug=DEMO_SLUG,
        title="2021年全民终身学习活动周全国总开幕式",
        doc_number="教职成厅函〔2021〕24号",
        issuer="教育部办公厅",
        theme="庆建党百年华诞，谱终身学习新篇",
        notice_text=DEMO_SUMMARY,
        addressees="各省、自治区、直辖市教育厅（教委），各计划单列市教育局，新疆生产建设兵团教育局，有关单位",
        registration_email="sjc@moe.edu.cn",
        rehearsal_contact_name="付宇豪",
        rehearsal_contact_phone="18500219116",
        arrive_before_minutes=15,
        approval_required=True,
        attendee_categories=categories.LEGACY,
        status=Event.Status.PUBLISHED,
        **dates,
    )
    organizer_unit, _created = Unit.objects.get_or_create(  # i18n: data
        name="教育部职业教育与成人教育司", defaults={"kind": Unit.Kind.MINISTRY, "order": 1000}
    )
    Venue.objects.create(  # i18n: data
        event=event, kind=Venue.Kind.MAIN, code="main", host_unit=organizer_unit,
        name="主会场", address="教育部机关北楼二层报告厅", capacity=30, order=0,
        approval_status=Venue.Approval.APPROVED, is_open=True,
    )
    create_branch_venues(event, capacity=30)
    from huiwu.venues.models import VenueUnit

    main = event.venues.get(code="main")
    for i, (name, kind) in enumerate([  # i18n: data
        ("教育部职业教育与成人教育司", Unit.Kind.MINISTRY),
        ("中国成人教育协会", Unit.Kind.ASSOCIATION),
        ("联合国教科文组织北京办事处", Unit.Kind.INTERNATIONAL),
    ]):
        unit, _created = Unit.objects.get_or_create(name=name, defaults={"kind": kind, "order": 1000 + i})
        VenueUnit.objects.get_or_create(venue=main, unit=unit)
    # i18n: data
    EventContact.objects.create(event=event, name="王立", org="教育部职业教育与成人教育司",
                                phones=["010-66096253"], fax="010-66020434", order=0)
    # i18n: data
    EventContact.objects.create(event=event, name="付宇豪", org="视频调试技术支持",
                                phones=["18500219116"], order=1)
    # i18n: data
    EventAttachment.objects.create(event=event, title="主会场参会回执", template_kind="main", order=1)
    # i18n: data
    EventAttachment.objects.create(event=event, title="分会场参加人员及视频调试负责人回执",
                                   template_kind="branch", order=2)
    record("event.create", event=event, after={"slug": event.slug, "demo": True})
    return event


def closing_time(deadline: datetime | None, extended_to: datetime | None) -> datetime | None:
    """The event's deadline, or a venue's extension when it is later: the one rule for both."""
    return max(filter(None, [deadline, extended_to]), default=None)


def effective_deadline(venue: Venue) -> datetime | None:
    """The moment receipts close for this venue: the event's deadline or the venue's extension."""
    return closing_time(venue.event.registration_deadline, venue.deadline_extended_to)


# -- lifecycle: draft → published → closed → archived --------------------------------------------
#: action → (states it may start from, state it leads to). A closed event may be published again
#: (reopened) until it is archived; an archived event is read-only for good.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "publish": ({Event.Status.DRAFT, Event.Status.CLOSED}, Event.Status.PUBLISHED),
    "close": ({Event.Status.PUBLISHED}, Event.Status.CLOSED),
    "archive": ({Event.Status.CLOSED}, Event.Status.ARCHIVED),
}


def _conflict(code: str, message: str) -> Exception:
    from huiwu.core.errors import ApiError

    return ApiError(code, message, 409)


def status_label(status: str) -> str:
    return str(dict(Event.Status.choices).get(status, status))


def check_writable(event: Event) -> None:
    """An archived event is read-only: every change to it is refused with a plain reason."""
    if event.status == Event.Status.ARCHIVED:
        raise _conflict("event_archived", _("“%(title)s”已归档，只能查看，不能再修改。") % {"title": event.title})


def check_filing_open(event: Event) -> None:
    """Receipts are filed only while the event is published: not before, not after it is closed."""
    from huiwu.core.errors import EventClosed

    if event.status == Event.Status.PUBLISHED:
        return
    if event.status == Event.Status.DRAFT:
        raise EventClosed(_("“%(title)s”尚未发布，暂不能填报回执。请等待主办方发布会议通知。") % {"title": event.title},
                          code="event_not_published")
    raise EventClosed(_("“%(title)s”已%(status)s，回执填报已关闭，不能再提交或修改。如确需更改，请联系主办方。")
                      % {"title": event.title, "status": status_label(event.status)})


_PARAGRAPH = re.compile(r"\s*(.*?)(?:\n[ \t\u3000]*\n\s*|\Z)", re.S)


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", fold(text)).rstrip(":")


def notice_page_parts(event: Event) -> tuple[str, str]:
    """The public notice page's heading and body text. A body taken from the notice starts with the
    notice's own title, document number and addressees, which the page already shows above it:
    those leading paragraphs are dropped from the body so each is read once, the notice's full
    title (教育部办公厅关于举办…的通知) becoming the heading."""
    heading, rest = event.title, (event.notice_text or "").strip()
    title, doc, to = _header_key(event.title), _header_key(event.doc_number), _header_key(event.addressees)
    for i in range(3):
        m = _PARAGRAPH.match(rest)
        para = m.group(1) if m else ""
        key = _header_key(para)
        if not key:
            break
        if i == 0 and title and title in key and "\n" not in para.strip() and key not in (doc, to):
            heading = para.strip()
        elif key not in (doc, to):
            break
        rest = rest[m.end():]
    return heading, rest


def check_published(event: Event, what: str) -> None:
    """Invitations and similar outward steps wait for the event to be published."""
    if event.status == Event.Status.DRAFT:
        raise _conflict("event_not_published", _("会议尚未发布，不能%(what)s。请先在会场总览中发布会议。") % {"what": what})
    check_writable(event)
    if event.status == Event.Status.CLOSED:
        raise _conflict("event_closed", _("会议已结束，不能%(what)s。") % {"what": what})


@transaction.atomic
def change_status(event: Event, action: str, *, actor: Any = None) -> tuple[Event, list[str]]:
    """Move the event along its lifecycle (audited); returns the event and warnings worth reading.

    Publishing needs a main venue; it opens the public notice, invitations and filing. Closing stops
    filing; archiving makes everything read-only.
    """
    if action not in TRANSITIONS:
        from huiwu.core.errors import Invalid

        raise Invalid(_("未知的操作“%(a)s”，可用：publish、close、archive。") % {"a": action}, {"action": [action]})
    event = Event.objects.select_for_update().get(pk=event.pk)
    sources, target = TRANSITIONS[action]
    if event.status not in sources:
        raise _conflict("invalid_transition", _("会议当前为“%(now)s”，不能%(what)s。%(hint)s") % {
            "now": status_label(event.status), "what": ACTION_WORDS[action](),
            "hint": TRANSITION_HINTS[action](),
        })
    if target == Event.Status.PUBLISHED and not event.venues.filter(kind=Venue.Kind.MAIN).exists():
        raise _conflict("invalid_transition", _("会议还没有主会场，不能发布。请先设置主会场。"))
    before = event.status
    event.status = target
    event.save(update_fields=["status", "updated_at"])
    record(f"event.{action}", actor=actor, event=event, obj=event, before={"status": before}, after={"status": target})
    return event, date_warnings(event) if target == Event.Status.PUBLISHED else []


# -- taking a draft back: unpublish, delete --------------------------------------------------------
def unpublish_blockers(event: Event) -> list[str]:
    """Why a published event may not go back to draft (empty: it may). Once anyone filed people or
    accepted an invitation, others rely on the event being out: it can be closed, not withdrawn."""
    from huiwu.accounts.models import Invitation
    from huiwu.receipts.models import Attendee, Receipt

    out: list[str] = []
    if event.status != Event.Status.PUBLISHED:
        out.append(_("会议当前为“%(now)s”，只有已发布的会议可以退回草稿。") % {"now": status_label(event.status)})
        return out
    filed = Receipt.objects.filter(venue__event=event).count()
    people = Attendee.objects.filter(event=event).count()
    if filed or people:
        out.append(_("已有会场填报了回执（%(r)d 份，%(n)d 人），不能再退回草稿；如需停止填报，请点“结束会议”。")
                   % {"r": filed, "n": people})
    accepted = list(Invitation.objects.filter(venue__event=event, used_at__isnull=False)
                    .select_related("venue").order_by("venue__order").values_list("venue__name", flat=True)[:5])
    if accepted:
        out.append(_("已有人接受邀请并开通账号（%(names)s），不能再退回草稿；如需停止填报，请点“结束会议”。")
                   % {"names": _("、").join(dict.fromkeys(accepted))})
    return out


def open_invitations(event: Event):
    """Invitation links of the event that are neither used nor revoked (unpublishing revokes them)."""
    from huiwu.accounts.models import Invitation

    return Invitation.objects.filter(venue__event=event, used_at__isnull=True, revoked_at__isnull=True)


@transaction.atomic
def unpublish(event: Event, *, actor: Any = None) -> tuple[Event, int]:
    """Take a published event back to draft (public page, invitations and filing close again), only
    while nobody filed anything or accepted an invitation; links not yet used are revoked so nobody
    signs up to a draft. Audited; returns the event and how many links were revoked."""
    from huiwu.accounts.models import Invitation
    from huiwu.accounts.services import revoke_invitation

    event = Event.objects.select_for_update().get(pk=event.pk)
    check_writable(event)
    # links being accepted right now finish first (accepting locks its row), then count as accepted
    list(Invitation.objects.select_for_update(of=("self",)).filter(venue__event=event).values_list("pk", flat=True))
    blockers = unpublish_blockers(event)
    if blockers:
        code = "invalid_transition" if event.status != Event.Status.PUBLISHED else "event_in_use"
        raise _conflict(code, "".join(blockers))
    revoked = 0
    for inv in open_invitations(event).select_related("venue__event"):
        revoke_invitation(inv, actor=actor)
        revoked += 1
    event.status = Event.Status.DRAFT
    event.save(update_fields=["status", "updated_at"])
    record("event.unpublish", actor=actor, event=event, obj=event, before={"status": Event.Status.PUBLISHED},
           after={"status": Event.Status.DRAFT, "invitations_revoked": revoked})
    return event, revoked


def deletion_summary(event: Event) -> list[tuple[str, int]]:
    """What deleting the event removes with it, as (label, count) for the confirmation page; rows
    with nothing to delete are left out. Units themselves stay (they are shared reference data)."""
    from huiwu.accounts.models import Invitation, Membership
    from huiwu.receipts.models import Attendee, Receipt
    from huiwu.rehearsals.models import Rehearsal
    from huiwu.venues.models import VenueUnit

    venues = Venue.objects.filter(event=event)
    rows = [
        (_("主会场"), venues.filter(kind=Venue.Kind.MAIN).count()),
        (_("分会场"), venues.filter(kind=Venue.Kind.BRANCH).count()),
        (_("主会场参会单位"), VenueUnit.objects.filter(venue__event=event).count()),
        (_("邀请链接"), Invitation.objects.filter(venue__event=event).count()),
        (_("账号在本会议中的角色"), Membership.objects.filter(event=event).count()),
        (_("联系人"), event.contacts.count()),
        (_("附件"), event.attachments.count()),
        (_("入场规则"), event.admission_rules.count()),
        (_("视频调试时段"), Rehearsal.objects.filter(venue__event=event).count()),
        (_("回执"), Receipt.objects.filter(venue__event=event).count()),
        (_("参会人员"), Attendee.objects.filter(event=event).count()),
    ]
    return [(label, n) for label, n in rows if n]


def _stored_files(event: Event) -> list[tuple[Any, str]]:
    """(storage, name) of every file kept for the event, deleted from disk once the rows are gone."""
    from huiwu.receipts.models import ImportItem, Receipt

    out: list[tuple[Any, str]] = []
    for model, field, flt in ((EventAttachment, "file", {"event": event}),
                              (Venue, "approval_document", {"event": event}),
                              (Receipt, "source_file", {"venue__event": event}),
                              (ImportItem, "file", {"batch__event": event})):
        storage = model._meta.get_field(field).storage
        out += [(storage, name) for name in model.objects.filter(**flt).exclude(**{field: ""})
                .values_list(field, flat=True)]
    return out


@transaction.atomic
def delete_draft(event: Event, *, actor: Any = None) -> dict[str, Any]:
    """Delete a draft event with everything made for it (venues, main-venue units, invitations,
    roles, contacts, attachments and their files, rules, rehearsal slots). Only a draft: once an
    event was out, it is closed and archived instead, so what people filed stays on record. The
    audit entry keeps the slug, title and what was deleted (the audit trail outlives the event)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise _conflict("event_not_draft", _("“%(title)s”当前为“%(now)s”，只有草稿可以删除。已发布的会议请结束并归档；"
                                             "如尚无人填报，也可先退回草稿再删除。")
                        % {"title": event.title, "now": status_label(event.status)})
    summary = {str(label): n for label, n in deletion_summary(event)}
    files = _stored_files(event)
    gone = {"slug": event.slug, "title": event.title, "doc_number": event.doc_number, "deleted": summary}
    record("event.delete", actor=actor, obj=event, before=gone)
    event.delete()

    def remove_files() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:  # a file already gone is no reason to fail the deletion
                pass

    transaction.on_commit(remove_files)
    return gone


ACTION_WORDS = {"publish": lambda: _("发布"), "close": lambda: _("结束"), "archive": lambda: _("归档")}
TRANSITION_HINTS = {
    "publish": lambda: _("只有草稿或已结束的会议可以发布。"),
    "close": lambda: _("只有已发布的会议可以结束。"),
    "archive": lambda: _("请先结束会议，再归档。"),
}


def _fmt(moment: datetime, event: Event) -> str:
    local = moment.astimezone(ZoneInfo(event.time_zone or "Asia/Shanghai"))
    return _("%(m)d月%(d)d日 %(t)s") % {"m": local.month, "d": local.day, "t": f"{local:%H:%M}"}


def date_warnings(event: Event, *, now: datetime | None = None) -> list[str]:
    """Dates that make no sense together, said plainly (the organizer may still keep them)."""
    now = now or timezone.now()
    out: list[str] = []
    start = event.starts_at
    deadline = event.registration_deadline
    if start and start < now and event.status in (Event.Status.DRAFT, Event.Status.PUBLISHED):
        out.append(_("会议开始时间（%(t)s）已经过去，请检查日期是否写错。") % {"t": _fmt(start, event)})
    if deadline and start and deadline >= start:
        out.append(_("回执截止时间（%(d)s）不早于会议开始（%(t)s），各会场来不及准备，请提前截止时间。")
                   % {"d": _fmt(deadline, event), "t": _fmt(start, event)})
    if event.rehearsal_starts_at and start and event.rehearsal_starts_at >= start:
        out.append(_("视频调试（%(r)s）安排在会议开始之后，请改到会前。") % {"r": _fmt(event.rehearsal_starts_at, event)})
    if deadline and event.rehearsal_starts_at and deadline > event.rehearsal_starts_at:
        out.append(_("回执截止时间（%(d)s）晚于视频调试开始（%(r)s），调试时可能还不知道各会场的负责人。")
                   % {"d": _fmt(deadline, event), "r": _fmt(event.rehearsal_starts_at, event)})
    if event.issued_on and start and event.issued_on > timezone.localtime(start).date():
        out.append(_("发文日期晚于会议日期，请检查。"))
    limit = event.rehearsal_starts_at or start
    if limit:
        late = list(event.venues.filter(deadline_extended_to__gt=limit).order_by("order").values_list("name", flat=True)[:10])
        if late:
            what = _("视频调试") if event.rehearsal_starts_at else _("会议")
            out.append(_("这些会场的回执延期晚于%(what)s开始（%(t)s）：%(names)s。") % {
                "what": what, "t": _fmt(limit, event), "names": _("、").join(late)})
    return out


def extension_warning(event: Event, until: datetime | None) -> str:
    """Said when an extension is granted: a deadline past the rehearsal (or the meeting) makes no sense."""
    limit = event.rehearsal_starts_at or event.starts_at
    if until is None or limit is None or until <= limit:
        return ""
    what = _("视频调试") if event.rehearsal_starts_at else _("会议")
    return _("注意：延期后的截止时间（%(u)s）晚于%(what)s开始（%(t)s），该会场可能赶不上%(what)s。") % {
        "u": _fmt(until, event), "what": what, "t": _fmt(limit, event)}


#: what the organizer may change on an event, by the notice's words
EDITABLE_FIELDS = (
    "title", "doc_number", "issuer", "issued_on", "theme", "notice_text", "addressees", "starts_at", "ends_at",
    "registration_deadline", "registration_email", "rehearsal_starts_at", "rehearsal_ends_at",
    "rehearsal_contact_name", "rehearsal_contact_phone", "arrive_before_minutes", "approval_required",
)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


@transaction.atomic
def set_categories(event: Event, main: str, branch: str, *, actor: Any = None) -> Event:
    """The event's attendee categories from the lines typed for the main venue and the branches;
    a category kept by name keeps its value, so the people filed under it keep it (audited)."""
    before = list(event.attendee_categories or [])
    after = categories.renumbered(before, categories.from_lines(main, branch))
    if after != before:
        Event.objects.filter(pk=event.pk).update(attendee_categories=after, updated_at=timezone.now())
        event.attendee_categories = after
        record("event.categories", actor=actor, event=event, before=before, after=after)
    return event


@transaction.atomic
def update_event(event: Event, changes: dict[str, Any], *, actor: Any = None) -> tuple[Event, list[str]]:
    """Change what the notice gave (only EDITABLE_FIELDS); audited with before/after of what changed.

    Impossible values are refused (Invalid with the field); dates that merely look wrong come back
    as warnings, so the organizer sees them and decides.
    """
    from huiwu.core.errors import Invalid

    check_writable(event)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise Invalid(_("这些字段不能修改：%(names)s。") % {"names": _("、").join(unknown)}, {k: [_("不能修改")] for k in unknown})
    before = {k: getattr(event, k) for k in changes}
    for key, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if key in ("title",) and not value:
            raise Invalid(_("会议名称不能为空。"), {key: [_("请填写会议名称。")]})
        if key in ("starts_at", "ends_at") and value is None:
            raise Invalid(_("请填写会议的开始和结束时间。"), {key: [_("必填")]})
        setattr(event, key, value)
    if event.ends_at <= event.starts_at:
        raise Invalid(_("会议结束时间必须晚于开始时间。"), {"ends_at": [_("请填写晚于开始时间的结束时间。")]})
    if bool(event.rehearsal_starts_at) != bool(event.rehearsal_ends_at):
        raise Invalid(_("视频调试的开始和结束时间须同时填写（或都不填）。"),
                      {"rehearsal_ends_at": [_("请同时填写开始和结束时间。")]})
    if event.rehearsal_starts_at and event.rehearsal_ends_at <= event.rehearsal_starts_at:
        raise Invalid(_("视频调试的结束时间必须晚于开始时间。"), {"rehearsal_ends_at": [_("请填写晚于开始时间的结束时间。")]})
    changed = {k for k in changes if before[k] != getattr(event, k)}
    if changed:
        event.full_clean(exclude=["slug"], validate_constraints=False)
        event.save()
        record("event.update", actor=actor, event=event, obj=event,
               before={k: _json_value(before[k]) for k in sorted(changed)},
               after={k: _json_value(getattr(event, k)) for k in sorted(changed)})
    return event, date_warnings(event)


@transaction.atomic
def set_capacities(event: Event, *, main: int | None = None, branch: int | None = None,
                   actor: Any = None) -> int:
    """Set the main venue's capacity and/or every branch venue's at once (the notice gives one
    number for all branches); audited. Returns how many venues changed."""
    from huiwu.core.errors import Invalid

    check_writable(event)
    n = 0
    for kind, value in ((Venue.Kind.MAIN, main), (Venue.Kind.BRANCH, branch)):
        if value is None:
            continue
        if int(value) <= 0:
            raise Invalid(_("人数上限必须是正整数，例如 30。"), {f"{kind}_capacity": [_("请填写正整数。")]})
        qs = event.venues.filter(kind=kind).exclude(capacity=value)
        changed = qs.update(capacity=value, updated_at=timezone.now())
        if changed:
            record("venue.capacity", actor=actor, event=event, after={"kind": kind, "capacity": value, "venues": changed})
        n += changed
    return n


# -- contacts and attachments -------------------------------------------------------------------
def _contact_dict(c: EventContact) -> dict[str, Any]:
    return {"name": c.name, "org": c.org, "phones": list(c.phones or []), "fax": c.fax}


@transaction.atomic
def set_contacts(event: Event, contacts: list[dict[str, Any]], *, actor: Any = None) -> list[EventContact]:
    """Replace the notice's contact people with `contacts` (in this order); audited when changed."""
    from huiwu.core.errors import Invalid

    check_writable(event)
    clean = []
    for i, c in enumerate(contacts, start=1):
        name = (c.get("name") or "").strip()
        phones = [p.strip() for p in (c.get("phones") or []) if p and p.strip()]
        if not name:
            if phones or (c.get("org") or "").strip():
                raise Invalid(_("第%(n)d位联系人缺少姓名。") % {"n": i}, {f"contacts.{i}.name": [_("请填写姓名。")]})
            continue
        clean.append({"name": name[:40], "org": (c.get("org") or "").strip()[:120], "phones": phones[:5],
                      "fax": (c.get("fax") or "").strip()[:40]})
    before = [_contact_dict(c) for c in event.contacts.all()]
    if before == clean:
        return list(event.contacts.all())
    event.contacts.all().delete()
    made = EventContact.objects.bulk_create([EventContact(event=event, order=i, **c) for i, c in enumerate(clean)])
    record("event.contacts", actor=actor, event=event, obj=event, before={"contacts": before}, after={"contacts": clean})
    return made


#: what an attachment file may be: its first bytes decide (Word/Excel/WPS, PDF, images)
ATTACHMENT_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def _check_attachment_file(upload: Any) -> None:
    from huiwu.core.errors import Invalid

    if upload.size > ATTACHMENT_MAX_BYTES or upload.size == 0:
        raise Invalid(_("附件须为 1 字节到 20 MB 之间的文件。"), {"file": [_("文件大小不合适。")]})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_MAGIC):
        raise Invalid(_("附件须为 Word、Excel、WPS、PDF 或图片文件。"), {"file": [_("文件类型不支持。")]})


@transaction.atomic
def save_attachment(event: Event, *, title: str, template_kind: str = "", upload: Any = None,
                    attachment: EventAttachment | None = None, actor: Any = None) -> EventAttachment:
    """Add an attachment of the notice, or change one (title, which receipt form it stands for, file)."""
    from huiwu.core.errors import Invalid

    check_writable(event)
    title = (title or "").strip()[:200]
    if not title:
        raise Invalid(_("请填写附件名称。"), {"title": [_("请填写附件名称。")]})
    if template_kind not in ("", "main", "branch"):
        raise Invalid(_("附件类别无效。"), {"template_kind": [_("可选：主会场回执、分会场回执或其他。")]})
    if upload is not None:
        _check_attachment_file(upload)
    att = attachment or EventAttachment(event=event, order=event.attachments.count() + 1)
    before = {"title": att.title, "template_kind": att.template_kind, "file": att.file.name or ""} if att.pk else None
    att.title, att.template_kind = title, template_kind
    if upload is not None:
        ext = upload.name.rsplit(".", 1)[-1].lower()[:5] if "." in upload.name else "bin"
        att.file.save(f"{event.pk}-{att.order}.{ext}", upload, save=False)
    att.save()
    record("event.attachment", actor=actor, event=event, obj=att, before=before,
           after={"title": att.title, "template_kind": att.template_kind, "file": att.file.name or ""})
    return att


@transaction.atomic
def remove_attachment(attachment: EventAttachment, *, actor: Any = None) -> None:
    check_writable(attachment.event)
    record("event.attachment_remove", actor=actor, event=attachment.event, obj=attachment,
           before={"title": attachment.title, "file": attachment.file.name or ""})
    attachment.delete()
