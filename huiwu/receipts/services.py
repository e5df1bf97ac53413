"""Receipts: validating, filing and changing who attends a venue — the only code that writes them.

Every channel (web form, API, uploaded file, e-mail) ends here, so the rules are the same
everywhere: text is NFKC-folded, phones become 11 digits, the deadline is the venue's
effective deadline (organizers may still change things, and that is audited), and capacity is
checked under the venue's database lock in the same transaction as the insert.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, IntegerField, Max, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huiwu.accounts.models import Invitation, Membership, Role
from huiwu.accounts.tenancy import Access
from huiwu.audit.services import entry, record, record_many
from huiwu.core.bulk import insert_objects, insert_rows, update_ids
from huiwu.core.dates import zone_label
from huiwu.core.errors import ApiError, CapacityFull, DeadlinePassed, DuplicatePerson, Invalid
from huiwu.core.mail import outbox_row, queue_mail, queue_mails
from huiwu.core.text import PhoneError, clean_name, fold, mask_mobile, normalize_mobile
from huiwu.events import categories
from huiwu.events.models import Event, Unit
from huiwu.events.services import check_filing_open, check_published, effective_deadline
from huiwu.venues.locking import events_under_share_lock, lock_venue, lock_venues
from huiwu.venues.models import Venue, VenueUnit

from .models import Attendee, DuplicateCase, Receipt, ReceiptDraft, TechContact

FIELDS = ("name", "unit", "position", "phone", "category")
FIELD_LABELS = {"name": gettext_lazy("姓名"), "unit": gettext_lazy("单位"), "position": gettext_lazy("职务"),
                "phone": gettext_lazy("手机"), "category": gettext_lazy("类别"), "email": gettext_lazy("邮箱")}
MAX_LEN = {"name": 40, "unit": 120, "position": 80}
MAX_ROWS = 500
#: the audit note of a change made by the organizer after the deadline: stored in the audit log
#: and looked up by this exact text, so it is the same whatever language the organizer reads
OVERRIDE_NOTE = "主办方在截止后修改"  # i18n: data


# -- validation ---------------------------------------------------------------------------------
def _category(value: Any, index: dict[str, str] | None) -> tuple[str, str | None]:
    """A typed category (its value or its label) as the value of one of the event's categories
    (`categories.index`); with no index, the text as typed, to be matched later (`_validate_rows`)."""
    text = fold(value)
    if not text:
        return categories.OTHER, None
    if index is None:
        return text, None
    if not index:  # the event names no categories
        return categories.OTHER, None
    found = index.get(text) or index.get(categories.key(text))
    if found:
        return found, None
    return categories.OTHER, _("类别“%(text)s”无法识别，请从列表中选择，或留空（记为“其他”）。") % {"text": text}


def validate_attendee(data: dict, event: Any = None) -> tuple[dict, list[dict]]:
    """Fold and check one attendee; returns (clean dict, [{"field", "message"}]) and never raises.

    name and unit are required; phone is optional but must be a CN mobile when given; the category
    is one of `event`'s (without an event, as typed: a reading process checks it later).
    """
    return _validate(data, categories.index(event) if event is not None else None)


def _validate(data: dict, index: dict[str, str] | None) -> tuple[dict, list[dict]]:
    """validate_attendee with the event's category index made once (a list validates many rows)."""
    data = data or {}
    errors: list[dict] = []
    name = clean_name(data.get("name"))
    unit = fold(data.get("unit"))
    position = fold(data.get("position"))
    if not name:
        errors.append({"field": "name", "message": _("请填写姓名。")})
    elif len(name) < 2:
        errors.append({"field": "name", "message": _("姓名“%(name)s”太短，请填写完整姓名。") % {"name": name}})
    if not unit:
        errors.append({"field": "unit", "message": _("请填写单位。")})
    for key, value in (("name", name), ("unit", unit), ("position", position)):
        if len(value) > MAX_LEN[key]:
            errors.append({"field": key, "message": ngettext(
                "%(label)s太长（%(n)d字），最多%(max)d字，请精简。", "%(label)s太长（%(n)d字），最多%(max)d字，请精简。",
                MAX_LEN[key]) % {"label": FIELD_LABELS[key], "n": len(value), "max": MAX_LEN[key]}})
    phone = ""
    if fold(data.get("phone")):
        try:
            phone = normalize_mobile(data.get("phone"))
        except PhoneError as exc:
            errors.append({"field": "phone", "message": str(exc)})
    category, cat_error = _category(data.get("category"), index)
    if cat_error:
        errors.append({"field": "category", "message": cat_error})
    clean = {"name": name, "unit": unit, "position": position, "phone": phone, "category": category}
    return clean, errors


def validate_tech_contact(data: dict | None) -> tuple[dict, list[dict]]:
    """The rehearsal contact needs a name and an 11-digit mobile (the seed asks for the mobile)."""
    data = data or {}
    errors: list[dict] = []
    name = clean_name(data.get("name"))
    email = fold(data.get("email"))
    if not name:
        errors.append({"field": "name", "message": _("请填写视频调试负责人的姓名。")})
    elif len(name) > MAX_LEN["name"]:
        errors.append({"field": "name", "message": ngettext("姓名太长，最多%(max)d字。", "姓名太长，最多%(max)d字。",
                                                            MAX_LEN["name"]) % {"max": MAX_LEN["name"]}})
    phone = ""
    try:
        phone = normalize_mobile(data.get("phone"))
    except PhoneError as exc:
        errors.append({"field": "phone", "message": _("视频调试负责人：%(error)s") % {"error": str(exc)}})
    if email and ("@" not in email or len(email) > 200 or " " in email):
        errors.append({"field": "email", "message": _("邮箱“%(email)s”格式不正确。") % {"email": email}})
    return {"name": name, "phone": phone, "email": email}, errors


def _fields_of(errors: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(e["field"], []).append(e["message"])
    return out


def _invalid(errors: list[dict]) -> Invalid:
    return Invalid("".join(e["message"] for e in errors), _fields_of(errors))


# -- who, when, how many ---------------------------------------------------------------------------
def is_organizer(actor: Any, event: Event) -> bool:
    return Access.for_user(actor).is_organizer(event)  # no memberships for None or anonymous


def format_deadline(venue: Venue, moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo(venue.event.time_zone or settings.TIME_ZONE))
    return _("%(year)d年%(month)d月%(day)d日 %(time)s") % {"year": local.year, "month": local.month, "day": local.day,
                                                        "time": f"{local:%H:%M}"}


def deadline_over(venue: Venue) -> bool:
    deadline = effective_deadline(venue)
    return deadline is not None and timezone.now() > deadline


def check_deadline(venue: Venue, actor: Any = None, *, what: str | None = None) -> bool:
    """Raise DeadlinePassed after the venue's effective deadline; organizers pass (returns True then).

    `what` names what is closed in the message (the receipt unless said). The caller records
    the override in its audit entry. Before that, the event itself must be open for filing
    (published: not a draft, not closed or archived), for organizers too (EventClosed).
    """
    check_filing_open(venue.event)
    deadline = effective_deadline(venue)
    if deadline is None or timezone.now() <= deadline:
        return False
    if is_organizer(actor, venue.event):
        return True
    raise DeadlinePassed(
        _("%(venue)s的%(what)s已于%(deadline)s（%(tz)s）截止，无法再提交或修改。如需延期，请联系主办方。")
        % {"venue": venue.name, "what": what or _("回执"), "deadline": format_deadline(venue, deadline),
           "tz": zone_label(venue.event.time_zone)}
    )


def filing_unit(venue: Venue, unit: Unit | None) -> Unit | None:
    """The unit whose list is filed: a branch's host unit; at the main venue an invited unit."""
    if venue.kind == Venue.Kind.BRANCH:
        if unit is not None and venue.host_unit_id and unit.pk != venue.host_unit_id:
            raise _invalid([{"field": "unit", "message": _("%(venue)s的回执只能由承办单位填报。") % {"venue": venue.name}}])
        return venue.host_unit
    if unit is None:
        raise _invalid([{"field": "unit", "message": _("主会场由各参会单位分别填报，请指明填报单位。")}])
    if unit.pk != venue.host_unit_id and not VenueUnit.objects.filter(venue=venue, unit=unit).exists():
        raise _invalid([{"field": "unit", "message": _("“%(unit)s”不在主会场的受邀单位中，请联系主办方。")
                         % {"unit": unit.name}}])
    return unit


def unit_for(actor: Any, venue: Venue, unit_id: int | None = None) -> Unit | None:
    """The unit an actor files for at this venue (main-venue units are bound to theirs)."""
    if venue.kind == Venue.Kind.BRANCH:
        return venue.host_unit
    allowed = Access.for_user(actor).unit_ids(venue.event, venue)
    if allowed is None:  # organizer (or coordinator): any invited unit
        if unit_id:
            unit = Unit.objects.filter(pk=unit_id).first()
            if unit is None:
                raise _invalid([{"field": "unit", "message": _("找不到该填报单位。")}])
            return unit
        return venue.host_unit
    if not allowed:
        raise PermissionDenied("venue.edit")
    if unit_id and unit_id not in allowed:
        raise PermissionDenied("venue.edit")
    return Unit.objects.get(pk=unit_id or sorted(allowed)[0])


def own_unit_ids(actor: Any, venue: Venue) -> set[int] | None:
    """The units whose lists a main-venue unit's people see; None = the whole venue (other roles)."""
    access = Access.for_user(actor)
    roles = access.roles(venue.event, venue)
    if roles and roles <= {Role.MAIN_UNIT}:
        return access.unit_ids(venue.event, venue) or set()
    return None


def unit_queryset(venue: Venue, unit: Unit | None):
    """The attendees a unit answers for: everyone at a branch, the unit's own list at the main venue."""
    qs = Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE)
    if venue.kind == Venue.Kind.MAIN:
        qs = qs.filter(filed_by_unit=unit)
    return qs


def _quota(venue: Venue, unit: Unit | None) -> int:
    if venue.kind != Venue.Kind.MAIN or unit is None:
        return 0
    return VenueUnit.objects.filter(venue=venue, unit=unit).values_list("quota", flat=True).first() or 0


def _check_room(venue: Venue, unit: Unit | None, others: int, new_total: int, quota: int) -> None:
    """The capacity rule once the counts are known: `others` filed by other units, `quota` the unit's (0: none)."""
    if others + new_total > venue.capacity:
        free = max(0, venue.capacity - others)
        if others:
            msg = ngettext("%(venue)s人数上限为%(cap)d人，其他单位已报%(others)d人，本单位最多还能报%(free)d人，"
                           "本次为%(n)d人。请删减后再提交。",
                           "%(venue)s人数上限为%(cap)d人，其他单位已报%(others)d人，本单位最多还能报%(free)d人，"
                           "本次为%(n)d人。请删减后再提交。", free)
        else:
            msg = ngettext("%(venue)s人数上限为%(cap)d人，本次为%(n)d人，超出%(over)d人。请删减后再提交。",
                           "%(venue)s人数上限为%(cap)d人，本次为%(n)d人，超出%(over)d人。请删减后再提交。",
                           new_total - venue.capacity)
        raise CapacityFull(msg % {"venue": venue.name, "cap": venue.capacity, "others": others, "free": free,
                                  "n": new_total, "over": new_total - venue.capacity})
    if quota and new_total > quota:
        raise CapacityFull(ngettext(
            "本单位在%(venue)s的名额为%(quota)d人，本次为%(n)d人。请删减后再提交，或联系主办方调整名额。",
            "本单位在%(venue)s的名额为%(quota)d人，本次为%(n)d人。请删减后再提交，或联系主办方调整名额。", quota)
            % {"venue": venue.name, "quota": quota, "n": new_total})


# -- results ----------------------------------------------------------------------------------------
@dataclass
class SubmitResult:
    """What a filing did: status accepted|rejected, the new version, row errors, warnings, diff."""

    status: str
    receipt: Receipt | None = None
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diff: dict = field(default_factory=lambda: {"added": [], "removed": [], "changed": []})
    attendees: list[dict] = field(default_factory=list)
    tech_contact: dict | None = None
    #: True when this call wrote a new version (not a dry run, not the same file again)
    created: bool = False

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


def person_key(row: dict) -> tuple[str, str]:
    return (row.get("name", ""), row.get("phone", ""))


def compute_diff(before: list[dict], after: list[dict]) -> dict:
    """Who was added, removed, or changed (same name and mobile, other unit/position/category)."""
    old = {person_key(r): r for r in before}
    new = {person_key(r): r for r in after}
    strip = lambda r: {k: r.get(k, "") for k in FIELDS}  # noqa: E731
    added = [strip(r) for k, r in new.items() if k not in old]
    removed = [strip(r) for k, r in old.items() if k not in new]
    changed = []
    for k, r in new.items():
        if k in old:
            delta = {f: [old[k].get(f, ""), r.get(f, "")] for f in ("unit", "position", "category")
                     if old[k].get(f, "") != r.get(f, "")}
            if delta:
                changed.append({"name": r["name"], "phone": r["phone"], "changes": delta})
    return {"added": added, "removed": removed, "changed": changed}


def attendee_dict(a: Attendee, *, show_phone: bool = True) -> dict:
    return {"id": a.pk, "name": a.name, "unit": a.unit, "position": a.position,
            "phone": a.phone if show_phone else mask_mobile(a.phone), "category": a.category}


def duplicate_message(people: list[tuple[int | None, str, str]]) -> str:
    """The refusal of people already on another list of the event: (row or None, name, mobile) each.

    It names the filer's own people only (row, name, masked mobile), never who else stands on the
    other list or which venue that is, and says what to do."""
    who = _("、").join((row_ref(i) + " " if i else "") + _("%(name)s（%(phone)s）")
                       % {"name": name, "phone": mask_mobile(phone)} for i, name, phone in people)
    return ngettext(
        "%(who)s已在本次会议的其他会场（或由其他单位）报名，同一人只能在一个会场参会。请从名单中删去此人后重新提交；"
        "如确需在本会场参会，请联系主办方核实放行。",
        "%(who)s已在本次会议的其他会场（或由其他单位）报名，同一人只能在一个会场参会。请从名单中删去这些人后重新提交；"
        "如确需在本会场参会，请联系主办方核实放行。", len(people)) % {"who": who}


def allowed_people(event_ids: set[int], venue_ids: set[int], names: set[str]) -> set[tuple[int, str, str]]:
    """(venue id, name, mobile) of the people the organizer allowed at a second venue."""
    if not names:
        return set()
    return set(DuplicateCase.objects.filter(event_id__in=event_ids, venue_id__in=venue_ids, name__in=names,
                                            allowed_at__isnull=False).values_list("venue_id", "name", "phone"))


def record_refusals(venue: Venue, unit: Unit | None, people: list[tuple[str, str, int | None]], actor: Any) -> None:
    """Keep each refused (name, mobile, venue id where they stand) for the organizer's duplicates report."""
    now = timezone.now()
    for name, phone, first_venue_id in people:
        case, created = DuplicateCase.objects.get_or_create(
            event_id=venue.event_id, name=name, phone=phone, venue=venue,
            defaults={"unit": unit, "first_venue_id": first_venue_id, "last_refused_at": now})
        if not created:
            DuplicateCase.objects.filter(pk=case.pk).update(attempts=F("attempts") + 1, last_refused_at=now,
                                                            first_venue_id=first_venue_id)
    record("attendee.duplicate_refused", actor=actor, event=venue.event, venue=venue,
           after={"people": [{"name": n, "phone": mask_mobile(p)} for n, p, _v in people]})


def check_not_elsewhere(venue: Venue, unit: Unit | None, people: list[dict], *, actor: Any = None,
                        exclude_ids: tuple[int, ...] = ()) -> None:
    """Refuse (409 duplicate_person) people who stand on another list of the event: another venue,
    or another unit's list at the main venue. The one-person paths (API, editing) call this; whole
    lists are checked by the batch (_Book) with what it has read already."""
    clash = clashes(venue, unit, people, exclude_ids=exclude_ids)
    if clash:
        record_refusals(venue, unit, [(r["name"], r["phone"], v) for _i, r, v in clash], actor)
        raise DuplicatePerson(duplicate_message([(None, r["name"], r["phone"]) for _i, r, _v in clash]),
                              {"name": [_("此人已在本次会议的其他会场报名。")]})


def clashes(venue: Venue, unit: Unit | None, people: list[dict], *,
            exclude_ids: tuple[int, ...] = ()) -> list[tuple[int, dict, int]]:
    """(1-based row, row, venue id where they stand) of the people already on another list of the
    event and not allowed here by the organizer; one query (two when someone is found)."""
    with_phone = [p for p in people if p.get("phone")]
    if not with_phone:
        return []
    names = {p["name"] for p in with_phone}
    found = {(n, ph): v for n, ph, v in Attendee.objects.filter(
        event_id=venue.event_id, status=Attendee.Status.ACTIVE, name__in=names)
        .exclude(pk__in=unit_queryset(venue, unit).values("pk")).exclude(pk__in=exclude_ids)
        .values_list("name", "phone", "venue_id")}
    if not found:
        return []
    allowed = allowed_people({venue.event_id}, {venue.pk}, names)
    return [(i, p, found[person_key(p)]) for i, p in enumerate(people, start=1)
            if p.get("phone") and person_key(p) in found and (venue.pk, p["name"], p["phone"]) not in allowed]


def allow_duplicate(case: DuplicateCase, *, actor: Any = None, note: str = "") -> DuplicateCase:
    """The organizer checked the case and lets this person stand on this venue's list too (audited)."""
    case.allowed_at, case.allowed_by, case.note = timezone.now(), actor, (note or "")[:200]
    case.save(update_fields=["allowed_at", "allowed_by", "note"])
    record("attendee.duplicate_allowed", actor=actor, event=case.event, venue=case.venue, obj=case,
           after={"name": case.name, "phone": mask_mobile(case.phone), "note": case.note})
    return case


def revoke_duplicate(case: DuplicateCase, *, actor: Any = None) -> DuplicateCase:
    """Take an allowance back; people already filed stay, the next filing is judged again (audited)."""
    before = case.allowed_at
    case.allowed_at, case.allowed_by = None, None
    case.save(update_fields=["allowed_at", "allowed_by"])
    record("attendee.duplicate_revoked", actor=actor, event=case.event, venue=case.venue, obj=case,
           before={"allowed_at": before.isoformat() if before else None},
           after={"name": case.name, "phone": mask_mobile(case.phone)})
    return case


def duplicates_report(event: Event) -> dict[str, list]:
    """For the organizer: refused cases (with the venue they stand on) and people standing on two
    lists now (allowed, or filed before the rule); plain dicts, full names and mobiles."""
    cases = list(DuplicateCase.objects.filter(event=event).select_related("venue", "first_venue", "unit", "allowed_by")
                 .order_by("allowed_at", "-last_refused_at", "-id"))
    rows = (Attendee.objects.filter(event=event, status=Attendee.Status.ACTIVE).exclude(phone="")
            .values("name", "phone").annotate(n=Count("id")).filter(n__gt=1).order_by("name", "phone"))
    keys = [(r["name"], r["phone"]) for r in rows]
    standing: dict[tuple[str, str], list[str]] = {}
    if keys:
        q = Q()
        for name, phone in keys:
            q |= Q(name=name, phone=phone)
        for a in (Attendee.objects.filter(q, event=event, status=Attendee.Status.ACTIVE)
                  .select_related("venue", "filed_by_unit").order_by("venue__order", "id")):
            where = a.venue.name + (f"·{a.filed_by_unit.name}" if a.venue.kind == Venue.Kind.MAIN and a.filed_by_unit else "")
            standing.setdefault(person_key({"name": a.name, "phone": a.phone}), []).append(where)
    return {"cases": cases, "standing": [{"name": n, "phone": p, "where": standing.get((n, p), [])} for n, p in keys]}


def shared_people(event: Event) -> dict[int, int]:
    """Per venue, how many of its people (name + mobile) stand on an earlier list of the event (in
    the official order; at the main venue, another unit's list): a total that subtracts these
    counts each person once. One grouped query, and a second only when someone is on two lists."""
    active = Attendee.objects.filter(event=event, status=Attendee.Status.ACTIVE).exclude(phone="")
    twice = list(active.order_by().values("name", "phone").annotate(n=Count("id")).filter(n__gt=1)
                 .values_list("name", "phone"))
    if not twice:
        return {}
    q = Q()
    for name, phone in twice:
        q |= Q(name=name, phone=phone)
    seen: set[tuple[str, str]] = set()
    out: dict[int, int] = {}
    for venue_id, name, phone in active.filter(q).order_by("venue__order", "venue_id", "id").values_list(
            "venue_id", "name", "phone"):
        if (name, phone) in seen:
            out[venue_id] = out.get(venue_id, 0) + 1
        seen.add((name, phone))
    return out


@dataclass(frozen=True, slots=True)
class FilingState:
    """How far one venue has filed: its latest receipt, and at the main venue how many of the units
    confirmed now have filed their own list."""

    version: int | None
    at: datetime | None
    kind: str
    units_filed: int = 0
    units_confirmed: int = 0

    @property
    def filed(self) -> bool:
        """A branch is filed with its first receipt; the main venue only when every unit confirmed
        for it has filed (one unit's receipt does not file the others')."""
        if self.version is None:
            return False
        return self.kind != Venue.Kind.MAIN or self.units_filed >= self.units_confirmed

    @property
    def partly_filed(self) -> bool:
        """The main venue with some, not all, confirmed units filed."""
        return self.version is not None and not self.filed


def filing_states(event: Event) -> dict[int, FilingState]:
    """Per venue with at least one receipt, how far it has filed: the one rule the overview, the
    attendance report and anyone else counting filed venues share. A unit dropped from the main venue
    after filing counts for nobody (only units confirmed now are counted). Two grouped queries."""
    confirmed_now = Q(unit__venue_invitations__venue_id=F("venue_id"))
    receipts = (
        Receipt.objects.filter(venue__event=event).order_by().values("venue_id", "venue__kind")
        .annotate(v=Max("version"), at=Max("submitted_at"),
                  units=Count("unit_id", distinct=True, filter=confirmed_now))
        .values_list("venue_id", "venue__kind", "v", "at", "units")
    )
    confirmed = dict(VenueUnit.objects.filter(venue__event=event, venue__kind=Venue.Kind.MAIN).order_by()
                     .values("venue_id").annotate(n=Count("id")).values_list("venue_id", "n"))
    return {vid: FilingState(version=v, at=at, kind=kind, units_filed=units, units_confirmed=confirmed.get(vid, 0))
            for vid, kind, v, at, units in receipts}


def _combined(problems: list[ApiError]) -> ApiError:
    """Several reasons to refuse one filing, said together (the first one's code)."""
    if len(problems) == 1:
        return problems[0]
    first = problems[0]
    fields: dict[str, list[str]] = {}
    for p in problems:
        for k, v in p.fields.items():
            fields.setdefault(k, []).extend(v)
    return ApiError(first.code, "".join(p.message for p in problems), first.status, fields)


# -- filing a whole receipt -------------------------------------------------------------------------
def row_ref(i: int) -> str:
    """“第3行”: how a message names a row of the list; the importer finds these words again (in
    the reader's language) to say the file's row instead, so every message says a row this way."""
    return _("第%(row)d行") % {"row": i}


def _validate_rows(attendees: list[dict], event: Any, checked: list | None = None) -> tuple[list[dict], list[dict]]:
    """Validate every row, and find the same person twice. `checked[i]`, when given and not
    None, is validate_attendee(attendees[i]) done already (a batch import does it while reading,
    without the event: its category is matched to the event's here)."""
    clean_rows, errors = [], []
    if len(attendees) > MAX_ROWS:
        return [], [{"row": None, "field": "attendees", "message": ngettext(
            "名单超过%(max)d行，请检查文件。", "名单超过%(max)d行，请检查文件。", MAX_ROWS) % {"max": MAX_ROWS}}]
    seen: dict[tuple[str, str], int] = {}
    index = categories.index(event)
    for i, data in enumerate(attendees, start=1):
        read = checked[i - 1] if checked is not None else None
        if read is None:
            clean, errs = _validate(data, index)
        else:
            clean, errs = dict(read[0]), list(read[1])
            clean["category"], cat_error = _category(clean["category"], index)
            if cat_error:
                errs.append({"field": "category", "message": cat_error})
        errors.extend({"row": i, **e} for e in errs)
        if not errs:
            key = person_key(clean)
            if key in seen:
                errors.append({"row": i, "field": "name",
                               "message": _("%(name)s与%(row)s重复（同名同手机号），请删除其中一行。")
                               % {"name": clean["name"], "row": row_ref(seen[key])}})
            seen.setdefault(key, i)
        clean_rows.append(clean)
    return clean_rows, errors


def missing_contact_note(*, kept: bool = True) -> str:
    """What a branch's filing without a rehearsal contact is told, once: the list is kept and the
    contact still due, or (the filing refused for something else) to add the contact when filing again."""
    if kept:
        return _("缺视频调试负责人：名单已收下，请尽快补报其姓名和手机（网页、接口或回复邮件均可）。")
    return _("缺视频调试负责人：重新提交时请一并填写其姓名和手机。")


@dataclass
class Filing:
    """One unit's full list, checked and ready for `file_receipts` (alone or in a batch).

    `prepare_filing` makes it; `pending` is False when nothing is left to do (row errors, or the
    same file filed already): `result` says so. A passed deadline or a full venue is `error`.
    """

    venue: Venue
    unit: Unit | None
    rows: list[dict]
    tech_contact: dict | None
    channel: str
    actor: Any
    result: SubmitResult
    override: bool = False
    source_file: Any = None
    source_sha256: str = ""
    dry_run: bool = False
    pending: bool = True
    error: ApiError | None = None


def prepare_filing(
    venue: Venue,
    *,
    unit: Unit | None = None,
    attendees: list[dict],
    tech_contact: dict | None,
    channel: str,
    actor: Any = None,
    source_file: Any = None,
    source_sha256: str = "",
    file_checked: bool = False,
    dry_run: bool = False,
    checked: list | None = None,
) -> Filing:
    """Everything about a filing that needs no lock: the unit, the rows, the contact, the deadline.

    Pure but for the deadline's organizer check and the same-file lookup, so a batch of files
    can prepare each filing on its own and file them together.
    """
    def done(result: SubmitResult, *, error: ApiError | None = None) -> Filing:
        return Filing(venue, unit, [], None, channel, actor, result, pending=False, error=error)

    try:
        unit = filing_unit(venue, unit)
    except Invalid as exc:
        return done(SubmitResult("rejected", errors=[{"row": None, "field": "unit", "message": exc.message}]))
    if channel not in Receipt.Channel.values:
        return done(SubmitResult("rejected", errors=[{"row": None, "field": "channel",
                                                      "message": _("未知的填报渠道“%(channel)s”。")
                                                      % {"channel": channel}}]))
    # the same file as the last version: nothing to do (a caller that has already looked for this
    # file among all versions, as the importer does, says so with file_checked and saves the query)
    latest = None
    if source_sha256 and not file_checked:
        latest = Receipt.objects.filter(venue=venue, unit=unit).order_by("-version").first()
    if latest is not None and latest.source_sha256 == source_sha256:
        return done(SubmitResult("accepted", receipt=latest, warnings=[_("相同文件已导入，未作更改。")],
                                 attendees=latest.snapshot.get("attendees", []),
                                 tech_contact=latest.snapshot.get("tech_contact")))
    clean_rows, errors = _validate_rows(list(attendees or []), venue.event, checked)
    if not attendees and not errors:
        errors.append({"row": None, "field": "attendees", "message": _("回执中没有参会人员，请至少填写一人。")})
    tc_clean = None
    if tech_contact and any(fold(v) for v in tech_contact.values()):
        tc_clean, tc_errors = validate_tech_contact(tech_contact)
        errors.extend({"row": None, "field": f"tech_contact.{e['field']}", "message": e["message"]} for e in tc_errors)
    result = SubmitResult("rejected", errors=errors, attendees=clean_rows, tech_contact=tc_clean)
    if errors:  # say every problem at once: the contact still due, a list too long for the venue
        if tc_clean is None and venue.kind == Venue.Kind.BRANCH and not TechContact.objects.filter(venue=venue).exists():
            result.warnings.append(missing_contact_note(kept=False))
        room = _room_problem(venue, unit, len(clean_rows))
        if room:
            errors.append({"row": None, "field": "attendees", "message": room})
        bad = {e["row"] for e in errors if e.get("row")}
        errors.extend({"row": i, "field": "name", "message": duplicate_message([(i, r["name"], r["phone"])])}
                      for i, r, _v in clashes(venue, unit, clean_rows) if i not in bad)
    try:
        override = check_deadline(venue, actor)
    except DeadlinePassed as exc:
        return done(result, error=exc)
    return Filing(venue, unit, clean_rows, tc_clean, channel, actor, result, override=override,
                  source_file=source_file, source_sha256=source_sha256, dry_run=dry_run, pending=not errors)


def _room_problem(venue: Venue, unit: Unit | None, n: int) -> str:
    """The capacity rule without the lock, for a filing refused already (so it is said with the rest)."""
    if n <= 0:
        return ""
    others = Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE).exclude(
        pk__in=unit_queryset(venue, unit).values("pk")).count() if venue.kind == Venue.Kind.MAIN else 0
    try:
        _check_room(venue, unit, others, n, _quota(venue, unit))
    except CapacityFull as exc:
        return exc.message
    return ""


def submit_receipt(venue: Venue, **options: Any) -> SubmitResult:
    """File a unit's FULL list of attendees at a venue as a new receipt version.

    Options are prepare_filing's. Row problems come back as `errors` (row = 1-based index in
    `attendees`) with status "rejected" and nothing written; a passed deadline or a full venue
    raise DeadlinePassed / CapacityFull. Unchanged people keep their ids (matched on name +
    mobile). The diff is taken against the unit's list as it stands (the last version plus any
    single changes made since), so it says exactly what this filing changes. The same source
    file filed twice is a no-op. `dry_run` checks everything and writes nothing.
    """
    filing = prepare_filing(venue, **options)
    file_receipts([filing])
    if filing.error is not None:
        raise filing.error
    return filing.result


def file_receipts(filings: list[Filing]) -> None:
    """File prepared filings in one transaction: each gets its `result` (or `error`).

    The venues are locked together (in id order), their lists read once, each filing applied
    in memory in the given order (a batch may file one venue several times: each version is
    judged against the one before), and everything written in a few bulk statements. One
    filing's refusal (venue full, no contact) never holds back another's.
    """
    todo = [f for f in filings if f.pending]
    if not todo:
        return
    with transaction.atomic():
        lock_venues({f.venue.pk for f in todo if not f.dry_run})
        now = events_under_share_lock({f.venue.event_id for f in todo if not f.dry_run})
        for f in todo:  # the event's status again, under the lock (unpublished or closed meanwhile)
            if f.venue.event_id in now:
                try:
                    check_filing_open(now[f.venue.event_id])
                except ApiError as exc:
                    f.error = exc
        todo = [f for f in todo if f.error is None]
        book = _Book(todo)
        for f in todo:
            try:
                book.file(f)
            except ApiError as exc:
                f.error = exc
        book.write()


_ROW_VALUES = ("id", *FIELDS, "order")


class _Book:
    """The venues' active lists, read once under the lock and then kept in memory.

    Each list is keyed (venue id, unit id at the main venue, else None) and holds plain dicts
    (id, the FIELDS, order); people added by an earlier filing of the same batch have no id yet
    and carry the row to insert as "_new" until `write`. `where` maps (name, mobile) to the lists a person
    stands on with their venue's name: the duplicate warning looks there.
    """

    def __init__(self, filings: list[Filing]):
        venues = {f.venue.pk: f.venue for f in filings}
        names = {r["name"] for f in filings for r in f.rows if r["phone"]}
        wanted = Q(venue_id__in=venues)
        if names:
            wanted |= Q(event_id__in={v.event_id for v in venues.values()}, name__in=names)
        self.lists: dict[tuple[int, int | None], list[dict]] = {}
        self.where: dict[tuple[str, str], dict[tuple[int, int | None], str]] = {}
        found = (Attendee.objects.filter(wanted, status=Attendee.Status.ACTIVE).order_by("venue_id", "order", "id")
                 .values(*_ROW_VALUES, "venue_id", "filed_by_unit_id", "venue__name"))
        for a in found:
            venue = venues.get(a["venue_id"])
            key = (a["venue_id"], None if venue is not None and venue.kind == Venue.Kind.BRANCH else a["filed_by_unit_id"])
            if venue is not None:
                self.lists.setdefault(key, []).append(a)
            self.where.setdefault(person_key(a), {})[key] = a["venue__name"]
        self.versions = {(r["venue_id"], r["unit_id"]): r["v"] for r in Receipt.objects.filter(venue_id__in=venues)
                         .order_by().values("venue_id", "unit_id").annotate(v=Max("version"))}
        self.stored_contacts = {c["venue_id"]: c for c in TechContact.objects.filter(venue_id__in=venues)
                                .values("id", "venue_id", "name", "phone", "email")}
        self.contacts = dict(self.stored_contacts)
        self.allowed = allowed_people({v.event_id for v in venues.values()}, set(venues), names)
        self.refused: list[tuple[Filing, list[tuple[str, str, int | None]]]] = []
        mains = [pk for pk, v in venues.items() if v.kind == Venue.Kind.MAIN]
        self.quotas = {(v, u): q for v, u, q in VenueUnit.objects.filter(venue_id__in=mains, quota__gt=0)
                       .values_list("venue_id", "unit_id", "quota")} if mains else {}
        self.now = timezone.now()
        self.updates: dict[int, Attendee] = {}
        self.gone: set[int] = set()
        self.new: list[dict] = []
        self.contact_writes: dict[int, dict] = {}
        self.filed: list[tuple[Filing, Receipt, list[dict]]] = []

    def file(self, f: Filing) -> None:
        """Apply one filing to the lists in memory (or only judge it, for a dry run)."""
        venue, unit, rows, result = f.venue, f.unit, f.rows, f.result
        key = (venue.pk, unit.pk if venue.kind == Venue.Kind.MAIN and unit is not None else None)
        contact = f.tech_contact
        if contact is None:
            have = self.contacts.get(venue.pk)
            contact = {"name": have["name"], "phone": have["phone"]} if have else None
        own = self.lists.get(key, [])
        others = sum(len(people) for k, people in self.lists.items() if k[0] == venue.pk and k != key)
        problems: list[ApiError] = []
        try:
            _check_room(venue, unit, others, len(rows), self.quotas.get(key, 0))
        except CapacityFull as exc:
            problems.append(exc)
        clash: list[tuple[int, dict, int]] = []
        for i, r in enumerate(rows, start=1):
            if r["phone"] and (venue.pk, r["name"], r["phone"]) not in self.allowed:
                elsewhere = next((k for k in self.where.get(person_key(r), {}) if k != key), None)
                if elsewhere is not None:
                    clash.append((i, r, elsewhere[0]))
        if clash:
            problems.append(DuplicatePerson(duplicate_message([(i, r["name"], r["phone"]) for i, r, _v in clash]),
                                            {"attendees": [_("有人已在本次会议的其他会场报名。")]}))
            if not f.dry_run:
                self.refused.append((f, [(r["name"], r["phone"], v) for _i, r, v in clash]))
        if contact is None and venue.kind == Venue.Kind.BRANCH:  # kept as filed; the venue shows what is missing
            result.warnings.append(missing_contact_note(kept=not problems))
        if problems:
            raise _combined(problems)
        result.diff = compute_diff(own, rows)
        if f.dry_run:
            result.status = "accepted"
            return
        listed = self._replace(venue, unit, key, own, rows)
        if f.tech_contact:
            self.contact_writes[venue.pk] = self.contacts[venue.pk] = f.tech_contact
            contact = {"name": f.tech_contact["name"], "phone": f.tech_contact["phone"]}
        version_key = (venue.pk, unit.pk if unit is not None else None)
        version = self.versions[version_key] = self.versions.get(version_key, 0) + 1
        receipt = Receipt(venue=venue, unit=unit, version=version, channel=f.channel, source_sha256=f.source_sha256,
                          submitted_by=f.actor if getattr(f.actor, "is_authenticated", False) else None,
                          snapshot={"attendees": [], "tech_contact": contact}, diff=result.diff)
        self.filed.append((f, receipt, listed))

    def _replace(self, venue: Venue, unit: Unit | None, key: tuple, own: list[dict], rows: list[dict]) -> list[dict]:
        """Make the list `key` equal `rows`: the same name + mobile keeps its id (changed details
        become an UPDATE), people no longer listed are withdrawn, new ones wait for one INSERT."""
        by_person = {person_key(a): a for a in own}
        used: set[int] = set()
        listed: list[dict] = []
        for order, row in enumerate(rows, start=1):
            a = by_person.get(person_key(row))
            if a is not None and id(a) not in used:
                used.add(id(a))
                if a["order"] != order or any(a[k] != row[k] for k in ("unit", "position", "category")):
                    if a["id"] is None:
                        a["_new"].update(row, order=order)
                    else:
                        self.updates[a["id"]] = Attendee(pk=a["id"], unit=row["unit"], position=row["position"],
                                                         category=row["category"], order=order, updated_at=self.now)
                    a = {**a, **row, "order": order}
                listed.append(a)
            else:
                new = {"event_id": venue.event_id, "venue_id": venue.pk, "filed_by_unit_id": unit.pk if unit else None,
                       **row, "status": Attendee.Status.ACTIVE, "order": order}
                self.new.append(new)
                listed.append({"id": None, **row, "order": order, "_new": new})
        for a in own:
            if id(a) not in used:
                if a["id"] is None:
                    a["_new"]["status"] = Attendee.Status.WITHDRAWN  # added earlier in this batch, gone again
                else:
                    self.gone.add(a["id"])
                    self.updates.pop(a["id"], None)
                self.where.get(person_key(a), {}).pop(key, None)
        for a in listed:
            self.where.setdefault(person_key(a), {})[key] = venue.name
        self.lists[key] = listed
        return listed

    def write(self) -> None:
        """The batch's changes in a handful of statements, whatever the number of filings."""
        for f, people in self.refused:
            record_refusals(f.venue, f.unit, people, f.actor)
        if self.updates:
            Attendee.objects.bulk_update(list(self.updates.values()), ["unit", "position", "category", "order", "updated_at"])
        if self.gone:
            update_ids(Attendee, self.gone, status=Attendee.Status.WITHDRAWN, updated_at=self.now)
        if self.new:
            _insert_people(self.new, self.now)
        added = []
        for venue_id, clean in self.contact_writes.items():  # the last contact filed for each venue
            values = {"name": clean["name"], "phone": clean["phone"], "email": clean.get("email", "")}
            old = self.stored_contacts.get(venue_id)
            if old is None:
                added.append(TechContact(venue_id=venue_id, **values))
            elif any(old[k] != v for k, v in values.items()):
                TechContact.objects.filter(pk=old["id"]).update(**values, updated_at=self.now)
        if added:
            TechContact.objects.bulk_create(added)
        if not self.filed:
            return
        receipts = []
        for f, receipt, listed in self.filed:
            kept = [{"id": a["id"] if a["id"] is not None else a["_new"]["id"], **{k: a[k] for k in FIELDS}} for a in listed]
            receipt.snapshot["attendees"] = kept
            if f.source_file is not None:
                receipt.source_file.save(getattr(f.source_file, "name", "") or f"receipt-{f.venue.code}",
                                         f.source_file, save=False)
            f.result.status, f.result.receipt, f.result.attendees, f.result.created = "accepted", receipt, kept, True
            receipts.append(receipt)
        insert_objects(receipts)
        record_many([entry(
            "receipt.submit", actor=f.actor, event=f.venue.event, venue=f.venue, obj=r,
            after={"version": r.version, "channel": r.channel, "attendees": len(r.snapshot["attendees"]),
                   "added": len(r.diff["added"]), "removed": len(r.diff["removed"]),
                   "changed": len(r.diff["changed"]), "unit": r.unit.name if r.unit else ""},
            note=OVERRIDE_NOTE if f.override else "") for f, r, _listed in self.filed])
        notify_receipts([(r, f.actor) for f, r, _listed in self.filed])


_NEW_PERSON = ("event_id", "venue_id", "filed_by_unit_id", *FIELDS, "status", "order")


def _insert_people(rows: list[dict], now: datetime) -> None:
    """Insert new people (dicts of _NEW_PERSON) in one go and write their ids into the dicts
    (plain values: 30,000 Attendee instances would cost more than the insert)."""
    ids = insert_rows(Attendee, (*_NEW_PERSON, "created_at", "updated_at"),
                      [(*(row[k] for k in _NEW_PERSON), now, now) for row in rows])
    for row, pk in zip(rows, ids, strict=True):
        row["id"] = pk


def _save_tech_contact(venue: Venue, clean: dict) -> TechContact:
    tc, _created = TechContact.objects.update_or_create(
        venue=venue, defaults={"name": clean["name"], "phone": clean["phone"], "email": clean.get("email", "")}
    )
    return tc


# -- one attendee at a time (API, web editing) ---------------------------------------------------
def _insert_attendee(venue: Venue, unit: Unit | None, clean: dict, *, check_room: bool) -> Attendee:
    """Count, duplicate check and next position in one query, then the insert."""
    from django.db.models import Count

    active = Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE)
    agg = active.aggregate(
        total=Count("id"), dup=Count("id", filter=Q(name=clean["name"], phone=clean["phone"])),
        mine=Count("id", filter=Q(filed_by_unit=unit)), last=Max("order"),
    )
    if check_room:
        _check_one_more(venue, unit, agg["total"], agg["mine"] if venue.kind == Venue.Kind.MAIN else None)
    if agg["dup"]:
        raise _invalid([{"field": "name", "message": _("%(name)s已在本会场名单中，无需重复添加。") % {"name": clean["name"]}}])
    return Attendee.objects.create(event_id=venue.event_id, venue=venue, filed_by_unit=unit,
                                   order=(agg["last"] or 0) + 1, **clean)


def _check_one_more(venue: Venue, unit: Unit | None, total: int, unit_count: int | None) -> None:
    """Capacity for one more person: the venue total, and the unit's quota at the main venue."""
    if total >= venue.capacity:
        raise CapacityFull(ngettext("%(venue)s已满：人数上限为%(cap)d人，已报%(n)d人。如需更换人员，请先删除一人再添加。",
                                    "%(venue)s已满：人数上限为%(cap)d人，已报%(n)d人。如需更换人员，请先删除一人再添加。",
                                    total) % {"venue": venue.name, "cap": venue.capacity, "n": total})
    quota = _quota(venue, unit)
    if quota and unit_count is not None and unit_count >= quota:
        raise CapacityFull(ngettext("本单位在%(venue)s的名额为%(quota)d人，已报满。请先删除一人再添加，或联系主办方调整名额。",
                                    "本单位在%(venue)s的名额为%(quota)d人，已报满。请先删除一人再添加，或联系主办方调整名额。",
                                    quota) % {"venue": venue.name, "quota": quota})


def add_attendee(venue: Venue, data: dict, *, unit: Unit | None = None, actor: Any = None,
                 channel: str = "api") -> Attendee:
    """Add one person: the capacity-critical path (lock the venue, count, insert, one transaction).

    With settings.HUIWU_CAPACITY_LOCK off (tests only) the count runs in its own transaction
    before the insert, which is the race the lock exists to remove.
    """
    clean, errors = validate_attendee(data, venue.event)
    if errors:
        raise _invalid(errors)
    unit = filing_unit(venue, unit)
    override = check_deadline(venue, actor)
    check_not_elsewhere(venue, unit, [clean], actor=actor)
    if getattr(settings, "HUIWU_CAPACITY_LOCK", True):
        with transaction.atomic():
            lock_venue(venue.pk)
            attendee = _insert_attendee(venue, unit, clean, check_room=True)
            _after_change("attendee.create", attendee, actor, override, after=attendee_dict(attendee), channel=channel)
    else:
        total = Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE).count()
        current = unit_queryset(venue, unit).count() if venue.kind == Venue.Kind.MAIN else None
        _check_one_more(venue, unit, total, current)
        with transaction.atomic():
            attendee = _insert_attendee(venue, unit, clean, check_room=False)
            _after_change("attendee.create", attendee, actor, override, after=attendee_dict(attendee), channel=channel)
    attendee.warnings = []
    return attendee


def _name_typo(old: str, new: str) -> bool:
    """Whether `new` corrects a slip in `old`: at most one character added, dropped or changed
    (two for names longer than four characters, e.g. 阿依古丽·买买提)."""
    if old == new:
        return True
    most = 1 if max(len(old), len(new)) <= 4 else 2
    if abs(len(old) - len(new)) > most:
        return False
    row = list(range(len(new) + 1))
    for i, a in enumerate(old, start=1):
        prev, row[0] = row[0], i
        for j, b in enumerate(new, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (a != b))
    return row[-1] <= most


class IdentityChange(ApiError):
    def __init__(self, message: str):
        super().__init__("identity_change", message, 409)


def check_same_person(before: dict, after: dict) -> None:
    """Refuse an edit that turns one person into another (issue 14.2).

    An attendee's id carries their personal declaration link, their declaration and their
    check-in code; a different person must not inherit them (the newcomer would show as eligible
    without declaring). So an edit is a correction only when it is plainly the same person: the
    mobile is unchanged and the name differs by a slip (one character; two for long names), or
    the name is unchanged and the mobile is corrected (a new number, a typo). A change of both,
    or a wholly other name, is refused with 409 `identity_change` saying to replace instead
    (admission's 更换人员 for someone not eligible, else remove and add): that path gives the
    newcomer a new link and no declaration and keeps the old person in the history. Refused
    rather than replaced silently, because a PATCH keeps the resource's id and a client must see
    that the person (and the id) changes. The filing pages already work this way: a list row
    whose name or mobile changed is a new attendee, the old one withdrawn.
    """
    old_name, new_name = before.get("name", ""), after.get("name", "")
    old_phone, new_phone = before.get("phone", ""), after.get("phone", "")
    if old_name == new_name or (old_phone == new_phone and _name_typo(old_name, new_name)):
        return
    raise IdentityChange(_(
        "把“%(old)s”改为“%(new)s”是换了一个人，不能直接修改（%(old)s的申报链接和健康申报不能转给别人）。"
        "请办理人员更换：删除%(old)s后添加%(new)s（如%(old)s不符合入场条件，可在入场页面点“更换”），"
        "%(new)s会得到自己的申报链接，原记录保留。如只是改错字，请一次只改姓名或只改手机号。")
        % {"old": old_name, "new": new_name})


def update_attendee(attendee: Attendee, data: dict, *, actor: Any = None) -> Attendee:
    """Change one person's details (a PATCH: fields not given stay as they are); changing the
    person is a replacement, not an edit (`check_same_person`)."""
    venue = attendee.venue
    before = attendee_dict(attendee)
    merged = {**before, **{k: v for k, v in (data or {}).items() if k in FIELDS and v is not None}}
    clean, errors = validate_attendee(merged, venue.event)
    if errors:
        raise _invalid(errors)
    override = check_deadline(venue, actor)
    if person_key(clean) != person_key(before):
        check_not_elsewhere(venue, attendee.filed_by_unit if venue.kind == Venue.Kind.MAIN else None, [clean],
                            actor=actor, exclude_ids=(attendee.pk,))
    check_same_person(before, clean)
    with transaction.atomic():
        lock_venue(venue.pk)
        if person_key(clean) != person_key(before) and Attendee.objects.filter(
            venue=venue, status=Attendee.Status.ACTIVE, name=clean["name"], phone=clean["phone"]
        ).exclude(pk=attendee.pk).exists():
            raise _invalid([{"field": "name", "message": _("%(name)s已在本会场名单中。") % {"name": clean["name"]}}])
        for f in FIELDS:
            setattr(attendee, f, clean[f])
        attendee.save()
        _after_change("attendee.update", attendee, actor, override, before=before, after=attendee_dict(attendee))
    return attendee


def remove_attendee(attendee: Attendee, *, actor: Any = None) -> None:
    """Withdraw one person (kept for history, no longer counted)."""
    venue = attendee.venue
    override = check_deadline(venue, actor)
    with transaction.atomic():
        attendee.status = Attendee.Status.WITHDRAWN
        attendee.save(update_fields=["status", "updated_at"])
        _after_change("attendee.remove", attendee, actor, override, before=attendee_dict(attendee))


def set_tech_contact(venue: Venue, data: dict, *, actor: Any = None) -> TechContact:
    """Name the venue's rehearsal contact (name and mobile)."""
    clean, errors = validate_tech_contact(data)
    if errors:
        raise _invalid(errors)
    override = check_deadline(venue, actor, what=_("视频调试负责人"))
    with transaction.atomic():
        old = TechContact.objects.filter(venue=venue).first()
        before = {"name": old.name, "phone": old.phone} if old else None
        tc = _save_tech_contact(venue, clean)
        record("techcontact.set", actor=actor, event=venue.event, venue=venue, obj=tc, before=before,
               after={"name": tc.name, "phone": tc.phone}, note=OVERRIDE_NOTE if override else "")
        if is_organizer(actor, venue.event):
            notify_organizer_change(venue, _("视频调试负责人改为：%(name)s %(phone)s")
                                    % {"name": tc.name, "phone": mask_mobile(tc.phone)})
    return tc


def _after_change(action: str, attendee: Attendee, actor: Any, override: bool, *, before: Any = None,
                  after: Any = None, channel: str = "") -> None:
    venue = attendee.venue
    record(action, actor=actor, event=venue.event, venue=venue, obj=attendee, before=before, after=after,
           note=(OVERRIDE_NOTE if override else "") + (f" via {channel}" if channel else ""))
    if is_organizer(actor, venue.event):
        what = {"attendee.create": _("新增参会人员：%(name)s（%(unit)s）"),
                "attendee.update": _("修改参会人员：%(name)s（%(unit)s）"),
                "attendee.remove": _("删除参会人员：%(name)s（%(unit)s）")}[action]
        notify_organizer_change(venue, what % {"name": attendee.name, "unit": attendee.unit},
                                unit=attendee.filed_by_unit if venue.kind == Venue.Kind.MAIN else None)


# -- drafts -------------------------------------------------------------------------------------------
def get_draft(venue: Venue, unit: Unit | None) -> ReceiptDraft | None:
    return ReceiptDraft.objects.filter(venue=venue, unit=unit).first()


def current_rows(venue: Venue, unit: Unit | None) -> tuple[list[dict], dict]:
    """What the editing page starts from: the draft if there is one, else the filed list."""
    draft = get_draft(venue, unit)
    if draft is not None:
        return draft.rows, draft.tech_contact
    rows = [{f: getattr(a, f) for f in FIELDS} for a in unit_queryset(venue, unit).order_by("order", "id")]
    tc = TechContact.objects.filter(venue=venue).first()
    return rows, ({"name": tc.name, "phone": tc.phone, "email": tc.email} if tc else {})


def save_draft(venue: Venue, unit: Unit | None, rows: list[dict], tech_contact: dict, *, actor: Any = None) -> ReceiptDraft:
    """Keep the rows exactly as typed (trimmed, empty rows dropped); no validation, nothing filed."""
    keep = []
    for r in rows[:MAX_ROWS]:
        row = {f: str(r.get(f) or "").strip()[:200] for f in FIELDS}
        if any(row[f] for f in ("name", "unit", "position", "phone")):
            keep.append(row)
    tc = {k: str((tech_contact or {}).get(k) or "").strip()[:200] for k in ("name", "phone", "email")}
    draft, _created = ReceiptDraft.objects.update_or_create(
        venue=venue, unit=unit, defaults={"rows": keep, "tech_contact": tc, "updated_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    return draft


def submit_draft(venue: Venue, unit: Unit | None, *, actor: Any = None, channel: str = "web") -> SubmitResult:
    """File the draft; on success the draft is gone, on failure it stays exactly as it was."""
    draft = get_draft(venue, unit)
    if draft is None:
        rows, tc = current_rows(venue, unit)
    else:
        rows, tc = draft.rows, draft.tech_contact
    result = submit_receipt(venue, unit=unit, attendees=rows, tech_contact=tc, channel=channel, actor=actor)
    if result.accepted and draft is not None:
        ReceiptDraft.objects.filter(pk=draft.pk, updated_at=draft.updated_at).delete()
    return result


# -- deadline extension -------------------------------------------------------------------------------
def grant_extension(venue: Venue, until: datetime | None, *, actor: Any = None) -> Venue:
    """The organizer lets one venue file until `until` (None removes the extension); audited."""
    if until is not None and venue.event.registration_deadline and until <= venue.event.registration_deadline:
        raise _invalid([{"field": "until", "message": _("延期时间必须晚于会议的回执截止时间。")}])
    before = venue.deadline_extended_to
    Venue.objects.filter(pk=venue.pk).update(deadline_extended_to=until, updated_at=timezone.now())
    venue.deadline_extended_to = until
    record("venue.extend_deadline", actor=actor, event=venue.event, venue=venue, obj=venue,
           before={"until": before.isoformat() if before else None},
           after={"until": until.isoformat() if until else None})
    if until is not None:
        names = {"event": venue.event.title, "venue": venue.name, "until": format_deadline(venue, until)}
        notify_venue(venue, _("%(event)s：%(venue)s回执截止时间已延长") % names,
                     _("主办方已将%(venue)s的回执截止时间延长至%(until)s。请在此之前登录系统完成填报。") % names,
                     kind="extension")
    return venue


# -- notifications ------------------------------------------------------------------------------------
def coordinator_emails(venue: Venue, unit: Unit | None = None) -> list[str]:
    """Who hears about a venue: its coordinators (or the unit's people at the main venue),
    the rehearsal contact, and the addresses invitations were sent to."""
    return venue_recipients([(venue, unit)])[0]


def venue_recipients(pairs: list[tuple[Venue, Unit | None]], *, contact: bool = True) -> list[list[str]]:
    """coordinator_emails for many (venue, unit) pairs in one query.

    The three sources are a UNION ALL over all the venues, each tagged so every list keeps the
    order accounts, invitations, rehearsal contact; the pairs pick their rows in Python.
    `contact=False` leaves the rehearsal contact out (mail about a person, not the receipt).
    """
    ids = {venue.pk for venue, _unit in pairs}
    members = (Membership.objects.filter(venue_id__in=ids, role__in=[Role.COORDINATOR, Role.MAIN_UNIT])
               .exclude(user__email="").annotate(address=F("user__email"), source=Value(1)))
    invites = (Invitation.objects.filter(venue_id__in=ids, revoked_at__isnull=True).exclude(email="")
               .annotate(address=F("email"), source=Value(2)))
    contacts = (TechContact.objects.filter(venue_id__in=ids).exclude(email="")
                .annotate(address=F("email"), source=Value(3), no_unit=Value(None, output_field=IntegerField())))
    rows = (members.order_by().values_list("venue_id", "unit_id", "address", "source", "pk")
            .union(invites.order_by().values_list("venue_id", "unit_id", "address", "source", "pk"),
                   contacts.order_by().values_list("venue_id", "no_unit", "address", "source", "pk"), all=True)
            .order_by("source", "pk"))
    found = list(rows)
    out = []
    for venue, unit in pairs:
        per_unit = venue.kind == Venue.Kind.MAIN and unit is not None
        out.append([address for venue_id, unit_id, address, source, _pk in found if venue_id == venue.pk
                    and (source == 3 and contact and venue.kind == Venue.Kind.BRANCH
                         or source != 3 and (not per_unit or unit_id == unit.pk))])
    return out


def notify_venue(venue: Venue, subject: str, body: str | Callable[[], str], *, kind: str,
                 unit: Unit | None = None, extra: list[str] | None = None) -> Any:
    """Queue a mail to the venue's people (see coordinator_emails); None when there is nobody.

    `body` may be a function: it is only called when there is someone to send the mail to
    (a receipt's confirmation lists every person; no need to write it for nobody).
    """
    return queue_mail([*coordinator_emails(venue, unit), *(extra or [])], subject, body, kind=kind,
                      event=venue.event, venue=venue)


def receipt_text(receipt: Receipt) -> str:
    venue = receipt.venue
    snap = receipt.snapshot
    people = snap.get("attendees", [])
    lines = [f"{venue.event.title}",
             _("%(venue)s（%(code)s）回执 第%(version)d版") % {"venue": venue.name, "code": venue.code,
                                                         "version": receipt.version},
             _("提交时间：%(time)s") % {"time": format_deadline(venue, receipt.submitted_at)}, "",
             ngettext("参会人员 %(n)d 人：", "参会人员 %(n)d 人：", len(people)) % {"n": len(people)}]
    label = categories.labeller(venue.event)
    for i, a in enumerate(people, start=1):
        cat = label(a.get("category", ""))
        lines.append(f"{i}. {a['name']}  {a['unit']}  {a.get('position') or ''}  {mask_mobile(a.get('phone', ''))}"
                     + (f"  [{cat}]" if cat else ""))
    tc = snap.get("tech_contact")
    if venue.kind == Venue.Kind.BRANCH:  # the main venue has no video rehearsal of its own
        lines += ["", _("视频调试负责人：%(name)s %(phone)s") % {"name": tc["name"], "phone": mask_mobile(tc["phone"])}
                  if tc else _("视频调试负责人：未填写")]
    d = receipt.diff or {}
    if receipt.version > 1:
        sep, none = _("、"), _("无")
        names = {key: sep.join(a["name"] for a in d.get(key, [])) or none for key in ("added", "removed", "changed")}
        lines += ["", _("与上一版相比："),
                  _("新增：%(names)s") % {"names": names["added"]},
                  _("删除：%(names)s") % {"names": names["removed"]},
                  _("修改：%(names)s") % {"names": names["changed"]}]
    return "\n".join(lines)


#: how the people filed get in on the day (the confirmation mail and PDF say it)
CODES_NOTE = gettext_lazy("会议当天凭签到码入场：每位参会人员的个人申报链接中有本人的签到码；"
                          "也可登录系统，在会场页面打印“入场凭证”发给本人。")


def notify_receipt(receipt: Receipt, actor: Any = None) -> Any:
    """Confirmation to the venue's coordinator(s) (and the person who filed) after a submit."""
    return notify_receipts([(receipt, actor)])[0]


def notify_receipts(filed: list[tuple[Receipt, Any]]) -> list[Any]:
    """notify_receipt for a batch of new versions: one query for the recipients, one INSERT for the mails."""
    pairs = [(r.venue, r.unit if r.venue.kind == Venue.Kind.MAIN else None) for r, _actor in filed]
    rows = []
    for (receipt, actor), to in zip(filed, venue_recipients(pairs), strict=True):
        venue = receipt.venue
        by_org = is_organizer(actor, venue.event)
        extra = [actor.email] if getattr(actor, "email", "") and not by_org else []

        def body(receipt=receipt, by_org=by_org) -> str:
            deadline = effective_deadline(receipt.venue)
            head = _("主办方修改了本会场的回执，内容如下。") if by_org else _("您的回执已收到，内容如下。")
            tail = ("\n\n" + _("如需修改，请在%(deadline)s前登录系统。")
                    % {"deadline": format_deadline(receipt.venue, deadline)}) if deadline else ""
            return head + "\n\n" + receipt_text(receipt) + tail + "\n\n" + CODES_NOTE

        subject = _("回执确认：%(venue)s 第%(version)d版") % {"venue": venue.name, "version": receipt.version}
        rows.append(outbox_row([*to, *extra], subject, body,
                               kind="receipt.confirmation", event=venue.event, venue=venue))
    queue_mails(rows)
    return rows


def notify_organizer_change(venue: Venue, what: str, unit: Unit | None = None) -> Any:
    names = {"event": venue.event.title, "venue": venue.name, "what": what}
    return notify_venue(venue, _("主办方修改了%(venue)s的回执") % names,
                        _("%(event)s\n\n主办方对%(venue)s作了如下修改：\n%(what)s\n\n如有疑问，请联系主办方。") % names,
                        kind="receipt.organizer_change", unit=unit)


def remind_unfiled(event: Event, *, actor: Any = None) -> dict:
    """E-mail every venue (every invited unit at the main venue) that has not filed yet; only while
    the event is published (a draft's coordinators cannot sign in or be invited yet: ApiError)."""
    check_published(event, _("发送回执提醒邮件"))
    filed = set(Receipt.objects.filter(venue__event=event).values_list("venue_id", "unit_id"))
    sent, no_address = 0, []
    with transaction.atomic():
        for venue in event.venues.select_related("host_unit", "event").order_by("order", "id"):
            units: list[Unit | None]
            if venue.kind == Venue.Kind.MAIN:
                units = [vu.unit for vu in venue.invited_units.select_related("unit")]
            else:
                units = [venue.host_unit]
            for unit in units:
                if (venue.pk, unit.pk if unit else None) in filed:
                    continue
                deadline = effective_deadline(venue)
                names = {"event": event.title, "who": unit.name if unit else venue.name, "venue": venue.name}
                if deadline:
                    body = _("%(event)s\n\n%(who)s：主办方尚未收到您在%(venue)s的回执。请于%(when)s前登录系统，"
                             "填报参会人员（姓名、单位、职务）和视频调试负责人（手机）。") % {
                        **names, "when": format_deadline(venue, deadline)}
                else:
                    body = _("%(event)s\n\n%(who)s：主办方尚未收到您在%(venue)s的回执。请于截止时间前登录系统，"
                             "填报参会人员（姓名、单位、职务）和视频调试负责人（手机）。") % names
                row = notify_venue(
                    venue, _("提醒：请尽快填报%(venue)s回执") % names, body,
                    kind="receipt.reminder", unit=unit if venue.kind == Venue.Kind.MAIN else None,
                )
                if row is None:
                    no_address.append(f"{venue.name}" + (f"·{unit.name}" if venue.kind == Venue.Kind.MAIN and unit else ""))
                else:
                    sent += 1
        record("receipt.remind", actor=actor, event=event, after={"sent": sent, "no_address": no_address})
    return {"sent": sent, "no_address": no_address}


# -- rows pasted from Excel / WPS ----------------------------------------------------------------------
_HEADER_WORDS = {"姓名": "name", "名字": "name", "单位": "unit", "工作单位": "unit", "职务": "position",
                 "职务/职称": "position", "职称": "position", "手机": "phone", "手机号": "phone", "手机号码": "phone",
                 "联系电话": "phone", "电话": "phone", "类别": "category", "参会类别": "category"}


def _single_spaced(line: str) -> list[str]:
    """A line typed with single spaces (张明 北京市教育委员会 处长 13800138001), as people write in a
    message: its words, without a leading serial number, a phone written in groups (139 0000 1111)
    joined again; kept whole when the words outnumber the columns (then a space is inside a cell)."""
    words: list[str] = []
    given = line.split()
    if len(given) > 2 and re.fullmatch(r"\d{1,3}", given[0]):
        given = given[1:]  # a serial number
    for word in given:
        if words and re.fullmatch(r"[\d+\-]+", word) and re.fullmatch(r"[\d+\-]+", words[-1]):
            words[-1] += word
        else:
            words.append(word)
    return words if 1 < len(words) <= len(FIELDS) else [line.strip()]


def parse_pasted(text: str) -> list[dict]:
    """Rows copied from a spreadsheet (tab-separated; commas, wide spaces or single spaces also work).

    Columns are 姓名、单位、职务、手机、类别 in that order unless a header row names them; a leading
    序号 column is dropped. The result is raw (validation happens on submit), like typed rows.
    """
    lines = [ln for ln in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    if not lines:
        return []
    sep = "\t" if any("\t" in ln for ln in lines) else None
    def cells_of(line: str) -> list[str]:
        if sep:
            return [c.strip() for c in line.split("\t")]
        parts = re.split(r"\s*[,，;；]\s*", line.strip())
        if len(parts) == 1:
            parts = re.split(r"\s{2,}|\u3000+", line.strip())
        if len(parts) == 1:
            parts = _single_spaced(line)
        return parts
    order = list(FIELDS)
    rows = [cells_of(ln) for ln in lines[:MAX_ROWS + 1]]
    header = [fold(c).replace(" ", "") for c in rows[0]]
    if any(h in _HEADER_WORDS for h in header):
        order = [_HEADER_WORDS.get(h, "" if h not in ("序号", "编号") else "#") for h in header]
        rows = rows[1:]
    elif rows and all(r and re.fullmatch(r"\d{1,3}", fold(r[0])) for r in rows) and max(len(r) for r in rows) > 2:
        order = ["#", *FIELDS]
    out = []
    for cells in rows[:MAX_ROWS]:
        row = {f: "" for f in FIELDS}
        for key, value in zip(order, cells, strict=False):
            if key in row:
                row[key] = value[:200]
        if any(row.values()):
            out.append(row)
    return out
