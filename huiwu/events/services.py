"""Events: creation, the 37 branch venues in one action, and the demo event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from huiwu.audit.services import record
from huiwu.venues.models import Venue

from .models import Event, EventAttachment, EventContact, Unit
from .regions import REGIONS

DEMO_SLUG = "lifelong-learning-week-2021"


def regional_units() -> list[Unit]:
    """The 37 host units of branch venues, in the official order (loaded by a data migration)."""
    return list(Unit.objects.exclude(region_code="").filter(kind__in=["province", "city", "corps"]).order_by("order"))


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
    return {
        "issued_on": meeting - timedelta(days=4),
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
        status=Event.Status.PUBLISHED,
        **dates,
    )
    organizer_unit, _ = Unit.objects.get_or_create(  # i18n: data
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
        unit, _ = Unit.objects.get_or_create(name=name, defaults={"kind": kind, "order": 1000 + i})
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
