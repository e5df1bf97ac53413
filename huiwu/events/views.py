"""Event pages: the public notice, and the organizer's edit and lifecycle pages (the overview lives in
`huiwu.dashboard`)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiwu.accounts.tenancy import public, public_events, scoped
from huiwu.core.errors import ApiError
from huiwu.venues.models import Venue

from . import categories, services
from .forms import AttachmentForm, ContactFormSet, EventForm
from .models import Event


@public
def notice(request, slug):
    """The event's public notice page (anyone with the address; drafts are not public)."""
    event = get_object_or_404(public_events(), slug=slug)
    if request.GET.get("code") and request.GET.get("fmt"):  # the attachment picker's form
        return redirect("events:notice_template", event.slug, request.GET["code"], request.GET["fmt"])
    venues = list(event.venues.select_related("host_unit").order_by("order"))
    main = next((v for v in venues if v.kind == Venue.Kind.MAIN), None)
    branches = [v for v in venues if v.kind == Venue.Kind.BRANCH]
    heading, body = services.notice_page_parts(event)
    return render(request, "events/notice.html", {
        "event": event, "main": main, "branches": branches, "heading": heading, "body": body,
        "contacts": event.contacts.all(), "attachments": event.attachments.all(),
    })


@public
def notice_template(request, slug, code, fmt):
    """A venue's receipt form from the public notice, for units that still fill and e-mail Word or
    Excel files: the marker inside routes the returned file to the venue (no personal data)."""
    from huiwu.receipts.documents.templates import template_response

    event = get_object_or_404(public_events(), slug=slug)
    return template_response(get_object_or_404(event.venues.select_related("event", "host_unit"), code=code), fmt)


# -- the organizer's event pages ----------------------------------------------------------------
def _capacity(event, kind):
    return event.venues.filter(kind=kind).order_by("order").values_list("capacity", flat=True).first()


@scoped("event.manage")
def edit(request, event):
    """Everything the notice gave, editable: the event, capacities, contacts; warnings for odd dates."""
    initial = {"main_capacity": _capacity(event, Venue.Kind.MAIN), "branch_capacity": _capacity(event, Venue.Kind.BRANCH),
               "main_categories": categories.to_lines(event, Venue.Kind.MAIN),
               "branch_categories": categories.to_lines(event, Venue.Kind.BRANCH)}
    contacts = [{"name": c.name, "org": c.org, "phones": "，".join(c.phones or []), "fax": c.fax}  # i18n: data
                for c in event.contacts.all()]
    if request.method == "POST":
        form = EventForm(request.POST, instance=Event.objects.get(pk=event.pk), initial=initial)
        formset = ContactFormSet(request.POST, initial=contacts, prefix="contacts")
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    changes = {k: form.cleaned_data[k] for k in form.Meta.fields if k in form.changed_data}
                    event, warnings = services.update_event(event, changes, actor=request.user)
                    services.set_capacities(event, main=form.cleaned_data.get("main_capacity") if "main_capacity" in form.changed_data else None,
                                            branch=form.cleaned_data.get("branch_capacity") if "branch_capacity" in form.changed_data else None,
                                            actor=request.user)
                    services.set_contacts(event, [f.as_contact() for f in formset.forms if f.cleaned_data], actor=request.user)
                    if {"main_categories", "branch_categories"} & set(form.changed_data):
                        services.set_categories(event, form.cleaned_data["main_categories"],
                                                form.cleaned_data["branch_categories"], actor=request.user)
            except ApiError as exc:
                form.add_error(None, exc.message)
            else:
                # the page lists the date warnings that still hold (warnings), so none are repeated here
                messages.success(request, _("会议信息已保存。") if not warnings else _("会议信息已保存，请看下面的提醒。"))
                return redirect("events:edit", event.slug)
        status = 422
    else:
        form = EventForm(instance=event, initial=initial)
        formset = ContactFormSet(initial=contacts, prefix="contacts")
        status = 200
    return render(request, "events/edit.html", {
        "event": event, "form": form, "contacts": formset, "attachment_form": AttachmentForm(),
        "attachments": event.attachments.all(), "warnings": services.date_warnings(event),
        "read_only": event.status == Event.Status.ARCHIVED,
    }, status=status)


@require_POST
@scoped("event.manage")
def attachments(request, event):
    """Add an attachment, or remove one (`remove` = its id); audited in the services."""
    try:
        if request.POST.get("remove"):
            att = get_object_or_404(event.attachments, pk=request.POST["remove"])
            services.remove_attachment(att, actor=request.user)
            messages.success(request, _("附件已删除。"))
        else:
            form = AttachmentForm(request.POST, request.FILES)
            if not form.is_valid():
                messages.error(request, _("请填写附件名称。"))
            else:
                services.save_attachment(event, title=form.cleaned_data["title"], upload=form.cleaned_data.get("file"),
                                         template_kind=form.cleaned_data.get("template_kind") or "", actor=request.user)
                messages.success(request, _("附件已添加。"))
    except ApiError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("events:edit", args=[event.slug]) + "#attachments")


@require_POST
@scoped("event.manage")
def change_status(request, event, action):
    """Publish, close or archive the event (the buttons on the overview ask to confirm first)."""
    try:
        event, warnings = services.change_status(event, action, actor=request.user)
    except ApiError as exc:
        messages.error(request, exc.message)
    else:
        done = {"publish": _("会议已发布：公开通知页、邀请和回执填报均已开放。"),
                "close": _("会议已结束：回执填报已关闭。"),
                "archive": _("会议已归档：此后只能查看。")}[action]
        messages.success(request, done)
        for w in warnings:
            messages.warning(request, w)
    return redirect("dashboard:overview", event.slug)


@scoped("event.manage")
def delete(request, event):
    """Delete a draft event: a page that lists what goes with it, then one confirmed POST."""
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            messages.error(request, _("请先勾选“我已知道以上内容将一并删除、不能恢复”，再点删除。"))
        else:
            try:
                services.delete_draft(event, actor=request.user)
            except ApiError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("草稿会议“%(title)s”已删除。") % {"title": event.title})
                return redirect("core:home")
    return render(request, "events/delete.html", {
        "event": event, "is_draft": event.status == Event.Status.DRAFT,
        "summary": services.deletion_summary(event),
    })


@scoped("event.manage")
def unpublish(request, event):
    """Take a published event back to draft: the page says why not, or what happens (links revoked)."""
    if request.method == "POST":
        try:
            event, revoked = services.unpublish(event, actor=request.user)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("会议已退回草稿：公开通知页、邀请和回执填报均已关闭。") + (
                _("已撤销 %(n)d 个未使用的邀请链接。") % {"n": revoked} if revoked else ""))
            return redirect("dashboard:overview", event.slug)
    return render(request, "events/unpublish.html", {
        "event": event, "blockers": services.unpublish_blockers(event),
        "open_links": services.open_invitations(event).count(),
    })


@public
def attachment(request, slug, pk):
    """An attachment's file from the public notice (published events only)."""
    event = get_object_or_404(public_events(), slug=slug)
    att = get_object_or_404(event.attachments, pk=pk)
    if not att.file:
        raise Http404("no file")
    ext = att.file.name.rsplit(".", 1)[-1] if "." in att.file.name else "bin"
    resp = FileResponse(att.file.open("rb"), as_attachment=True, filename=f"{att.title}.{ext}",
                        content_type=mimetypes.guess_type(f"x.{ext}")[0] or "application/octet-stream")
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
