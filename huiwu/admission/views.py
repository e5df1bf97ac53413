"""Admission pages: the attendee's declaration (personal link), the venue's verdicts and
replacements, the health officer's declarations, the organizer's rules and eligibility export."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from huiwu.accounts.tenancy import public, scoped
from huiwu.core.errors import ApiError, Invalid
from huiwu.events import categories
from huiwu.receipts.models import Attendee
from huiwu.receipts.services import own_unit_ids

from . import engine, services
from .forms import AdoptForm, ReplacementForm
from .models import AdmissionRule, Declaration, DeclarationProof


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


# -- the attendee ------------------------------------------------------------------------------------
def _question_texts(attendee: Attendee) -> dict[str, str]:
    """The questions in plain Chinese, with the dates the rule's window covers."""
    event = attendee.event
    tz = services.event_tz(event)
    start = event.starts_at.astimezone(tz)
    rules = {r["kind"]: r for r in services.rules_for(attendee.venue)}

    def since(kind: str) -> str:
        days = engine.as_int(rules.get(kind, {}).get("window_days"))
        if not days:
            return _("近期")
        first = start.date() - timedelta(days=days)
        return ngettext("%(m)s月%(d)s日以来（会前%(days)s天内）", "%(m)s月%(d)s日以来（会前%(days)s天内）", days) % {
            "m": first.month, "d": first.day, "days": days}

    hc = rules.get("health_code", {})
    test = rules.get("nucleic_acid_test", {})
    hours = engine.as_int(test.get("window_hours"))
    earliest = start - timedelta(hours=hours) if hours else None
    return {
        "symptoms": _("%(since)s，您是否有发热、干咳、乏力、咽痛、嗅（味）觉减退等新冠肺炎疑似症状？") % {"since": since("symptoms")},
        "risk_area_contact": _("%(since)s，您是否接触过来自疫情中高风险地区的人员？") % {"since": since("risk_area_contact")},
        "risk_area_stay": _("%(since)s，您是否到过或停留在疫情中高风险地区？") % {"since": since("risk_area_stay")},
        "health_code": _("您的“%(issuer)s”是什么颜色？") % {"issuer": hc.get("issuer") or _("健康码")},
        "itinerary_code_ok": _("您的通信大数据行程卡（行程码）是否正常（绿色、不带星号）？"),
        "returned_from_travel": _("您是否是出差（外出）后返回参会地？"),
        "nucleic_acid_test": (_("您是否已在%(from)s至%(to)s之间做过核酸检测？") % {
            "from": services.local_time(earliest, event), "to": services.local_time(start, event)})
        if earliest else _("您是否已在会前做过核酸检测？"),
    }


PROOF_LABELS = {"itinerary_code": gettext_lazy("行程码截图"), "health_code": gettext_lazy("健康码（健康宝）截图")}


def _proofs_from(request, kinds: list[str]) -> dict[str, tuple[bytes, str, str]]:
    """The screenshots the rules ask for, each checked by its first bytes and size (files package)."""
    files: dict[str, tuple[bytes, str, str]] = {}
    errors: dict[str, list[str]] = {}
    for kind in kinds:
        upload = request.FILES.get("proof_" + kind)
        if upload is None:
            errors["proof_" + kind] = [_("请上传%(what)s（图片，PNG 或 JPG）。") % {"what": PROOF_LABELS[kind]}]
            continue
        data = upload.read(services.PROOF_BYTES + 1)
        try:
            ext, ctype = services.check_proof(data)
        except ApiError as exc:
            errors["proof_" + kind] = [exc.message]
        else:
            files[kind] = (data, ext, ctype)
    if errors:
        raise Invalid(_("请按提示修改后再提交。"), errors)
    return files


@public
def declare(request, token):
    """The attendee's declaration page: phone-first, only what the venue's rules need, verdict at once.

    Write-only: whoever opens the link (it is handed around by coordinators) never sees earlier
    answers or their verdict; a new declaration starts blank and the page says one exists. A
    browser logged in as anyone but the event's health officer may not post (services.declaring_as).
    """
    try:
        attendee = services.attendee_for_token(token)
    except services.LinkInvalid as exc:
        return render(request, "admission/link_invalid.html", {"message": str(exc)}, status=404)
    asked = services.questions_for(attendee)
    errors: dict = {}
    decl = verdict = None
    values: dict = {}
    refused = ""
    status = 200
    if request.user.is_authenticated and not services.may_declare(attendee, request.user):
        refused = services.refusal_message(attendee, request.user)
    proof_kinds = services.proof_kinds(attendee)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in (*engine.QUESTIONS, "test_taken", "sampled_at", "result")}
        try:
            channel, actor = services.declaring_as(attendee, request.user)
            proofs = _proofs_from(request, proof_kinds)
            decl = services.submit_declaration(attendee, values, channel=channel, actor=actor, ip=_ip(request),
                                               proofs=proofs)
        except services.NotYourDeclaration as exc:
            refused, values, status = exc.message, {}, 403
        except ApiError as exc:
            errors = exc.fields or {"__all__": [exc.message]}
        else:
            verdict = services.judge(attendee, decl.answers)
    previous = services.current_declaration(attendee) if decl is None else None
    texts = _question_texts(attendee)
    return render(request, "admission/declare.html", {
        "attendee": attendee, "event": attendee.event, "venue": attendee.venue, "asked": asked,
        "questions": [{"key": q, "text": texts[q], "value": values.get(q, ""), "errors": errors.get(q, []),
                       "yes": _("正常") if q == "itinerary_code_ok" else _("是"),
                       "no": _("不正常") if q == "itinerary_code_ok" else _("否")}
                      for q in asked if q not in ("nucleic_acid_test", "returned_from_travel")],
        "ask_travel": "returned_from_travel" in asked, "ask_test": "nucleic_acid_test" in asked,
        "texts": texts, "errors": errors, "general_errors": errors.get("__all__") or
        ([_("请按提示修改后再提交。")] if errors else []), "values": values, "decl": decl, "verdict": verdict,
        "previous_at": previous.submitted_at if previous else None, "refused": refused,
        "proofs": [{"kind": k, "label": PROOF_LABELS[k], "errors": errors.get("proof_" + k, [])} for k in proof_kinds],
        "submitted": decl is not None,
        "verdict_label": dict(Declaration.Verdict.choices).get(verdict.verdict) if verdict else None,
    }, status=status)


# -- the venue: coordinator, main-venue unit, door --------------------------------------------------------
def _unit_filter(request, event, venue) -> set[int] | None:
    """A main-venue unit answers for its own people only; every other role sees the whole venue."""
    return own_unit_ids(request.user, venue)


def _own_attendee(request, event, venue, attendee_id: int) -> Attendee:
    """An active attendee of this venue that the user answers for (main-venue units: their own)."""
    attendee = get_object_or_404(Attendee.objects.select_related("event", "venue"), pk=attendee_id, venue=venue)
    unit_ids = _unit_filter(request, event, venue)
    if unit_ids is not None and attendee.filed_by_unit_id not in unit_ids:
        raise Http404
    return attendee


@scoped("admission.verdict")
def venue_page(request, event, venue):
    """The venue's attendees with their verdicts and rule names (never health details)."""
    access = request.access
    unit_ids = _unit_filter(request, event, venue)
    rows = services.venue_verdicts(venue, unit_ids)
    counts = {k: 0 for k in engine.VERDICTS}
    for _a, v in rows:
        counts[v.verdict] += 1
    history = services.replacement_history(venue)
    if unit_ids is not None:
        history = [h for h in history if h.replaced.filed_by_unit_id in unit_ids]
    return render(request, "admission/venue.html", {
        "event": event, "venue": venue, "rows": rows, "counts": counts, "history": history,
        "can_edit": access.can("venue.edit", event, venue),
        "can_set_local": venue.kind == "branch" and unit_ids is None and access.can("venue.edit", event, venue),
        "local_rules": services.local_rules(venue), "kinds": AdmissionRule.Kind.choices,
        "rules": [r for r in services.rule_objects(event) if r.enabled
                  and engine.applies(r.as_dict(), venue.kind, venue.code)],
    })


def _rule_from(post) -> dict:
    """One rule from a rule form (`_rule_fields.html`: the venue page's local rules, the rules page's
    event rules): the window fields the kind needs."""
    kind = post.get("kind", "")
    rule: dict = {"kind": kind}
    if kind in ("symptoms", "risk_area_contact", "risk_area_stay"):
        rule["window_days"] = _positive(post.get("window_days"), _("天数"), 60)
    elif kind == "nucleic_acid_test":
        rule["window_hours"] = _positive(post.get("window_hours"), _("小时数"), 24 * 14)
        rule["applies_to"] = "returned_from_travel" if post.get("applies_to") == "returned_from_travel" else "all"
    elif kind == "health_code":
        rule["color"] = "green"
        rule["issuer"] = (post.get("issuer") or "").strip()[:30] or None
    return rule


def _positive(value, what: str, most: int) -> int:
    number = engine.as_int(value)
    if number is None or number > most:
        raise Invalid(_("%(what)s应为1到%(most)s之间的整数。") % {"what": what, "most": most})
    return number


@require_POST
@scoped("venue.edit")
def local_rules(request, event, venue):
    """A branch venue's own rules, beside the event's (its local epidemic-control requirements)."""
    if _unit_filter(request, event, venue) is not None:
        raise PermissionDenied
    current = services.local_rules(venue)
    try:
        if request.POST.get("action") == "delete":
            keep = [r.as_dict() for r in current if str(r.pk) != request.POST.get("rule")]
            services.set_local_rules(venue, keep, actor=request.user)
            messages.success(request, _("已删除本地规则。"))
        else:
            new = _rule_from(request.POST)
            keep = [r.as_dict() for r in current if r.kind != new["kind"]]
            services.set_local_rules(venue, [*keep, new], actor=request.user)
            messages.success(request, _("已添加本地规则：%(t)s") % {"t": engine.rule_title(new)})
    except ApiError as exc:
        messages.error(request, exc.message)
    return redirect("admission:venue", event.slug, venue.code)


@scoped("venue.edit")
def link(request, event, venue, attendee_id):
    """An attendee's personal declaration link: QR code and a short SMS text."""
    attendee = _own_attendee(request, event, venue, attendee_id)
    if attendee.status != Attendee.Status.ACTIVE:
        raise Http404
    url = services.declaration_url(attendee)
    return render(request, "admission/link.html", {
        "event": event, "venue": venue, "attendee": attendee, "url": url, "qr": services.qr_svg(url),
        "sms": services.sms_text(attendee, url), "expires": services.link_expires_at(attendee),
    })


def _link_rows(request, event, venue):
    return services.link_rows(venue, _unit_filter(request, event, venue))


@scoped("venue.edit")
def links(request, event, venue):
    """Every attendee's declaration link to send without opening it: status (sent, declared — never
    the answers), copy all, an SMS text per person, mail where an address is given, the QR sheet."""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "mail":
                attendee = _own_attendee(request, event, venue, int(request.POST.get("attendee") or 0))
                if attendee.status != Attendee.Status.ACTIVE:
                    raise Http404
                services.mail_link(attendee, request.POST.get("email", ""), actor=request.user)
                messages.success(request, _("已把申报链接发往 %(to)s（邮件在发件箱中，发送后可在“邮件”页查看）。")
                                 % {"to": request.POST.get("email", "").strip()})
            elif action in ("sms", "print"):
                people = [r.attendee for r in _link_rows(request, event, venue)]
                wanted = request.POST.get("attendee")
                if wanted:
                    people = [a for a in people if str(a.pk) == wanted]
                n = services.mark_links_sent(people, action, actor=request.user)
                messages.success(request, ngettext("已标记%(n)s人的链接为已发送。", "已标记%(n)s人的链接为已发送。", n) % {"n": n})
            else:
                raise PermissionDenied
        except ApiError as exc:
            messages.error(request, exc.message)
        except ValueError as exc:
            raise Http404 from exc
        return redirect("admission:links", event.slug, venue.code)
    rows = _link_rows(request, event, venue)
    return render(request, "admission/links.html", {
        "event": event, "venue": venue, "rows": rows,
        "all_links": "\n".join(f"{r.attendee.name} {r.url}" for r in rows),
        "declared": sum(1 for r in rows if r.declared_at), "sent": sum(1 for r in rows if r.sent),
    })


@scoped("venue.edit")
def links_print(request, event, venue):
    """One QR code per person, to print and hand out (each person scans their own)."""
    rows = _link_rows(request, event, venue)
    return render(request, "admission/links_print.html", {
        "event": event, "venue": venue, "rows": [(r, services.qr_svg(r.url)) for r in rows],
        "expires": services.link_expires_at(rows[0].attendee) if rows else None,
    })


@scoped("venue.edit")
def replace(request, event, venue, attendee_id):
    """Name the person who takes a not-eligible attendee's place (within the venue's capacity)."""
    attendee = _own_attendee(request, event, venue, attendee_id)
    verdict = services.door_verdict(attendee)
    form = ReplacementForm(request.POST or None, initial={"unit": attendee.unit, "category": attendee.category},
                           categories=categories.of(event, venue.kind))
    if request.method == "POST" and form.is_valid():
        try:
            new = services.replace_attendee(attendee, form.cleaned_data, actor=request.user)
        except ApiError as exc:
            for field, msgs in (exc.fields or {}).items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("已由%(new)s替换%(old)s。请把申报链接发给%(new)s。") % {"new": new.name, "old": attendee.name})
            return redirect("admission:link", event.slug, venue.code, new.pk)
    return render(request, "admission/replace.html", {
        "event": event, "venue": venue, "attendee": attendee, "verdict": verdict, "form": form,
    })


# -- health officer ----------------------------------------------------------------------------------------
@scoped("declaration.view")
def health_list(request, event):
    """Every attendee's current declaration: verdicts here, details one at a time (each view audited)."""
    qs = (Declaration.objects.filter(event=event, current=True)
          .select_related("attendee", "attendee__venue").order_by("attendee__venue__order", "attendee__order"))
    wanted = request.GET.get("verdict")
    if wanted in engine.VERDICTS:
        qs = qs.filter(verdict=wanted)
    decls = list(qs[:2000])
    services.record_list_view(event, request.user, len(decls), _ip(request))
    return render(request, "admission/health_list.html", {"event": event, "decls": decls, "wanted": wanted,
                                                           "verdicts": Declaration.Verdict.choices})


@scoped("declaration.view")
def proof(request, event, proof_id):
    """One screenshot attached to a declaration: the health role only, each view audited, not cached."""
    from django.http import FileResponse

    item = get_object_or_404(DeclarationProof.objects.select_related("declaration__attendee__venue", "event"),
                             pk=proof_id, event=event)
    if not item.file:
        raise Http404
    services.view_proof(item, request.user, _ip(request))
    resp = FileResponse(item.file.open("rb"), content_type=item.content_type)
    resp["Cache-Control"] = "no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Disposition"] = "inline"
    return resp


@scoped("declaration.view")
def health_detail(request, event, declaration_id):
    """One declaration's answers and reasons (audited as declaration.view)."""
    decl = get_object_or_404(Declaration.objects.select_related("attendee", "attendee__venue", "event"),
                             pk=declaration_id, event=event)
    services.view_declaration(decl, request.user, _ip(request))
    history = Declaration.objects.filter(attendee=decl.attendee).order_by("-submitted_at")
    return render(request, "admission/health_detail.html", {
        "event": event, "decl": decl, "answers": services.describe_answers(decl.answers), "history": history,
        "proofs": list(decl.proofs.all()),
        "door": services.door_verdict(decl.attendee),
    })


# -- organizer ---------------------------------------------------------------------------------------------
@scoped("event.manage")
def rules_page(request, event):
    """The event's rules: presets, one rule at a time by a form, rules pasted as JSON, switch rules on
    and off or delete them; verdict counts per venue."""
    form = AdoptForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "preset":
                rules = services.apply_preset(event, request.POST.get("name", ""), actor=request.user)
                messages.success(request, ngettext("已使用预设规则（%(n)s条）。", "已使用预设规则（%(n)s条）。", len(rules)) % {"n": len(rules)})
            elif action == "adopt":
                form = AdoptForm(request.POST)
                if form.is_valid():
                    try:
                        data = json.loads(form.cleaned_data["rules_json"])
                    except json.JSONDecodeError as exc:
                        form.add_error("rules_json", _("不是有效的 JSON（第%(line)s行第%(col)s列），请检查后重试。") % {
                            "line": exc.lineno, "col": exc.colno})
                    else:
                        if isinstance(data, dict):
                            data = data.get("admission_rules", data.get("rules"))
                        if not isinstance(data, list):
                            form.add_error("rules_json", _("应为规则列表，或通知解析结果（含 admission_rules）。"))
                        else:
                            rules = services.adopt_rules(event, data, actor=request.user, source="manual")
                            messages.success(request, ngettext("已采用%(n)s条规则。", "已采用%(n)s条规则。", len(rules)) % {"n": len(rules)})
                            return redirect("admission:rules", event.slug)
            elif action == "put":
                scope = request.POST.get("venues", "all")
                rule = services.put_event_rule(event, {**_rule_from(request.POST), "venues": scope}, actor=request.user)
                messages.success(request, _("已设置规则：%(t)s（%(scope)s）") % {
                    "t": rule.title, "scope": _(engine.SCOPE_LABELS.get(rule.venue_scope, rule.venue_scope))})
            elif action == "delete":
                rule = get_object_or_404(AdmissionRule, pk=request.POST.get("rule") or 0, event=event, venue=None)
                services.remove_event_rule(rule, actor=request.user)
                messages.success(request, _("已删除规则：%(t)s") % {"t": rule.title})
            elif action == "toggle":
                rule = get_object_or_404(AdmissionRule, pk=request.POST.get("rule") or 0, event=event)
                services.set_rule_enabled(rule, not rule.enabled, actor=request.user)
                messages.success(request, (_("已启用：%(t)s") if rule.enabled else _("已停用：%(t)s")) % {"t": rule.title})
            else:
                raise PermissionDenied
        except ApiError as exc:
            messages.error(request, exc.message)
        if not (form.is_bound and form.errors):
            return redirect("admission:rules", event.slug)
    return render(request, "admission/rules.html", {
        "event": event, "rules": services.rule_objects(event), "form": form,
        "summary": services.verdict_summary(event), "kinds": AdmissionRule.Kind.choices,
        "scope_choices": [(k, _(v)) for k, v in engine.SCOPE_LABELS.items()],
    })


@scoped("event.manage")
def export(request, event):
    """The eligibility list as CSV: who may enter, by venue; no answers, ever (audited)."""
    body = services.eligibility_csv(event, actor=request.user)
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="eligibility-{event.slug}.csv"'
    return resp


@require_POST
@scoped("event.manage")
def purge(request, event):
    """Delete this event's declaration details now if its retention period has passed."""
    n = services.purge_declarations(event=event)
    messages.success(request, ngettext("已清除%(n)s份申报的健康信息（保留入场结论）。", "已清除%(n)s份申报的健康信息（保留入场结论）。", n)
                     % {"n": n})
    return redirect("admission:rules", event.slug)
