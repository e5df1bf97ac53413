"""API: admission rules, a venue's verdicts (never health details), personal declaration links,
replacements, and the rule engine itself — the pages' rules, as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status

from huiwu.accounts.tenancy import resolve_event, resolve_venue
from huiwu.core.api_types import choices
from huiwu.core.errors import Invalid
from huiwu.receipts.api import PersonIn
from huiwu.receipts.models import Attendee
from huiwu.receipts.services import own_unit_ids
from huiwu.venues.models import Venue

from . import engine, services
from .models import Declaration

router = Router(tags=["admission"])

BASE = "/events/{event}/venues/{venue}"


class RuleOut(Schema):
    id: int
    title: str
    enabled: bool
    rule: dict[str, Any]


class RulesIn(Schema):
    #: rules as `huiwu notice parse --json` gives them under admission_rules
    rules: list[dict[str, Any]]


class VerdictOut(Schema):
    attendee_id: int
    name: str
    unit: str
    verdict: choices(Declaration.Verdict)  # type: ignore[valid-type]
    #: names of the rules behind the verdict (never a health detail)
    rules: list[str]
    declared_at: datetime | None = None


class LinkOut(Schema):
    url: str
    sms: str
    expires_at: datetime


class ReplacementIn(PersonIn):
    """The person taking the place: the same fields as an attendee's receipt row."""


class ReplacementOut(Schema):
    id: int
    name: str
    replaces: int
    rule: str


class EvaluateIn(Schema):
    rules: list[dict[str, Any]]
    declaration: dict[str, Any]
    event_start: datetime
    venue_kind: choices(Venue.Kind)  # type: ignore[valid-type]
    venue_code: str | None = None
    time_zone: str | None = None


class EvaluateOut(Schema):
    verdict: choices(Declaration.Verdict)  # type: ignore[valid-type]
    reasons: list[dict[str, str]]


def _rule_out(r) -> dict:
    return {"id": r.pk, "title": r.title, "enabled": r.enabled, "rule": r.as_dict()}


@router.get("/events/{event}/admission/rules", response=list[RuleOut], summary=gettext_lazy("会议的入场规则"))
def list_rules(request, event: str):
    ev = resolve_event(request.auth, event, "event.view", request)
    return [_rule_out(r) for r in services.rule_objects(ev)]


@router.put("/events/{event}/admission/rules", response=list[RuleOut], summary=gettext_lazy("采用一组入场规则（替换原有规则）"))
def put_rules(request, event: str, payload: RulesIn):
    ev = resolve_event(request.auth, event, "event.manage", request)
    services.adopt_rules(ev, payload.rules, actor=request.auth, source="api")
    return [_rule_out(r) for r in services.rule_objects(ev)]


def _attendee(request, venue, attendee_id: int) -> Attendee:
    qs = Attendee.objects.select_related("event", "venue").filter(venue=venue, pk=attendee_id,
                                                                  status=Attendee.Status.ACTIVE)
    units = own_unit_ids(request.auth, venue)
    if units is not None:
        qs = qs.filter(filed_by_unit_id__in=units)
    a = qs.first()
    if a is None:
        raise Http404("attendee")
    return a


@router.get(BASE + "/admission", response=list[VerdictOut], summary=gettext_lazy("会场参会人员的入场结论（不含健康信息）"))
def venue_verdicts(request, event: str, venue: str):
    v = resolve_venue(request.auth, event, venue, "admission.verdict", request)
    rows = services.venue_verdicts(v, own_unit_ids(request.auth, v))
    return [{"attendee_id": a.pk, "name": a.name, "unit": a.unit, "verdict": d.verdict,
             "rules": d.rules if d.verdict != engine.ELIGIBLE else [], "declared_at": d.declared_at}
            for a, d in rows]


@router.get(BASE + "/attendees/{attendee_id}/declaration-link", response=LinkOut, summary=gettext_lazy("参会人员的健康申报链接"))
def declaration_link(request, event: str, venue: str, attendee_id: int):
    v = resolve_venue(request.auth, event, venue, "venue.edit", request)
    a = _attendee(request, v, attendee_id)
    url = services.declaration_url(a)
    return {"url": url, "sms": services.sms_text(a, url), "expires_at": services.link_expires_at(a)}


@router.post(BASE + "/attendees/{attendee_id}/replacement", response={201: ReplacementOut},
             summary=gettext_lazy("为不符合入场条件的人员指定替换人员（名额内原子完成）"))
def replace(request, event: str, venue: str, attendee_id: int, payload: ReplacementIn):
    v = resolve_venue(request.auth, event, venue, "venue.edit", request)
    old = _attendee(request, v, attendee_id)
    new = services.replace_attendee(old, payload.dict(), actor=request.auth)
    return Status(201, {"id": new.pk, "name": new.name, "replaces": old.pk,
                        "rule": new.replacing_record.rule})


@router.post("/admission/evaluate", response=EvaluateOut, summary=gettext_lazy("按规则判断一份申报（与 huiwu admission evaluate 相同）"))
def evaluate(request, payload: EvaluateIn):
    if payload.venue_kind not in ("main", "branch"):
        raise Invalid(_("venue_kind 应为 main 或 branch。"), {"venue_kind": [_("应为 main 或 branch")]})
    try:
        verdict = engine.evaluate(payload.rules, payload.declaration, payload.event_start, payload.venue_kind,
                                  payload.venue_code, tz=payload.time_zone or settings.TIME_ZONE)
    except (KeyError, ValueError) as exc:  # an unknown time zone name
        raise Invalid(_("时区“%(tz)s”无效，请写成 Asia/Shanghai 这样的名称。") % {"tz": payload.time_zone},
                      {"time_zone": [_("时区无效")]}) from exc
    return verdict.to_dict()
