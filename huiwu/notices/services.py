"""Notice intake: a reviewed notice becomes a draft event, its venues, contacts and rules, in one step."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from huiwu.accounts.models import Membership, Role
from huiwu.accounts.tenancy import Access
from huiwu.audit.services import record
from huiwu.events import categories
from huiwu.events.models import Event, EventAttachment, EventContact
from huiwu.venues.models import Venue

from .parser import attendee_categories, event_name, find_body, normalise

TZ = ZoneInfo("Asia/Shanghai")

# Chinese words that make a short ASCII slug (no pinyin library needed): first matches win
_GLOSSARY = [  # i18n: data
    ("终身学习", "lifelong-learning"), ("活动周", "week"), ("开幕式", "opening"), ("闭幕式", "closing"),
    ("职业教育", "vocational-education"), ("成人教育", "adult-education"), ("社区教育", "community-education"),
    ("老年教育", "senior-education"), ("继续教育", "continuing-education"), ("高等教育", "higher-education"),
    ("基础教育", "basic-education"), ("学前教育", "preschool-education"), ("教师", "teachers"),
    ("就业", "employment"), ("安全", "safety"), ("卫生", "health"), ("中医药", "tcm"), ("体育", "sports"),
    ("养老", "elderly-care"), ("水利", "water"), ("科普", "science"), ("图书馆", "library"), ("人才", "talent"),
    ("理事会", "council"), ("研讨会", "seminar"), ("培训班", "training"), ("推进会", "progress-meeting"),
    ("视频会议", "video-conference"), ("电视电话会议", "teleconference"), ("工作会议", "work-meeting"),
    ("启动仪式", "launch"), ("会议", "meeting"),
]


class NoticeInvalid(ValueError):
    """The reviewed fields cannot make an event; the message says what to correct."""


def is_organizer(user: Any) -> bool:
    """Creating an event is not bound to one event: any organizer membership may do it."""
    return Access.for_user(user).organizes_any()


def make_slug(title: str, year: int | None = None) -> str:
    """A short ASCII slug from the title's words and year, made unique: lifelong-learning-week-opening-2021."""
    words: list[str] = []
    rest = title or ""
    for zh, en in _GLOSSARY:
        if zh in rest and en not in words:
            words.append(en)
            rest = rest.replace(zh, " ")
        if len(words) >= 4:
            break
    if year is None:
        m = re.search(r"(19|20)\d{2}", title or "")
        year = int(m.group(0)) if m else None
    base = slugify("-".join(words)) or "event"
    if year:
        base = f"{base}-{year}"
    base = base[:70].strip("-")
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _title_year(title: str) -> int | None:
    m = re.search(r"(?:19|20)\d{2}", title or "")
    return int(m.group(0)) if m else None


def parse_moment(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """An ISO date-time from the parser (or a form) as an aware datetime; a bare date is its
    start of day, or its end (23:59:59) for deadlines ("11月20日前" → through 11-20)."""
    if not value:
        return None
    value = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = date.fromisoformat(value)
        return datetime.combine(day, time(23, 59, 59) if end_of_day else time(0, 0), tzinfo=TZ)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise NoticeInvalid(_("时间“%(v)s”无法识别，请写成 2021-11-23 10:00 这样的格式。") % {"v": value}) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=TZ)


def _attachment_kind(title: str) -> str:
    if "分会场" in title:
        return "branch"
    if "主会场" in title:
        return "main"
    return ""


def _categories(parsed: dict[str, Any], notice_text: str) -> list[dict[str, str]]:
    """The event's attendee categories: as reviewed (`attendee_categories` of the review page),
    else what the notice's 参加人员 section names (the parser's schema has no such field)."""
    kinds = parsed.get("attendee_categories")
    if kinds is None:
        kinds = attendee_categories(find_body(normalise(notice_text)))[0] if notice_text else {}
    return categories.from_lines("\n".join(kinds.get("main") or []), "\n".join(kinds.get("branch") or []))


@transaction.atomic
def create_event_from_notice(parsed: dict[str, Any], actor: Any, *, notice_text: str = "",
                             create_branches: bool | None = None,
                             branches: list[dict[str, Any]] | None = None) -> Event:
    """Create the draft event the reviewed notice describes: main venue (capacity, address), the
    branch venues its addressees ask for (`branches.plan`: provinces, plan cities, the XPCC, a
    province's prefectures, a city's counties) with the branch capacity, contacts, attachments,
    rehearsal window and contact, deadline, arrive-before minutes, approval flag, and the admission
    rules (adopted through huiwu.admission). `branches` is the list the organizer confirmed on the
    review page (dicts of branches.Planned, `keep` ones created); without it the regions of the plan
    are created and units that are not regions wait. Raises NoticeInvalid with what to correct."""
    ev = parsed.get("event") or {}
    starts = parse_moment(ev.get("starts_at"))
    ends = parse_moment(ev.get("ends_at"))
    if starts is None or len(str(ev.get("starts_at"))) <= 10:
        raise NoticeInvalid(_("请填写会议开始时间（日期和时刻）。"))
    if ends is None or ends <= starts:
        raise NoticeInvalid(_("请填写晚于开始时间的会议结束时间。"))
    title = (parsed.get("event_title") or event_name(parsed.get("title")) or "").strip()
    if not title:
        raise NoticeInvalid(_("请填写会议名称。"))
    main = parsed.get("main_venue") or {}
    branch = parsed.get("branch_venues") or {}
    main_capacity = main.get("capacity")
    if not main_capacity or int(main_capacity) <= 0:
        raise NoticeInvalid(_("请填写主会场人数上限（正整数）。"))
    if create_branches is None:
        create_branches = bool(branch.get("hosts")) or bool((parsed.get("format") or {}).get("main_and_branch"))
    if create_branches and (not branch.get("capacity") or int(branch["capacity"]) <= 0):
        raise NoticeInvalid(_("请填写每个分会场的人数上限（正整数），或不新建分会场。"))
    reh = parsed.get("rehearsal") or {}
    reh_start, reh_end = parse_moment(reh.get("starts_at")), parse_moment(reh.get("ends_at"))
    if reh_start and reh_end and reh_end <= reh_start:
        raise NoticeInvalid(_("视频调试的结束时间应晚于开始时间。"))
    if not (reh_start and reh_end):
        reh_start = reh_end = None  # the model keeps a window or nothing
    reg = parsed.get("registration") or {}
    contact = reh.get("contact") or {}
    issued = parsed.get("issued_on")
    event = Event.objects.create(
        slug=make_slug(title, _title_year(title) or starts.year),
        title=title[:200],
        doc_number=(parsed.get("doc_number") or "")[:80],
        issuer=(parsed.get("issuer") or "")[:120],
        issued_on=date.fromisoformat(issued) if issued else None,
        theme=(parsed.get("theme") or "")[:200],
        notice_text=notice_text,
        addressees="，".join(parsed.get("addressees") or []),  # i18n: data (stored as the notice writes it)
        starts_at=starts,
        ends_at=ends,
        registration_deadline=parse_moment(reg.get("deadline"), end_of_day=True),
        registration_email=reg.get("email") or "",
        rehearsal_starts_at=reh_start,
        rehearsal_ends_at=reh_end,
        rehearsal_contact_name=(contact.get("name") or "")[:40],
        rehearsal_contact_phone=(contact.get("phone") or "")[:40],
        arrive_before_minutes=int(main.get("arrive_before_minutes") or 0),
        # a notice that does not ask for local approval does not get one invented
        approval_required=bool(branch.get("approval_required")),
        attendee_categories=_categories(parsed, notice_text),
        status=Event.Status.DRAFT,
    )
    Venue.objects.create(
        event=event, kind=Venue.Kind.MAIN, code="main", name=_("主会场"),
        address=(main.get("name") or "")[:200], capacity=int(main_capacity), order=0,
        approval_status=Venue.Approval.APPROVED,
    )
    if not create_branches:
        branches = []
    else:
        if branches is None:
            from .branches import plan

            branches = [p.as_dict() for p in plan(parsed)]
            if not any(b["code"] for b in branches):  # no region at all: the units it names, to rename later
                branches = [{**b, "keep": True} for b in branches]
        branches = create_planned_venues(event, [b for b in branches if b.get("keep")], int(branch["capacity"]),
                                         actor=actor)
    for i, c in enumerate(parsed.get("contacts") or []):
        if not c.get("name"):
            continue
        EventContact.objects.create(event=event, name=c["name"][:40], org=(c.get("org") or "")[:120],
                                    phones=list(c.get("phones") or []), fax=(c.get("fax") or "")[:40], order=i)
    for i, name in enumerate(parsed.get("attachments") or [], start=1):
        title_ = re.sub(r"\.(?:docx?|xlsx?|wps|et|pdf|zip|rar)$", "", name.strip(), flags=re.I)
        EventAttachment.objects.create(event=event, title=title_[:200], template_kind=_attachment_kind(title_), order=i)
    rules = parsed.get("admission_rules") or []
    adopted = _adopt_rules(event, rules, actor)
    # an organizer bound to other events only must still reach the event they just created
    if actor is not None and not any(
        m.role == Role.ORGANIZER and m.event_id is None for m in Access.for_user(actor).memberships
    ):
        Membership.objects.get_or_create(user=actor, role=Role.ORGANIZER, event=event)
        if hasattr(actor, "_huiwu_access"):
            del actor._huiwu_access
    record("event.create", actor=actor, event=event, after={
        "slug": event.slug, "source": "notice", "branches": len(branches), "rules": adopted,
        "doc_number": event.doc_number,
    })
    return event


#: the demo event's notice, in our words with the seed's facts; its rules are the seed's six
DEMO_NOTICE = Path(__file__).resolve().parents[1] / "events" / "data" / "demo_notice.txt"


def demo_rules() -> list[dict[str, Any]]:
    """The demo notice's admission rules as the notice parser reads them (not a hand-made list)."""
    from .parser import parse

    return parse(DEMO_NOTICE.read_text(encoding="utf-8"))["admission_rules"]


def adopt_demo_rules(event: Event, actor: Any = None) -> int:
    """Give the demo event its notice's rules, once: not when it has rules, nor when an organizer
    has adopted or cleared rules before (an empty list is a choice too)."""
    from huiwu.audit.models import AuditEntry

    if AuditEntry.objects.filter(event=event, action="admission.rules_adopt").exists():
        return 0
    try:
        from huiwu.admission.models import AdmissionRule
    except ImportError:
        return 0
    if AdmissionRule.objects.filter(event=event).exists():
        return 0
    return _adopt_rules(event, demo_rules(), actor)


def create_planned_venues(event: Event, planned: list[dict[str, Any]], capacity: int, *,
                          actor: Any = None) -> list[Venue]:
    """Branch venues from a confirmed plan: a region's venue has its GB/T 2260 code and its region's
    unit (made on first use); a unit that is not a region gets a code from 900001 on (no region code
    starts with 9) and a unit of its name. One bulk insert; audited."""
    from huiwu.events.divisions import region_unit
    from huiwu.events.models import Unit

    taken = set(Venue.objects.filter(event=event).values_list("code", flat=True))
    spare = (f"{n:06d}" for n in range(900001, 1000000) if f"{n:06d}" not in taken)
    venues, seen_units = [], set()
    for order, p in enumerate(planned, start=1):
        code = str(p.get("code") or "")
        name = str(p.get("name") or "").strip()[:120]
        unit_name = str(p.get("unit") or "").strip()[:120]
        if code:
            if code in taken:
                continue
            unit = region_unit(code, name=unit_name)
        else:
            if not unit_name:
                continue
            unit = Unit.objects.filter(name=unit_name, region_code="").first() or Unit.objects.create(
                name=unit_name, kind=Unit.Kind.OTHER, order=2000)
            code = next(spare)
        if unit.pk in seen_units:
            continue
        seen_units.add(unit.pk)
        taken.add(code)
        venues.append(Venue(event=event, kind=Venue.Kind.BRANCH, code=code, host_unit=unit,
                            name=name or f"{unit.region_name or unit.name}分会场",  # i18n: data
                            capacity=capacity, order=order))
    Venue.objects.bulk_create(venues)
    record("venue.create_branches", actor=actor, event=event,
           after={"count": len(venues), "capacity": capacity, "codes": [v.code for v in venues][:50]})
    return venues


def _adopt_rules(event: Event, rules: list[dict[str, Any]], actor: Any) -> int:
    """Hand the parsed rules to the admission app (its adopt_rules validates them)."""
    if not rules:
        return 0
    try:
        from huiwu.admission.services import adopt_rules
    except ImportError:  # the admission app is not there: the rules stay in the notice only
        return 0
    return len(adopt_rules(event, rules, actor=actor, source="notice"))
