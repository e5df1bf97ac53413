"""Receipt pages: the coordinator's one-page filing form, the version history, the confirmation PDF.

Views stay thin: they read the form, call receipts.services / venues.services and show the
result. Every save first writes the draft, so nothing typed is lost when a submit fails.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiwu.accounts.tenancy import scoped
from huiwu.core.errors import ApiError
from huiwu.events import categories
from huiwu.events.services import effective_deadline
from huiwu.venues import services as venue_services
from huiwu.venues.models import Venue, VenueUnit

from . import services
from .forms import ApprovalForm, VenueDetailsForm
from .models import Receipt


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def rows_from_post(post) -> list[dict]:
    cols = {f: post.getlist(f) for f in services.FIELDS}
    n = max((len(v) for v in cols.values()), default=0)
    return [{f: (cols[f][i] if i < len(cols[f]) else "") for f in services.FIELDS} for i in range(n)]


def _unit_links(event, venue):
    return list(VenueUnit.objects.filter(venue=venue).select_related("unit").order_by("unit__order", "unit_id"))


def _status(venue, unit):
    latest = Receipt.objects.filter(venue=venue, unit=unit).order_by("-version").first()
    draft = services.get_draft(venue, unit)
    return latest, draft


@scoped("venue.edit")
def edit(request, event, venue):
    """Venue details, local approval, attendees (typed or pasted), rehearsal contact; draft or submit."""
    access = request.access
    is_org = access.is_organizer(event)
    unit = services.unit_for(request.user, venue, _int(request.GET.get("unit") or request.POST.get("filing_unit")))
    can_details = venue.kind == Venue.Kind.BRANCH or is_org
    needs_approval = venue.kind == Venue.Kind.BRANCH and event.approval_required
    rows, tc = services.current_rows(venue, unit)
    row_errors: dict[int, list[str]] = {}
    tc_errors: list[str] = []
    general_errors: list[str] = []
    details_form = VenueDetailsForm(initial={"address": venue.address, "room": venue.room})
    approval_form = ApprovalForm(initial={
        "approving_body": venue.approving_body,
        "approved_on": venue.decided_at.date() if venue.decided_at else None})

    # read-only after the deadline (a page opened before it keeps what was typed, as a draft)
    locked = services.deadline_over(venue) and not is_org
    if request.method == "POST":
        action = request.POST.get("action", "draft")
        rows = rows_from_post(request.POST)
        pasted = services.parse_pasted(request.POST.get("paste", ""))
        rows = [r for r in rows if any((r.get(f) or "").strip() for f in ("name", "unit", "position", "phone"))] + pasted
        tc = {k: request.POST.get(f"tech_{k}", "") for k in ("name", "phone", "email")}
        side_ok = True
        if can_details:
            details_form = VenueDetailsForm(request.POST)
            if details_form.is_valid():
                venue_services.update_details(venue, actor=request.user, **details_form.cleaned_data)
            else:
                side_ok = False
        if needs_approval:
            approval_form = ApprovalForm(request.POST, request.FILES)
            if approval_form.is_valid() and approval_form.has_input():
                d = approval_form.cleaned_data
                changed = (d["approval_document"] is not None or d["approving_body"] != venue.approving_body
                           or (d["approved_on"] and (not venue.decided_at or d["approved_on"] != venue.decided_at.date())))
                if changed:
                    try:
                        venue_services.submit_approval(venue, approving_body=d["approving_body"],
                                                       approved_on=d["approved_on"], document=d["approval_document"],
                                                       actor=request.user)
                    except ApiError as exc:
                        if set(exc.fields) == {"approval_document"} and d["approval_document"] is None:
                            # no file yet: keep what was typed (body, date); the approval is submitted with the file
                            venue_services.save_approval_draft(venue, approving_body=d["approving_body"],
                                                               approved_on=d["approved_on"], actor=request.user)
                            if action == "submit":
                                approval_form.add_error("approval_document", exc.fields["approval_document"])
                                side_ok = False
                            else:
                                messages.warning(request, _("审批机关和审批日期已保存；上传审批文件后才会提交给主办方核对。"))
                        else:
                            for field, msgs in exc.fields.items():
                                approval_form.add_error(field if field in approval_form.fields else None, msgs)
                            side_ok = False
            elif not approval_form.is_valid():
                side_ok = False
        draft = services.save_draft(venue, unit, rows, tc, actor=request.user)
        rows, tc = draft.rows, draft.tech_contact
        if locked:
            general_errors.append(_("回执已截止，不能再提交或修改；您填写的内容已存为草稿，仅供查看。如需补报，请申请延期或联系主办方。"))
        elif action == "submit" and side_ok:
            try:
                result = services.submit_draft(venue, unit, actor=request.user)
            except ApiError as exc:
                general_errors.append(exc.message)
            else:
                if result.accepted:
                    messages.success(request, _("回执已提交（第%(v)d版，%(n)d人）。") % {
                        "v": result.receipt.version, "n": len(result.attendees)} + _confirmation_promise(
                        venue, unit, request.user, is_org))
                    for w in result.warnings:
                        messages.warning(request, w)
                    url = reverse("venues:detail", args=[event.slug, venue.code])
                    return redirect(url + (f"?unit={unit.pk}" if venue.kind == Venue.Kind.MAIN and unit else ""))
                for e in result.errors:
                    if e["row"]:
                        row_errors.setdefault(e["row"] - 1, []).append(e["message"])
                    elif str(e["field"]).startswith("tech_contact"):
                        tc_errors.append(e["message"])
                    else:
                        general_errors.append(e["message"])
                general_errors.insert(0, _("回执未提交：请按提示修改标出的内容后再提交。草稿已保存，填写的内容不会丢失。"))
        elif action == "submit":
            general_errors.append(_("回执未提交：请先修改会场信息或审批信息中标出的问题。草稿已保存。"))
        elif pasted and action == "paste":
            messages.success(request, _("已粘贴 %(n)d 行，请核对后提交。") % {"n": len(pasted)})
        elif side_ok:
            messages.success(request, _("草稿已保存（尚未提交）。"))
            return redirect(request.get_full_path())

    latest, draft = _status(venue, unit)
    deadline = effective_deadline(venue)
    table = [{"i": i, "r": r, "errors": row_errors.get(i, [])} for i, r in enumerate(rows)]
    return render(request, "receipts/edit.html", {
        "event": event, "venue": venue, "unit": unit, "is_organizer": is_org,
        "table": table, "tech": tc, "tc_errors": tc_errors, "general_errors": general_errors,
        "details_form": details_form, "approval_form": approval_form, "can_details": can_details,
        "needs_approval": needs_approval, "latest": latest, "draft": draft, "deadline": deadline,
        "late": services.deadline_over(venue), "locked": locked, "categories": _categories(venue),
        "units": _unit_links(event, venue) if venue.kind == Venue.Kind.MAIN and is_org else [],
        "blank_rows": range(max(0, 3 - len(rows)) if rows else 10),
        "capacity": venue.capacity,
    }, status=422 if (row_errors or tc_errors or general_errors or details_form.errors or approval_form.errors) else 200)


def _confirmation_promise(venue, unit, user, is_org: bool) -> str:
    """What the page may promise about the confirmation mail: the addresses it goes to, or, when
    there is none, who would get it and what is missing (no promise that is not kept)."""
    to = services.coordinator_emails(venue, unit if venue.kind == Venue.Kind.MAIN else None)
    if getattr(user, "email", "") and not is_org:
        to = [*to, user.email]
    to = list(dict.fromkeys(to))
    if to:
        return _("确认邮件将发送至：%(to)s。") % {"to": _("、").join(to)}
    if venue.kind == Venue.Kind.MAIN:
        return _("未发送确认邮件：本单位的账号和邀请都没有填写邮箱。请在账号资料中填写邮箱，以后即可收到确认邮件。")
    return _("未发送确认邮件：确认邮件发给本会场联系人的账号邮箱、邀请邮箱和视频调试负责人的邮箱，"
             "目前都没有填写。请在下方“视频调试负责人”中填写邮箱，或请主办方在邀请中填写邮箱。")


def _categories(venue):
    """The categories the filing form offers at this venue: the event's for its kind of venue."""
    return categories.of(venue.event, venue.kind)


@scoped("venue.view")
def history(request, event, venue):
    """Every version of the venue's receipts with who was added, removed or changed."""
    qs = Receipt.objects.filter(venue=venue).select_related("unit", "submitted_by").order_by("-submitted_at", "-version")
    own = services.own_unit_ids(request.user, venue)
    if own is not None:
        qs = qs.filter(unit_id__in=own)
    show_phone = request.access.can("attendee.phone", event, venue)
    cats = categories.labels(event)
    labels = {"unit": _("单位"), "position": _("职务"), "category": _("类别")}
    versions = []
    for r in qs:
        d = r.diff or {}
        mask = (lambda p: p) if show_phone else services.mask_mobile
        versions.append({
            "r": r,
            "added": [{**a, "phone": mask(a.get("phone", ""))} for a in d.get("added", [])],
            "removed": [{**a, "phone": mask(a.get("phone", ""))} for a in d.get("removed", [])],
            "changed": [{"name": c["name"], "changes": [
                (labels.get(f, f), cats.get(v[0], v[0]) if f == "category" else v[0],
                 cats.get(v[1], v[1]) if f == "category" else v[1]) for f, v in c["changes"].items()]}
                for c in d.get("changed", [])],
            "count": len(r.snapshot.get("attendees", [])),
        })
    return render(request, "receipts/history.html", {"event": event, "venue": venue, "versions": versions,
                                                     "is_organizer": request.access.is_organizer(event)})


def _receipt(request, venue, version: int | None) -> Receipt:
    qs = Receipt.objects.filter(venue=venue).select_related("unit", "submitted_by", "venue__event")
    own = services.own_unit_ids(request.user, venue)
    if own is not None:
        qs = qs.filter(unit_id__in=own)
    unit_id = _int(request.GET.get("unit"))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    r = qs.filter(version=version).order_by("-submitted_at").first() if version else qs.order_by("-submitted_at").first()
    if r is None:
        raise Http404("receipt")
    return r


@scoped("venue.edit")
def confirmation(request, event, venue):
    """The confirmation of what was filed (latest version, or ?version=N), as a PDF."""
    from .pdf import confirmation_pdf

    r = _receipt(request, venue, _int(request.GET.get("version")))
    data = confirmation_pdf(r, show_phone=request.access.can("attendee.phone", event, venue))
    resp = HttpResponse(data, content_type="application/pdf")
    # a Chinese file name (RFC 5987 filename*, with an ASCII fallback): 北京市分会场回执第2版.pdf
    resp["Content-Disposition"] = content_disposition_header(True, _("%(venue)s回执第%(v)d版.pdf")
                                                             % {"venue": venue.name, "v": r.version})
    return resp


@scoped("venue.edit")
def source_file(request, event, venue, version):
    """The file a version was imported from (never served from /media/ directly)."""
    r = _receipt(request, venue, version)
    if not r.source_file:
        raise Http404("no file")
    if not request.access.can("attendee.phone", event, venue):
        raise PermissionDenied("attendee.phone")
    return FileResponse(r.source_file.open("rb"), as_attachment=True,
                        filename=_("%(venue)s回执第%(v)d版原件-%(name)s") % {
                            "venue": venue.name, "v": r.version, "name": r.source_file.name.rsplit("/", 1)[-1]})


@require_POST
@scoped("venue.edit")
def upload(request, event, venue):
    """A filled receipt form (.docx/.xlsx/.csv) uploaded on the venue's page: read and filed by the importer."""
    from django.conf import settings

    from .documents.importer import import_file

    unit = services.unit_for(request.user, venue, _int(request.POST.get("filing_unit")))
    back = reverse("receipts:edit", args=[event.slug, venue.code]) + (
        f"?unit={unit.pk}" if venue.kind == Venue.Kind.MAIN and unit else "")
    f = request.FILES.get("receipt_file")
    if f is None:
        messages.error(request, _("请选择要上传的回执文件（Word、Excel 或 CSV）。"))
        return redirect(back)
    report = import_file(f.read(settings.HUIWU_MAX_UPLOAD_BYTES + 1), f.name, event=event, venue=venue,
                         actor=request.user, channel="upload",
                         unit=unit if venue.kind == Venue.Kind.MAIN else None)
    for w in report.get("warnings", []):
        messages.warning(request, w)
    if report.get("status") == "accepted":
        # said as the web form says it: the version, and where the confirmation mail goes (it is sent)
        messages.success(request, _("已从文件导入回执（第%(v)d版，%(n)d人）。") % {
            "v": report.get("version") or 1, "n": len(report.get("attendees", []))} + _confirmation_promise(
            venue, unit, request.user, services.is_organizer(request.user, event)))
        return redirect("venues:detail", event.slug, venue.code)
    messages.error(request, _("文件未导入：请按下列提示修改文件后重新上传，或在本页直接填写。"))
    for e in report.get("errors", []):
        messages.error(request, e["message"])
    return redirect(back)


@scoped("venue.edit")
def template(request, event, venue, fmt):
    """The venue's receipt form (附件1 for the main venue, 附件2 for a branch) as .docx or .xlsx,
    filled with the event, venue, unit and deadline, carrying the marker that routes it back here."""
    from .documents.templates import template_response

    return template_response(venue, fmt, services.unit_for(request.user, venue, _int(request.GET.get("unit"))))


# -- the organizer's page for many files at once (logic in bulk.py) -------------------------------
@scoped("event.manage")
def bulk_import(request, event):
    """Drop in every receipt file received by e-mail at once; each is filed on its own venue."""
    from . import bulk

    if request.method == "POST":
        try:
            files = bulk.read_uploads(request.FILES.getlist("files"))
        except ApiError as exc:
            messages.error(request, exc.message)
            return redirect("receipts:bulk_import", event.slug)
        batch, _result = bulk.import_batch(event, files, actor=request.user, dry_run=bool(request.POST.get("dry_run")))
        return redirect("receipts:bulk_batch", event.slug, batch.pk)
    return render(request, "receipts/bulk_import.html", bulk.page_context(event, None))


@scoped("event.manage")
def bulk_batch(request, event, batch):
    """One batch's results: a row per file with its status, venue, people, problems and actions."""
    from . import bulk

    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    return render(request, "receipts/bulk_import.html", bulk.page_context(event, batch, request.GET.get("show", "")))


def _bulk_item(event, item_id):
    from .models import ImportItem

    item = ImportItem.objects.filter(pk=item_id, batch__event=event).select_related(
        "batch__event", "chosen_venue", "chosen_unit").first()
    if item is None:
        raise Http404("import item")
    return item


@require_POST
@scoped("event.manage")
def bulk_rerun(request, event, item):
    """Re-run a kept file that needs review: its valid rows only, or for the venue chosen here."""
    from . import bulk

    item = _bulk_item(event, item)
    back = reverse("receipts:bulk_batch", args=[event.slug, item.batch_id]) + f"#item-{item.pk}"
    try:
        if request.POST.get("action") == "venue":
            venue, unit = bulk.parse_choice(event, request.POST.get("venue", ""))
            report = bulk.rerun_item(item, actor=request.user, venue=venue, unit=unit)
        elif request.POST.get("action") == "again":
            report = bulk.rerun_item(item, actor=request.user)
        else:
            report = bulk.rerun_item(item, actor=request.user, accept_partial=True)
    except ApiError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    row = bulk.item_row(item)
    if report["status"] == "accepted":
        messages.success(request, _("“%(file)s”已导入%(venue)s：%(n)d 人。") % {
            "file": item.filename, "venue": row["venue_name"], "n": row["people"]})
    elif report["status"] == "needs_review":
        messages.warning(request, _("“%(file)s”仍需核对，请看表中的提示。") % {"file": item.filename})
    else:
        messages.error(request, _("“%(file)s”未能导入，请看表中的提示。") % {"file": item.filename})
    return redirect(back)


@require_POST
@scoped("event.manage")
def bulk_commit(request, event, batch):
    """Import for real the files of a checked-only batch that passed the check."""
    from . import bulk
    from .models import ImportBatch

    b = ImportBatch.objects.filter(event=event, pk=batch).first()
    if b is None:
        raise Http404("batch")
    out = bulk.commit_batch(b, actor=request.user)
    messages.success(request, _("已正式导入：%(a)d 个已接收，%(r)d 个待核对，%(x)d 个已退回。") % {
        "a": out["accepted"], "r": out["needs_review"], "x": out["rejected"]})
    return redirect("receipts:bulk_batch", event.slug, b.pk)


@scoped("event.manage")
def bulk_file(request, event, item):
    """A kept file as it was received (organizers only; never served from /media/)."""
    item = _bulk_item(event, item)
    if not item.file:
        raise Http404("no file")
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.filename)


# -- one person, one venue: the organizer's duplicates report ----------------------------------------
@scoped("event.manage")
def duplicates(request, event):
    """People refused at a second venue (with where they stand) and people on two lists now; each
    refused case can be allowed explicitly, which is audited."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    return render(request, "receipts/duplicates.html", {"event": event, **services.duplicates_report(event)})


@require_POST
@scoped("event.manage")
def duplicate_decide(request, event, case):
    """Allow one refused case (the next filing then keeps the person), or take the allowance back."""
    from .models import DuplicateCase

    found = DuplicateCase.objects.filter(pk=case, event=event).select_related("event", "venue").first()
    if found is None:
        raise Http404("duplicate case")
    if request.POST.get("action") == "revoke":
        services.revoke_duplicate(found, actor=request.user)
        messages.success(request, _("已撤销对%(name)s的放行。") % {"name": found.name})
    else:
        note = request.POST.get("note", "").strip()
        if not note:
            messages.error(request, _("放行前请写明理由（例如：经核实确需在两个会场参会）。"))
            return redirect("receipts:duplicates", event.slug)
        services.allow_duplicate(found, actor=request.user, note=note)
        messages.success(request, _("已放行：%(name)s可在%(venue)s参会。请通知该会场重新提交回执。")
                         % {"name": found.name, "venue": found.venue.name})
    return redirect("receipts:duplicates", event.slug)
