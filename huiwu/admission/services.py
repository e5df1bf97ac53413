"""Admission: the only code that writes rules, declarations and replacements.

The verdict always comes from `engine.evaluate` (the same function `huiwu admission evaluate`
runs), with the rules that hold at the attendee's venue and the event's start in its time zone.
Health details (answers, reason texts) never go to audit entries, e-mails, exports or pages other
than the attendee's own and the health role's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.audit.services import record
from huiwu.core.errors import ApiError, CapacityFull, Invalid
from huiwu.core.mail import queue_mail
from huiwu.core.spreadsheet import safe_cell
from huiwu.events.models import Event
from huiwu.receipts.models import Attendee
from huiwu.venues.locking import lock_venue
from huiwu.venues.models import Venue

from . import engine
from .models import AdmissionRule, Declaration, DeclarationProof, LinkSend, Replacement

LINK_SALT = "huiwu.admission.declaration"
#: a personal link works until this long after the event's end
LINK_GRACE = timedelta(days=1)


class LinkInvalid(Exception):
    """A declaration link that was altered, expired, or whose attendee no longer attends."""


# -- rules --------------------------------------------------------------------------------------
def event_tz(event: Event) -> ZoneInfo:
    return ZoneInfo(event.time_zone or settings.TIME_ZONE)


def rule_objects(event: Event) -> list[AdmissionRule]:
    return list(AdmissionRule.objects.filter(event=event).select_related("venue").order_by("order", "id"))


def event_rules(event: Event) -> list[dict]:
    """Every enabled rule of the event in the engine's shape (per-venue rules carry venue_codes)."""
    return [r.as_dict() for r in rule_objects(event) if r.enabled]


def rules_for(venue: Venue) -> list[dict]:
    """The enabled rules that hold at this venue (by kind, and its own per-venue rules)."""
    return engine.rules_at(event_rules(venue.event), venue.kind, venue.code)


def _clean_rule(rule: dict, venues_by_code: dict[str, Venue]) -> tuple[dict, list[Venue | None]]:
    if not isinstance(rule, dict):
        raise Invalid(_("每条规则都应是一个对象，例如 {\"kind\": \"symptoms\", \"window_days\": 14, \"venues\": \"all\"}。"))
    kind = rule.get("kind")
    if kind not in engine.KINDS:
        raise Invalid(_("不认识的规则类型“%(kind)s”，可选：%(kinds)s。") % {"kind": kind, "kinds": _("、").join(engine.KINDS)},
                      {"kind": [_("规则类型无效")]})
    scope = rule.get("venues") or "all"
    if scope not in engine.SCOPES:
        raise Invalid(_("规则“%(kind)s”的适用会场“%(scope)s”无效，应为 all、main 或 branch。") % {"kind": kind, "scope": scope},
                      {"venues": [_("适用会场无效")]})
    params = {k: v for k, v in rule.items() if k not in ("kind", "venues", "venue_codes", "enabled", "id", "title")}
    codes = rule.get("venue_codes") or []
    if isinstance(codes, str):
        codes = [codes]
    targets: list[Venue | None] = []
    for code in codes:
        venue = venues_by_code.get(str(code))
        if venue is None:
            raise Invalid(_("规则“%(kind)s”指定的会场代码“%(code)s”不存在。") % {"kind": kind, "code": code},
                          {"venue_codes": [_("会场代码不存在")]})
        targets.append(venue)
    return {"kind": kind, "params": params, "venue_scope": scope, "enabled": rule.get("enabled", True) is not False}, (targets or [None])


@transaction.atomic
def adopt_rules(event: Event, rules: list[dict], actor: Any = None, *, source: str = "notice") -> list[AdmissionRule]:
    """Make `rules` (the notice parser's shape) the event's admission rules, in one action.

    The old rules are replaced, except the branch venues' own local rules (`set_local_rules`),
    unless the new list has a rule of the same kind for that venue; a second rule of the same
    kind and scope is dropped (the parser gives one per kind and scope). Declarations already
    made are judged again at the door.
    """
    venues_by_code = {v.code: v for v in Venue.objects.filter(event=event)}
    before = event_rules(event)
    cleaned = [_clean_rule(r, venues_by_code) for r in rules or []]
    AdmissionRule.objects.filter(event=event).exclude(source=LOCAL).delete()
    for fields, targets in cleaned:
        for venue in targets:
            if venue is not None:
                AdmissionRule.objects.filter(event=event, venue=venue, kind=fields["kind"]).delete()
    seen: set[tuple] = set()
    created: list[AdmissionRule] = []
    for order, (fields, targets) in enumerate(cleaned, start=1):
        for venue in targets:
            key = (fields["kind"], fields["venue_scope"] if venue is None else None, venue.pk if venue else None)
            if key in seen:
                continue
            seen.add(key)
            created.append(AdmissionRule.objects.create(event=event, venue=venue, order=order, source=source, **fields))
    record("admission.rules_adopt", actor=actor, event=event, before=before,
           after=[r.as_dict() for r in created], note=source)
    return created


LOCAL = "local"


def local_rules(venue: Venue) -> list[AdmissionRule]:
    """The venue's own rules (its local epidemic-control requirements)."""
    return list(AdmissionRule.objects.filter(venue=venue, source=LOCAL).select_related("venue").order_by("order", "id"))


@transaction.atomic
def set_local_rules(venue: Venue, rules: list[dict], actor: Any = None) -> list[AdmissionRule]:
    """Replace a branch venue's own rules ("branch venues follow their local rules").

    They hold beside the event's rules at this venue only; the organizer's adopting new event
    rules keeps them.
    """
    if venue.kind != Venue.Kind.BRANCH:
        raise Invalid(_("只有分会场可以设置本地规则；主会场的规则由主办方设置。"))
    before = [r.as_dict() for r in local_rules(venue)]
    cleaned = [_clean_rule({**r, "venues": "all", "venue_codes": [venue.code]}, {venue.code: venue})[0]
               for r in rules or []]
    AdmissionRule.objects.filter(venue=venue, source=LOCAL).delete()
    created: list[AdmissionRule] = []
    kinds: set[str] = set()
    for i, fields in enumerate(cleaned, start=1):
        if fields["kind"] in kinds:
            continue
        kinds.add(fields["kind"])
        AdmissionRule.objects.filter(venue=venue, kind=fields["kind"]).delete()
        created.append(AdmissionRule.objects.create(event_id=venue.event_id, venue=venue, order=1000 + i,
                                                    source=LOCAL, **fields))
    record("admission.local_rules", actor=actor, event=venue.event, venue=venue, before=before,
           after=[r.as_dict() for r in created])
    return created


def apply_preset(event: Event, name: str, actor: Any = None) -> list[AdmissionRule]:
    """Use a preset: "seed" (the 2021 notice's rules) or "empty" (no rules: everyone eligible)."""
    if name not in engine.PRESETS:
        raise Invalid(_("没有名为“%(name)s”的预设，可选：%(names)s。") % {"name": name, "names": _("、").join(engine.PRESETS)})
    return adopt_rules(event, engine.PRESETS[name], actor, source=f"preset:{name}")


@transaction.atomic
def put_event_rule(event: Event, rule: dict, actor: Any = None) -> AdmissionRule:
    """Add one event-wide rule from the rules page's form (no JSON to write), in place of a rule of
    the same kind for the same venues. Venues' own local rules stay as they are."""
    fields, _targets = _clean_rule({**rule, "venue_codes": []}, {})
    if fields["venue_scope"] == "all":
        replaced = AdmissionRule.objects.filter(event=event, venue=None, kind=fields["kind"])
    else:  # a rule for all venues covers this scope too; it stays, the narrower rule is added beside it
        replaced = AdmissionRule.objects.filter(event=event, venue=None, kind=fields["kind"],
                                                venue_scope=fields["venue_scope"])
    before = [r.as_dict() for r in replaced]
    replaced.delete()
    order = (AdmissionRule.objects.filter(event=event, venue=None).aggregate(m=Max("order"))["m"] or 0) + 1
    created = AdmissionRule.objects.create(event=event, venue=None, order=order, source="manual", **fields)
    record("admission.rule_put", actor=actor, event=event, obj=created, before=before, after=created.as_dict())
    return created


def remove_event_rule(rule: AdmissionRule, actor: Any = None) -> None:
    """Delete one event-wide rule (switching it off keeps it; this is for a rule entered by mistake)."""
    before = rule.as_dict()
    AdmissionRule.objects.filter(pk=rule.pk).delete()
    record("admission.rule_remove", actor=actor, event=rule.event, before=before)


def set_rule_enabled(rule: AdmissionRule, enabled: bool, actor: Any = None) -> AdmissionRule:
    """Switch one rule on or off (kept either way, so the change can be undone)."""
    before = rule.enabled
    AdmissionRule.objects.filter(pk=rule.pk).update(enabled=enabled, updated_at=timezone.now())
    rule.enabled = enabled
    record("admission.rule_toggle", actor=actor, event=rule.event, obj=rule,
           before={"enabled": before}, after={"enabled": enabled, "rule": rule.kind})
    return rule


# -- personal links -------------------------------------------------------------------------------
def link_expires_at(attendee: Attendee) -> datetime:
    return attendee.event.ends_at + LINK_GRACE


def declaration_token(attendee: Attendee) -> str:
    """A short signed token naming the attendee and its expiry (no account needed)."""
    expires = int(link_expires_at(attendee).timestamp())
    return signing.Signer(salt=LINK_SALT).sign(f"{attendee.pk:x}.{expires:x}")


def declaration_path(attendee: Attendee) -> str:
    return reverse("admission:declare", args=[declaration_token(attendee)])


def declaration_url(attendee: Attendee) -> str:
    """The personal link as sent (mail, SMS, QR): from HUIWU_BASE_URL, never the request's Host."""
    from huiwu.core.urls_abs import absolute_url

    return absolute_url(declaration_path(attendee))


def attendee_for_token(token: str, now: datetime | None = None) -> Attendee:
    """The attendee a link belongs to; LinkInvalid when altered, expired or no longer attending."""
    try:
        value = signing.Signer(salt=LINK_SALT).unsign(token or "")
        pk_hex, exp_hex = value.split(".")
        pk, expires = int(pk_hex, 16), int(exp_hex, 16)
    except (signing.BadSignature, ValueError) as exc:
        raise LinkInvalid(_("链接无效，请核对短信中的完整链接，或联系本会场联系人重新发送。")) from exc
    if (now or timezone.now()).timestamp() > expires:
        raise LinkInvalid(_("链接已过期（会议已结束）。"))
    attendee = Attendee.objects.select_related("event", "venue").filter(pk=pk).first()
    if attendee is None or attendee.status != Attendee.Status.ACTIVE:
        raise LinkInvalid(_("您已不在本次会议的参会名单中，无需填写健康申报。如有疑问，请联系本会场联系人。"))
    return attendee


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code (scannable from a screen or a printout)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def local_time(moment: datetime, event: Event) -> str:
    local = moment.astimezone(event_tz(event))
    return _("%(month)d月%(day)d日%(time)s") % {"month": local.month, "day": local.day, "time": f"{local:%H:%M}"}


def sms_text(attendee: Attendee, url: str) -> str:
    """A short text for SMS: who, what, by when, the link."""
    event = attendee.event
    return _("%(name)s您好：请在%(start)s前填写%(venue)s入场健康申报：%(url)s") % {
        "name": attendee.name, "start": local_time(event.starts_at, event), "venue": attendee.venue.name, "url": url}


# -- sending links without opening them ----------------------------------------------------------------
@dataclass
class LinkRow:
    """One attendee on the links page: the link, its SMS text, whether it was sent and whether a
    declaration exists (its time only: never the answers, never the verdict)."""

    attendee: Attendee
    url: str
    sms: str
    declared_at: datetime | None
    sends: list[LinkSend]
    email: str = ""

    @property
    def sent(self) -> bool:
        return bool(self.sends)


def link_rows(venue: Venue, unit_ids: set[int] | None = None) -> list[LinkRow]:
    """Every active attendee of the venue (of the given units) with their personal link: three queries."""
    qs = Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE).select_related("event", "venue")
    if unit_ids is not None:
        qs = qs.filter(filed_by_unit_id__in=unit_ids)
    people = list(qs.order_by("order", "id"))
    declared = dict(Declaration.objects.filter(attendee__in=people, current=True).values_list("attendee_id", "submitted_at"))
    sends: dict[int, list[LinkSend]] = {}
    for send in LinkSend.objects.filter(attendee__in=people).order_by("-at", "-id"):
        sends.setdefault(send.attendee_id, []).append(send)
    rows = []
    for a in people:
        url = declaration_url(a)
        mine = sends.get(a.pk, [])
        rows.append(LinkRow(a, url, sms_text(a, url), declared.get(a.pk), mine,
                            next((s.to for s in mine if s.to), "")))
    return rows


def mail_link(attendee: Attendee, to: str, *, actor: Any = None) -> LinkSend:
    """Mail the attendee their personal link through the outbox (sent after commit, retried)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError as exc:
        raise Invalid(_("邮箱“%(to)s”格式不对，请检查后重试。") % {"to": to[:60]}, {"email": [_("邮箱格式不对")]}) from exc
    url = declaration_url(attendee)
    event = attendee.event
    with transaction.atomic():
        queue_mail([to], _("【%(event)s】入场健康申报链接") % {"event": event.title},
                   _("%(sms)s\n\n此链接仅供本人使用，请勿转发；链接有效期至%(until)s。") % {
                       "sms": sms_text(attendee, url), "until": local_time(link_expires_at(attendee), event)},
                   kind="declaration_link", event=event, venue=attendee.venue)
        send = LinkSend.objects.create(attendee=attendee, channel=LinkSend.Channel.MAIL, to=to,
                                       actor=actor if getattr(actor, "is_authenticated", False) else None)
        record("declaration.link_mail", actor=actor, event=event, venue=attendee.venue, obj=attendee, after={"to": to})
    return send


def mark_links_sent(attendees: list[Attendee], channel: str, *, actor: Any = None) -> int:
    """Note that these links went out by SMS or on the printed sheet (the page then shows them as sent)."""
    if channel not in (LinkSend.Channel.SMS, LinkSend.Channel.PRINT):
        raise Invalid(_("发送方式无效。"))
    if not attendees:
        return 0
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        LinkSend.objects.bulk_create([LinkSend(attendee=a, channel=channel, actor=user) for a in attendees])
        venue = attendees[0].venue
        record("declaration.link_sent", actor=actor, event=venue.event, venue=venue,
               after={"channel": channel, "count": len(attendees)})
    return len(attendees)


# -- proofs (screenshots a rule asks for) -----------------------------------------------------------------
PROOF_KINDS = ("itinerary_code", "health_code")
#: a phone screenshot is well under 5 MB; a photo of one at most a few
PROOF_BYTES = 5 * 1024 * 1024


def proof_kinds(attendee: Attendee) -> list[str]:
    """The screenshots the venue's rules ask this attendee for (a rule with `"proof": true`)."""
    return [r["kind"] for r in rules_for(attendee.venue)
            if r["kind"] in PROOF_KINDS and engine.as_bool(r.get("proof")) is True]


def check_proof(data: bytes) -> tuple[str, str]:
    """(extension, content type) of a screenshot: PNG or JPEG by its first bytes, sane size and pixels."""
    from huiwu.core.files.safety import IMAGE, UnsafeFile, check_upload

    try:
        return check_upload(data, ("png", "jpeg"), IMAGE.but(max_bytes=PROOF_BYTES))
    except UnsafeFile as exc:
        raise Invalid(exc.message) from exc


def attach_proofs(decl: Declaration, files: dict[str, tuple[bytes, str, str]]) -> list[DeclarationProof]:
    """Keep the checked screenshots (kind → (bytes, extension, content type)) with the declaration."""
    from django.core.files.base import ContentFile

    out = []
    for kind, (data, ext, ctype) in files.items():
        proof = DeclarationProof(declaration=decl, event_id=decl.event_id, kind=kind, content_type=ctype, size=len(data))
        proof.file.save(f"{decl.event_id}-{decl.pk}-{kind}.{ext}", ContentFile(data), save=False)
        proof.save()
        out.append(proof)
    return out


def view_proof(proof: DeclarationProof, actor: Any, ip: str | None = None) -> DeclarationProof:
    """Record that the health role opened a screenshot (every view is audited)."""
    record("declaration.proof_view", actor=actor, event=proof.event, venue=proof.declaration.attendee.venue,
           obj=proof.declaration, ip=ip, note=proof.kind)
    return proof


def _purge_proofs(event: Event) -> int:
    proofs = list(DeclarationProof.objects.filter(event=event))
    for proof in proofs:
        proof.file.delete(save=False)
    DeclarationProof.objects.filter(pk__in=[p.pk for p in proofs]).delete()
    return len(proofs)


# -- declarations -----------------------------------------------------------------------------------
def questions_for(attendee: Attendee) -> list[str]:
    """What the declaration page asks this attendee: only what their venue's rules need."""
    return engine.questions(rules_for(attendee.venue), attendee.venue.kind, attendee.venue.code)


def clean_answers(raw: dict, asked: list[str], event: Event) -> tuple[dict, dict[str, list[str]]]:
    """Keep only the asked fields, in the engine's types; errors per field for a form."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in ("symptoms", "risk_area_contact", "risk_area_stay", "itinerary_code_ok", "returned_from_travel"):
        if key in asked:
            value = engine.as_bool(raw.get(key))
            if value is None and raw.get(key) not in (None, ""):
                errors[key] = [_("请选择“是”或“否”。")]
            answers[key] = value
    if "health_code" in asked:
        color = engine.norm_color(raw.get("health_code"))
        if color is None and raw.get("health_code") not in (None, ""):
            errors["health_code"] = [_("请选择健康码颜色：绿码、黄码或红码。")]
        answers["health_code"] = color
    if "nucleic_acid_test" in asked:
        test = raw.get("nucleic_acid_test")
        if not isinstance(test, dict):
            test = {"sampled_at": raw.get("sampled_at"), "result": raw.get("result")}
        taken = engine.as_bool(raw.get("test_taken"))
        if taken is None:
            taken = bool(test.get("sampled_at"))
        if taken and test.get("sampled_at"):
            moment = engine.parse_moment(test.get("sampled_at"), event_tz(event))
            result = engine.norm_result(test.get("result"))
            if moment is None:
                errors["sampled_at"] = [_("采样时间无法识别，请选择日期和时间。")]
                answers["nucleic_acid_test"] = None
            else:
                if result is None:
                    result = "pending"
                answers["nucleic_acid_test"] = {"sampled_at": moment.isoformat(), "result": result}
        elif taken:
            errors["sampled_at"] = [_("请填写采样时间。")]
            answers["nucleic_acid_test"] = None
        else:
            answers["nucleic_acid_test"] = None
    return answers, errors


def judge(attendee: Attendee, answers: dict | None) -> engine.Verdict:
    """The engine's verdict for these answers under the rules that hold at the attendee's venue now."""
    venue = attendee.venue
    event = attendee.event
    return engine.evaluate(rules_for(venue), answers or {}, event.starts_at, venue.kind, venue.code, tz=event_tz(event))


def current_declaration(attendee: Attendee) -> Declaration | None:
    return Declaration.objects.filter(attendee=attendee, current=True).first()


class NotYourDeclaration(ApiError):
    """A declaration posted from a browser logged in as someone who may not declare for the attendee."""

    def __init__(self, message: str):
        super().__init__("forbidden", message, 403)


def may_declare(attendee: Attendee, user: Any) -> bool:
    """Whether this browser may post the attendee's declaration: not logged in (the link's holder),
    or logged in as the event's health officer."""
    if not getattr(user, "is_authenticated", False):
        return True
    from huiwu.accounts.tenancy import Access

    return Access.for_user(user).can("declaration.view", attendee.event)


def refusal_message(attendee: Attendee, user: Any) -> str:
    return _("您已用账号“%(user)s”登录本系统。健康申报只能由参会人员本人填写：请把链接发给%(name)s本人，"
             "不要代为填写。如果这正是您本人的申报链接，请先退出登录（或用手机浏览器）再打开链接。") % {
        "user": user.get_username(), "name": attendee.name}


def declaring_as(attendee: Attendee, user: Any) -> tuple[str, Any]:
    """(channel, actor) for a declaration about to be posted through the attendee's link.

    Health answers are the attendee's and the health officer's alone. The link is a bearer secret
    the coordinators hand out; a browser logged in as anyone else (organizer, coordinator, door,
    main-venue unit) posting through it would be someone answering for the attendee, so it is
    refused (and audited with the real user). The event's health officer may enter answers given
    to them (channel `staff`, audited under their name). Not logged in: the link's holder.
    """
    if not getattr(user, "is_authenticated", False):
        return Declaration.Channel.LINK, None
    if may_declare(attendee, user):
        return Declaration.Channel.STAFF, user
    record("declaration.refused", actor=user, event=attendee.event, venue=attendee.venue, obj=attendee,
           note="logged-in")
    raise NotYourDeclaration(refusal_message(attendee, user))


def submit_declaration(attendee: Attendee, raw: dict, *, channel: str = "link", actor: Any = None,
                       ip: str | None = None, proofs: dict | None = None) -> Declaration:
    """Judge the answers at once, keep them as the attendee's current declaration.

    The audit entry names who really acted: the logged-in health officer (`actor`, channel
    staff), or else the holder of the personal link (`declaration-link`, with the address).
    `proofs` are screenshots already checked by `check_proof` (kind → (bytes, ext, content type)).
    Not eligible: the venue's coordinators get an e-mail naming the person and the rule (no detail).
    """
    answers, errors = clean_answers(raw, questions_for(attendee), attendee.event)
    if errors:
        raise Invalid(_("请按提示修改后再提交。"), errors)
    verdict = judge(attendee, answers)
    with transaction.atomic():
        previous = current_declaration(attendee)
        Declaration.objects.filter(attendee=attendee, current=True).update(current=False)
        decl = Declaration.objects.create(
            attendee=attendee, event_id=attendee.event_id, answers=answers, reasons=verdict.reasons,
            verdict=verdict.verdict, verdict_rules=verdict.rule_kinds, verdict_titles=verdict.rule_titles,
            channel=channel, current=True,
        )
        if proofs:
            attach_proofs(decl, proofs)
        record("declaration.submit", actor=actor, actor_label="" if actor else "declaration-link",
               event=attendee.event, venue=attendee.venue, obj=decl, ip=ip, note=channel,
               before={"verdict": previous.verdict} if previous else None,
               after={"verdict": decl.verdict, "rules": decl.verdict_rules})
        if decl.verdict == engine.NOT_ELIGIBLE and (previous is None or previous.verdict != engine.NOT_ELIGIBLE):
            notify_not_eligible(attendee, decl)
    return decl


def coordinator_emails(venue: Venue, attendee: Attendee | None = None) -> list[str]:
    """The venue's coordinators (at the main venue: the attendee's own unit), by account and invitation."""
    from huiwu.receipts.services import venue_recipients

    unit = attendee.filed_by_unit if attendee is not None and attendee.filed_by_unit_id else None
    return venue_recipients([(venue, unit)], contact=False)[0]


def coordinator_page_path(venue: Venue) -> str:
    return reverse("admission:venue", args=[venue.event.slug, venue.code])


def notify_not_eligible(attendee: Attendee, decl: Declaration) -> Any:
    """Tell the venue's coordinators to name a replacement: the person and the rule, never the detail."""
    venue, event = attendee.venue, attendee.event
    titles = decl.verdict_titles or rule_titles(event, decl.verdict_rules)
    base = getattr(settings, "HUIWU_BASE_URL", "").rstrip("/")
    body = _(
        "%(event)s\n\n%(venue)s的参会人员%(name)s（%(unit)s）不符合入场条件。\n相关规则：%(rules)s\n\n"
        "请登录系统为其指定替换人员：%(url)s\n\n（按规定，本邮件不含个人健康信息。）"
    ) % {"event": event.title, "venue": venue.name, "name": attendee.name, "unit": attendee.unit,
         "rules": _("；").join(titles), "url": base + coordinator_page_path(venue)}
    return queue_mail(coordinator_emails(venue, attendee),
                      _("请更换参会人员：%(venue)s %(name)s") % {"venue": venue.name, "name": attendee.name},
                      body, kind="admission.not_eligible", event=event, venue=venue)


def rule_titles(event: Event, kinds: list[str]) -> list[str]:
    """Names of the rules of these kinds (what coordinators and door staff may see)."""
    by_kind: dict[str, str] = {}
    for r in rule_objects(event):
        by_kind.setdefault(r.kind, r.title)
    labels = dict(AdmissionRule.Kind.choices)
    return [by_kind.get(k) or str(labels.get(k, k)) for k in kinds]


@dataclass
class DoorVerdict:
    """What the door (and the coordinator) sees: the verdict and rule names, never answers."""

    verdict: str
    rules: list[str]
    rule_kinds: list[str]
    declared_at: datetime | None
    declaration: Declaration | None = None
    #: no admission rule holds at the venue: "eligible" then only means nothing was checked
    unruled: bool = False

    @property
    def label(self) -> str:
        if self.unruled:
            return _("未设置规则")
        return str(Declaration.Verdict(self.verdict).label)


def _undeclared(empty: engine.Verdict) -> DoorVerdict:
    """No declaration: eligible where no rule holds, else pending until the attendee declares."""
    if empty.verdict == engine.ELIGIBLE:
        return DoorVerdict(engine.ELIGIBLE, [], [], None)
    return DoorVerdict(engine.PENDING, [_("尚未填写健康申报")], [], None)


def door_verdict(attendee: Attendee) -> DoorVerdict:
    """Judged again at the door: the current declaration under the rules as they are now.

    After the purge the stored verdict stands; no declaration at all is pending.
    """
    if not rules_for(attendee.venue):
        return DoorVerdict(engine.ELIGIBLE, [], [], None, current_declaration(attendee), unruled=True)
    decl = current_declaration(attendee)
    if decl is None:
        return _undeclared(judge(attendee, {}))
    if decl.answers is None:
        kinds = list(decl.verdict_rules or [])
        titles = list(decl.verdict_titles or []) or rule_titles(attendee.event, kinds)
        return DoorVerdict(decl.verdict, titles, kinds, decl.submitted_at, decl)
    verdict = judge(attendee, decl.answers)
    return DoorVerdict(verdict.verdict, verdict.rule_titles, verdict.rule_kinds,
                       decl.submitted_at, decl)


def evaluate_attendee(attendee: Attendee) -> engine.Verdict:
    """The full engine verdict (with reason texts) for the attendee's current declaration: health role only."""
    decl = current_declaration(attendee)
    return judge(attendee, decl.answers if decl and decl.answers is not None else {})


@dataclass
class RuleSet:
    """An event's admission rules made ready to judge many people with (`rule_set`; the door keeps
    one for a second): the engine's form of the enabled rules, and per venue whether any of them
    holds there and the verdict of someone who has not declared, each found once."""

    rules: list[AdmissionRule]
    as_dicts: list[dict]
    unruled: dict[int, bool] = field(default_factory=dict)
    undeclared: dict[int, DoorVerdict] = field(default_factory=dict)


def rule_set(event: Event) -> RuleSet:
    rules = rule_objects(event)
    return RuleSet(rules, [r.as_dict() for r in rules if r.enabled])


def verdicts(attendees: list[Any], event: Event, ruleset: RuleSet | None = None,
             decls: dict[int, Declaration] | None = None) -> list[tuple[Any, DoorVerdict]]:
    """Door verdicts for many attendees of one event: one query for their declarations, one for the rules
    (none when the caller passes a `rule_set` of the event: the check-in scan keeps one for a second;
    nor when it passes the current declarations by attendee id, read with the person).

    Everyone at a venue who has not declared gets the same verdict: it is judged once per venue and
    kept in the rule set."""
    if decls is None:
        decls = {d.attendee_id: d for d in
                 Declaration.objects.filter(attendee__in=[a.pk for a in attendees], current=True)}
    ruleset = rule_set(event) if ruleset is None else ruleset
    all_rules, as_dicts, unruled, undeclared = ruleset.rules, ruleset.as_dicts, ruleset.unruled, ruleset.undeclared
    titles: dict[str, str] = {}  # made when a purged declaration needs them (rule_title translates)

    def title(kind: str) -> str:
        if not titles:
            for r in all_rules:
                titles.setdefault(r.kind, r.title)
        return titles.get(kind, kind)
    tz = event_tz(event)
    out = []
    for a in attendees:
        d = decls.get(a.pk)
        if a.venue_id not in unruled:
            unruled[a.venue_id] = not engine.rules_at(as_dicts, a.venue.kind, a.venue.code)
        if unruled[a.venue_id]:
            out.append((a, DoorVerdict(engine.ELIGIBLE, [], [], d.submitted_at if d else None, d, unruled=True)))
        elif d is None:
            if a.venue_id not in undeclared:
                venue = a.venue
                undeclared[a.venue_id] = _undeclared(engine.evaluate(as_dicts, {}, event.starts_at, venue.kind,
                                                                     venue.code, tz=tz))
            out.append((a, undeclared[a.venue_id]))
        elif d.answers is None:
            kinds = list(d.verdict_rules or [])
            named = list(d.verdict_titles or []) or [title(k) for k in kinds]
            out.append((a, DoorVerdict(d.verdict, named, kinds, d.submitted_at, d)))
        else:
            venue = a.venue
            v = engine.evaluate(as_dicts, d.answers, event.starts_at, venue.kind, venue.code, tz=tz)
            out.append((a, DoorVerdict(v.verdict, v.rule_titles, v.rule_kinds,
                                       d.submitted_at, d)))
    return out


def has_rules(event: Event, venue: Venue | None = None) -> bool:
    """Whether any enabled admission rule holds (at the venue, or anywhere in the event): without one,
    pages that show verdicts say so instead of calling everyone eligible."""
    rules = event_rules(event)
    return bool(engine.rules_at(rules, venue.kind, venue.code) if venue is not None else rules)


def venue_verdicts(venue: Venue, unit_ids: set[int] | None = None) -> list[tuple[Attendee, DoorVerdict]]:
    """Every active attendee of the venue (of the given units) with the door verdict."""
    qs = Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE).select_related("event", "venue")
    if unit_ids is not None:
        qs = qs.filter(filed_by_unit_id__in=unit_ids)
    return verdicts(list(qs.order_by("order", "id")), venue.event)


def event_verdicts(event: Event) -> list[tuple[Attendee, DoorVerdict]]:
    """Every active attendee of the event with the door verdict, in venue order."""
    qs = (Attendee.objects.filter(event=event, status=Attendee.Status.ACTIVE).select_related("event", "venue")
          .order_by("venue__order", "venue_id", "order", "id"))
    return verdicts(list(qs), event)


def verdict_summary(event: Event) -> list[dict]:
    """Per venue: how many attendees are eligible, not eligible, pending (for the organizer)."""
    by_venue: dict[int, dict] = {}
    for v in Venue.objects.filter(event=event).order_by("order", "id"):
        by_venue[v.pk] = {"venue": v, engine.ELIGIBLE: 0, engine.NOT_ELIGIBLE: 0, engine.PENDING: 0, "total": 0}
    for row in by_venue.values():
        row["unruled"] = False
    for a, dv in event_verdicts(event):
        row = by_venue[a.venue_id]
        row[dv.verdict] += 1
        row["total"] += 1
        row["unruled"] = row["unruled"] or dv.unruled
    return list(by_venue.values())


def record_list_view(event: Event, actor: Any, count: int, ip: str | None = None) -> None:
    record("declaration.list", actor=actor, event=event, after={"count": count}, ip=ip)


ANSWER_LABELS = {
    "symptoms": gettext_lazy("疑似症状"), "risk_area_contact": gettext_lazy("中高风险地区人员接触史"),
    "risk_area_stay": gettext_lazy("中高风险地区驻留史"), "health_code": gettext_lazy("健康码"),
    "itinerary_code_ok": gettext_lazy("行程码正常"), "returned_from_travel": gettext_lazy("出差返回"),
    "nucleic_acid_test": gettext_lazy("核酸检测"),
}


def describe_answers(answers: dict | None) -> list[tuple[str, str]]:
    """The answers in words, for the health officer's page."""
    if answers is None:
        return []
    out = []
    for key in engine.QUESTIONS:
        if key not in answers:
            continue
        value = answers[key]
        if key == "health_code":
            text = _(engine.COLOR_LABELS[value]) if value in engine.COLOR_LABELS else _("未填")
        elif key == "nucleic_acid_test":
            if not value:
                text = _("未检测")
            else:
                results = {"negative": _("阴性（无异常）"), "positive": _("阳性（异常）"), "pending": _("结果未出")}
                moment = engine.parse_moment(value.get("sampled_at"), ZoneInfo(settings.TIME_ZONE))
                when = moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M") if moment else "?"
                text = _("采样%(when)s，%(result)s") % {"when": when, "result": results.get(value.get("result"), "?")}
        else:
            text = {True: _("是"), False: _("否")}.get(value, _("未填"))
        out.append((str(ANSWER_LABELS[key]), text))
    return out


def view_declaration(decl: Declaration, actor: Any, ip: str | None = None) -> Declaration:
    """Record that the health role looked at a declaration's details (every view is audited)."""
    record("declaration.view", actor=actor, event=decl.event, venue=decl.attendee.venue, obj=decl, ip=ip)
    return decl


# -- replacement ---------------------------------------------------------------------------------------
class AlreadyReplaced(ApiError):
    def __init__(self, message: str):
        super().__init__("conflict", message, 409)


def replace_attendee(attendee: Attendee, data: dict, *, actor: Any = None) -> Attendee:
    """Put `data` (name, unit, position, phone, category) in the place of a not-eligible attendee.

    One transaction under the venue's lock: the old attendee is marked replaced only if still
    active (two replacements racing for one place: the first wins, the second gets a conflict),
    the venue's active count is checked against its capacity, the new attendee is inserted with
    `replaces` set, and the replacement is recorded with the rule and the actor.
    """
    from huiwu.receipts.services import validate_attendee

    clean, errors = validate_attendee(data, attendee.event)
    if errors:
        fields: dict[str, list[str]] = {}
        for e in errors:
            fields.setdefault(e["field"], []).append(e["message"])
        raise Invalid("".join(e["message"] for e in errors), fields)
    venue = attendee.venue
    from huiwu.receipts.services import check_not_elsewhere

    # one person, one venue: the replacement may not stand on another list of the event (409)
    check_not_elsewhere(venue, attendee.filed_by_unit if venue.kind == venue.Kind.MAIN else None, [clean], actor=actor)
    with transaction.atomic():
        lock_venue(venue.pk)
        fresh = Attendee.objects.select_related("event", "venue").get(pk=attendee.pk)
        if fresh.status != Attendee.Status.ACTIVE:
            raise AlreadyReplaced(_("%(name)s已被更换或已撤回，无需再次更换。请刷新页面查看最新名单。") % {"name": fresh.name})
        verdict = door_verdict(fresh)
        if verdict.verdict != engine.NOT_ELIGIBLE:
            raise Invalid(_("%(name)s目前没有被判定为不符合入场条件，无需更换。如需调整名单，请修改回执。") % {"name": fresh.name})
        if not Attendee.objects.filter(pk=fresh.pk, status=Attendee.Status.ACTIVE).update(
                status=Attendee.Status.REPLACED, updated_at=timezone.now()):
            raise AlreadyReplaced(_("%(name)s已被更换，请刷新页面查看最新名单。") % {"name": fresh.name})
        active = Attendee.objects.filter(venue=venue, status=Attendee.Status.ACTIVE)
        if active.count() >= venue.capacity:
            raise CapacityFull(_("%(venue)s已满：人数上限为%(cap)s人。") % {"venue": venue.name, "cap": venue.capacity})
        if active.filter(name=clean["name"], phone=clean["phone"]).exists():
            raise Invalid(_("%(name)s已在本会场名单中，请换一位人员。") % {"name": clean["name"]},
                          {"name": [_("已在名单中")]})
        new = Attendee.objects.create(
            event_id=venue.event_id, venue=venue, filed_by_unit_id=fresh.filed_by_unit_id, replaces=fresh,
            order=fresh.order or (Attendee.objects.filter(venue=venue).aggregate(m=Max("order"))["m"] or 0) + 1,
            **clean,
        )
        kind = verdict.rule_kinds[0] if verdict.rule_kinds else ""
        title = verdict.rules[0] if verdict.rules else ""
        Replacement.objects.create(event_id=venue.event_id, venue=venue, replaced=fresh, replacement=new,
                                   rule=kind, rule_title=title[:120], declaration=verdict.declaration,
                                   actor=actor if getattr(actor, "is_authenticated", False) else None)
        record("attendee.replace", actor=actor, event=venue.event, venue=venue, obj=new,
               before={"id": fresh.pk, "name": fresh.name}, after={"id": new.pk, "name": new.name, "rule": kind})
    return new


def replacement_history(venue: Venue) -> list[Replacement]:
    return list(Replacement.objects.filter(venue=venue).select_related("replaced", "replacement", "actor"))


# -- purge and export -----------------------------------------------------------------------------------
def purge_declarations(older_than_days: int | None = None, *, now: datetime | None = None,
                       event: Event | None = None) -> int:
    """Delete the details (answers, reason texts) of declarations for events that ended more than
    `older_than_days` (default settings.HUIWU_PURGE_AFTER_DAYS) ago; verdicts and rule names stay."""
    days = settings.HUIWU_PURGE_AFTER_DAYS if older_than_days is None else older_than_days
    if days < 0:
        raise ValueError("older_than_days must be >= 0")
    moment = now or timezone.now()
    cutoff = moment - timedelta(days=days)
    events = Event.objects.filter(ends_at__lte=cutoff)
    if event is not None:
        events = events.filter(pk=event.pk)
    total = 0
    for ev in events:
        with transaction.atomic():
            n = Declaration.objects.filter(event=ev, purged_at__isnull=True).update(
                answers=None, reasons=None, purged_at=moment)
            proofs = _purge_proofs(ev)
            if n or proofs:
                record("declaration.purge", event=ev, after={"count": n, "days": days, "proofs": proofs})
        total += n
    return total


def eligibility_rows(event: Event) -> list[dict]:
    """One row per active attendee: venue, name, unit, position, verdict, rule names. No answers."""
    return [{"venue_code": a.venue.code, "venue": a.venue.name, "name": a.name, "unit": a.unit,
             "position": a.position, "verdict": v.verdict, "verdict_label": v.label,
             "rules": _("；").join(v.rules) if v.verdict != engine.ELIGIBLE else ""}
            for a, v in event_verdicts(event)]


def eligibility_csv(event: Event, actor: Any = None) -> str:
    """The eligibility list as CSV (UTF-8 with BOM, so Excel opens it); audited as an export."""
    rows = eligibility_rows(event)
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow([_("会场代码"), _("会场"), _("姓名"), _("单位"), _("职务"), _("入场结论"), _("相关规则")])
    for r in rows:
        w.writerow([safe_cell(str(r[k] or "")) for k in ("venue_code", "venue", "name", "unit", "position", "verdict_label", "rules")])
    record("admission.export", actor=actor, event=event, after={"rows": len(rows)})
    return buf.getvalue()
