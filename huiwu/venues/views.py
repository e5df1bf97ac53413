"""A venue's page: what its coordinator (or the organizer) sees and does for one venue."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from huiwu.accounts import services as account_services
from huiwu.accounts.models import Role
from huiwu.accounts.tenancy import scoped
from huiwu.core import urls_abs
from huiwu.core.errors import ApiError
from huiwu.core.text import mask_mobile
from huiwu.events.services import effective_deadline, extension_warning
from huiwu.receipts import services as receipt_services
from huiwu.receipts.forms import DecisionForm, ExtensionForm
from huiwu.receipts.models import Receipt, ReceiptDraft

from . import services
from .models import Venue, VenueUnit


def _filings(venue, own_units):
    """Per filing unit: latest version and whether a draft waits (one row for a branch venue)."""
    if venue.kind == Venue.Kind.MAIN:
        units = [vu.unit for vu in VenueUnit.objects.filter(venue=venue).select_related("unit").order_by("unit__order", "unit_id")]
        if own_units is not None:
            units = [u for u in units if u.pk in own_units]
    else:
        units = [venue.host_unit]
    latest = {}
    for r in Receipt.objects.filter(venue=venue).order_by("version"):
        latest[r.unit_id] = r
    drafts = set(ReceiptDraft.objects.filter(venue=venue).values_list("unit_id", flat=True))
    return [{"unit": u, "latest": latest.get(u.pk if u else None), "draft": (u.pk if u else None) in drafts} for u in units]


@scoped("venue.view")
def detail(request, event, venue):
    access = request.access
    show_phone = access.can("attendee.phone", event, venue)
    own = receipt_services.own_unit_ids(request.user, venue)
    attendees = venue.attendees.filter(status="active").select_related("filed_by_unit").order_by("order", "id")
    if own is not None:
        attendees = attendees.filter(filed_by_unit_id__in=own)
    rows = [
        {"a": a, "phone": a.phone if show_phone else mask_mobile(a.phone)} for a in attendees
    ]
    tc = getattr(venue, "tech_contact", None)
    is_org = access.is_organizer(event)
    deadline = effective_deadline(venue)
    return render(request, "venues/detail.html", {
        "event": event, "venue": venue, "rows": rows, "tech": tc,
        "tech_phone": (tc.phone if show_phone else mask_mobile(tc.phone)) if tc else "",
        "deadline": deadline, "late": receipt_services.deadline_over(venue),
        "is_organizer": is_org,
        "can_edit": access.can("venue.edit", event, venue),
        "can_approve": access.can("venue.approve", event, venue),
        "is_open": services.is_effectively_open(venue),
        "filings": _filings(venue, own),
        "own_only": own is not None,  # a main-venue unit sees its own list only
        "invited_units": list(VenueUnit.objects.filter(venue=venue).select_related("unit").order_by("unit__order"))
        if is_org and venue.kind == Venue.Kind.MAIN else [],
        "receipts": venue.receipts.order_by("-submitted_at")[:10],
        "decision_form": DecisionForm(initial={"status": venue.approval_status, "note": venue.approval_note}),
        "extension_form": ExtensionForm(initial={"until": venue.deadline_extended_to}),
    })


@require_POST
@scoped("event.manage")
def invite(request, event, venue):
    """The organizer makes a signed, expiring invitation link for the venue's coordinator."""
    kwargs = {}
    if venue.kind == Venue.Kind.MAIN:
        # the main venue: each invited unit gets its own link and files only its own attendees
        vu = VenueUnit.objects.filter(venue=venue, unit_id=request.POST.get("unit") or 0).select_related("unit").first()
        if vu is None:
            messages.error(request, _("请选择要邀请的参会单位。"))
            return redirect("venues:detail", event.slug, venue.code)
        kwargs = {"role": Role.MAIN_UNIT, "unit": vu.unit}
    try:
        _inv, token = account_services.create_invitation(venue, actor=request.user, base_url=urls_abs.base_url(),
                                                         email=request.POST.get("email", "").strip(), **kwargs)
    except ApiError as exc:
        messages.error(request, exc.message)
        return redirect("venues:detail", event.slug, venue.code)
    link = urls_abs.absolute_url(reverse("accounts:invitation", args=[token]))
    days = settings.HUIWU_INVITATION_DAYS
    messages.success(request, ngettext("邀请链接（%(days)s 天内有效，仅可使用一次）：%(link)s",
                                       "邀请链接（%(days)s 天内有效，仅可使用一次）：%(link)s", days)
                     % {"days": days, "link": link})
    return redirect("venues:detail", event.slug, venue.code)


@scoped("venue.edit")
def approval_document(request, event, venue):
    """The local approval document, for the venue's coordinator and the organizer (never via /media/)."""
    if not venue.approval_document:
        raise Http404("no document")
    name = venue.approval_document.name.rsplit("/", 1)[-1]
    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    resp = FileResponse(venue.approval_document.open("rb"), content_type=ctype, as_attachment=False,
                        filename=f"approval-{venue.code}{name[name.rfind('.'):] if '.' in name else ''}")
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@require_POST
@scoped("venue.approve")
def decide(request, event, venue):
    """The organizer records the approval decision (audited; a rejection closes the venue)."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审批结论。"))
    else:
        try:
            services.decide_approval(venue, actor=request.user, **form.cleaned_data)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("审批状态已记录：%(s)s。") % {"s": venue.get_approval_status_display()})
    return redirect("venues:detail", event.slug, venue.code)


@require_POST
@scoped("event.manage")
def set_open(request, event, venue):
    """Mark the venue open or closed; an unapproved branch venue cannot be opened."""
    try:
        services.set_open(venue, request.POST.get("open") == "1", actor=request.user)
    except ApiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("会场已开设。") if venue.is_open else _("会场已设为未开设。"))
    return redirect("venues:detail", event.slug, venue.code)


@require_POST
@scoped("event.manage")
def open_all(request, event):
    """Open every venue not open yet in one click; those awaiting approval are named, not opened."""
    opened, refused = services.open_all(event, actor=request.user)
    if opened:
        messages.success(request, ngettext("已开设 %(n)d 个会场。", "已开设 %(n)d 个会场。", len(opened)) % {"n": len(opened)})
    elif not refused:
        messages.info(request, _("所有会场都已开设。"))
    for why in refused:
        messages.warning(request, why)
    return redirect("venues:branches", event.slug)


@require_POST
@scoped("event.manage")
def extend(request, event, venue):
    """Grant this venue a later receipt deadline (empty removes the extension); audited."""
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("；").join(form.errors.get("until", [_("时间格式不正确。")])))
    else:
        try:
            receipt_services.grant_extension(venue, form.cleaned_data["until"], actor=request.user)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            until = form.cleaned_data["until"]
            messages.success(request, _("已延期至 %(t)s。") % {"t": receipt_services.format_deadline(venue, until)}
                             if until else _("已取消延期。"))
            warning = extension_warning(event, until)
            if warning:
                messages.warning(request, warning)
    return redirect("venues:detail", event.slug, venue.code)


@scoped("event.manage")
def main_units(request, event):
    """The units that sit at the main venue: confirm the notice's list, add, drop; each one is
    invited on its own and files its own list."""
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                vu = VenueUnit.objects.filter(venue__event=event, pk=request.POST["remove"]).select_related("unit", "venue").first()
                if vu is not None:
                    services.remove_main_unit(vu, actor=request.user)
                    messages.success(request, _("已移除：%(name)s。") % {"name": vu.unit.name})
            else:
                names = [n for n in request.POST.getlist("name") if n.strip()]
                for name in names:
                    services.add_main_unit(event, name, actor=request.user)
                if names:
                    messages.success(request, ngettext("已确认 %(n)d 个主会场参会单位。", "已确认 %(n)d 个主会场参会单位。",
                                                       len(names)) % {"n": len(names)})
                else:
                    messages.error(request, _("请勾选或填写要确认的单位。"))
        except ApiError as exc:
            messages.error(request, exc.message)
        return redirect("venues:main_units", event.slug)
    main = event.venues.filter(kind=Venue.Kind.MAIN).first()
    return render(request, "venues/main_units.html", {
        "event": event, "main": main, "rows": services.main_unit_rows(event),
        "suggestions": services.suggest_main_units(event),
    })


@require_POST
@scoped("venue.edit")
def extension_request(request, event, venue):
    """The venue asks the organizer for a later deadline (from its own page)."""
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("；").join(form.errors.get("until", [_("时间格式不正确。")])))
    else:
        try:
            services.request_extension(venue, form.cleaned_data["until"], request.POST.get("reason", ""), actor=request.user)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("延期申请已提交，主办方处理后会发邮件通知您。"))
    return redirect("venues:detail", event.slug, venue.code)


@require_POST
@scoped("event.manage")
def extension_decide(request, event, pk, decision):
    """One click: grant or refuse a venue's extension request; the venue hears either way."""
    from .models import ExtensionRequest

    req = ExtensionRequest.objects.filter(venue__event=event, pk=pk).select_related("venue").first()
    if req is None or decision not in ("grant", "refuse"):
        raise Http404("no such request")
    try:
        services.decide_extension(req, decision == "grant", note=request.POST.get("note", ""), actor=request.user)
    except ApiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, (_("已同意%(venue)s延期，并已邮件通知。") if decision == "grant"
                                   else _("已拒绝%(venue)s的延期申请，并已邮件通知。")) % {"venue": req.venue.name})
        warning = extension_warning(event, req.until) if decision == "grant" else ""
        if warning:
            messages.warning(request, warning)
    if request.POST.get("next") == "venue":
        return redirect("venues:detail", event.slug, req.venue.code)
    return redirect("dashboard:overview", event.slug)


@scoped("event.manage")
def edit_venue(request, event, venue):
    """The organizer corrects a venue's name, address, room and capacity (audited; a capacity below
    the people already filed is refused)."""
    fields = {k: request.POST.get(k, "").strip() for k in services.VENUE_FIELDS} if request.method == "POST" else {
        k: getattr(venue, k) for k in services.VENUE_FIELDS}
    branch = venue.kind == Venue.Kind.BRANCH
    unit_name = venue.host_unit.name if venue.host_unit_id else ""
    fields["host_unit"] = (request.POST["host_unit"].strip() if request.method == "POST" and branch
                           and "host_unit" in request.POST else unit_name)
    if request.method == "POST":
        try:
            changes = {k: fields[k] for k in services.VENUE_FIELDS}
            try:
                changes["capacity"] = int(changes["capacity"])
            except ValueError:
                changes["capacity"] = 0
            with transaction.atomic():
                services.update_venue(venue, changes, actor=request.user)
                if branch and fields["host_unit"] != unit_name:
                    services.rename_host_unit(venue, fields["host_unit"], actor=request.user)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("会场信息已保存。"))
            for w in services.quota_warnings(event) if venue.kind == Venue.Kind.MAIN else []:
                messages.warning(request, w)  # a smaller main venue than the units' quotas add up to
            return redirect("venues:detail", event.slug, venue.code)
    return render(request, "venues/edit.html", {"event": event, "venue": venue, "f": fields, "branch": branch},
                  status=422 if request.method == "POST" else 200)


# -- the organizer's branch venues after creation: add, drop, rename ------------------------------
#: branch venues per page: a county-level event has thousands
BRANCH_PAGE = 100


def _branch_page(request, event):
    """One page of the branch venues (filtered by `q`: code, venue or host unit), each with its
    active count and whether it has a rehearsal slot: three queries whatever the event's size."""
    from django.core.paginator import Paginator
    from django.db.models import Q

    from huiwu.rehearsals.models import Rehearsal

    qs = event.venues.filter(kind=Venue.Kind.BRANCH).select_related("host_unit").order_by("order", "id")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__icontains=q) | Q(host_unit__name__icontains=q))
    page = Paginator(qs, BRANCH_PAGE).get_page(request.GET.get("page"))
    venues = list(page.object_list)
    counts = services.active_counts(event, [v.pk for v in venues])
    slotted = set(Rehearsal.objects.filter(venue__in=venues).values_list("venue_id", flat=True))
    return q, page, [{"v": v, "n": counts.get(v.pk, 0), "slot": v.pk in slotted} for v in venues]


@scoped("event.manage")
def branches(request, event):
    """Every branch venue of the event, with a form to add more (a region's code or name, or a
    unit's name, one a line, as on the review page) and links to rename or drop each."""
    typed, capacity, status = "", "", 200
    if request.method == "POST":
        typed, capacity = request.POST.get("hosts", ""), request.POST.get("capacity", "").strip()
        try:
            cap = int(capacity) if capacity else None
        except ValueError:
            cap = 0
        failed = []
        for line in [x for x in typed.splitlines() if x.strip()]:
            try:
                v = services.add_branch_venue(event, line, capacity=cap, actor=request.user)
            except ApiError as exc:
                messages.error(request, _("“%(line)s”：%(why)s") % {"line": line.strip(), "why": exc.message})
                failed.append(line.strip())
            else:
                messages.success(request, _("已添加%(venue)s（代码 %(code)s，人数上限 %(cap)d）。")
                                 % {"venue": v.name, "code": v.code, "cap": v.capacity})
                for note in services.added_venue_notes(event, v):
                    messages.warning(request, note)
        if not typed.strip():
            messages.error(request, _("请填写要添加的地区代码、地区名称或单位全称，每行一个。"))
            status = 422
        elif not failed:
            return redirect("venues:branches", event.slug)
        else:
            typed, status = "\n".join(failed), 422
    q, page, rows = _branch_page(request, event)
    scheduled = services.has_rehearsal_schedule(event)
    unslotted = event.venues.filter(kind=Venue.Kind.BRANCH, rehearsal__isnull=True).order_by("order", "id")
    return render(request, "venues/branches.html", {
        "event": event, "rows": rows, "page": page, "q": q, "typed": typed, "capacity": capacity,
        "total": event.venues.filter(kind=Venue.Kind.BRANCH).count(),
        "usual_capacity": services.usual_capacity(event), "scheduled": scheduled,
        "unslotted": list(unslotted.values_list("name", flat=True)[:10]) if scheduled else [],
        "unslotted_count": unslotted.count() if scheduled else 0,
        "read_only": event.status == "archived",
        "unopened": event.venues.filter(is_open=False).count(),
    }, status=status)


@scoped("event.manage")
def remove_branch(request, event, venue):
    """Drop a branch venue: the page says what goes with it, or why it cannot go yet."""
    if request.method == "POST":
        try:
            services.remove_branch_venue(venue, actor=request.user)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已删除%(venue)s。") % {"venue": venue.name})
            return redirect("venues:branches", event.slug)
    return render(request, "venues/remove.html", {
        "event": event, "venue": venue, "blockers": services.removal_blockers(venue),
        "summary": services.removal_summary(venue),
    })


@scoped("event.manage")
def quotas(request, event):
    """Each confirmed main-venue unit's quota on one page; all saved together or none, every
    problem named with its unit."""
    rows = services.main_unit_rows(event)
    typed = {r["id"]: str(r["quota"]) for r in rows}
    errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        wanted = {}
        for r in rows:
            raw = request.POST.get(f"quota-{r['id']}", "").strip() or "0"
            typed[r["id"]] = raw
            try:
                wanted[r["id"]] = int(raw)
            except ValueError:
                errors[r["id"]] = _("%(unit)s的名额“%(raw)s”不是整数，请填写 0 或正整数。") % {"unit": r["name"], "raw": raw}
        if not errors:
            try:
                services.set_quotas(event, wanted, actor=request.user)  # its warnings stay on the page
            except ApiError as exc:
                for key, msgs in (exc.fields or {"quota.0": [exc.message]}).items():
                    errors[int(key.rsplit(".", 1)[-1])] = "".join(msgs)
            else:
                messages.success(request, _("名额已保存。"))
                return redirect("venues:quotas", event.slug)
        for m in errors.values():
            messages.error(request, m)
        status = 422
    main = event.venues.filter(kind=Venue.Kind.MAIN).first()
    return render(request, "venues/quotas.html", {
        "event": event, "main": main, "rows": [{**r, "typed": typed[r["id"]], "error": errors.get(r["id"], "")} for r in rows],
        "total": sum(r["quota"] for r in rows), "warnings": services.quota_warnings(event) if status == 200 else [],
        "read_only": event.status == "archived",
        "unopened": event.venues.filter(is_open=False).count(),
    }, status=status)
