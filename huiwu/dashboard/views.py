"""The organizer's overview of every venue of an event, and the actions taken from it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from huiwu.accounts.tenancy import scoped
from huiwu.core.errors import ApiError
from huiwu.events import services as event_services

from .overview import COLUMNS, header, overview_rows, render_rows, summarise


@scoped("event.manage")
def overview(request, event):
    """One row per venue: approval, receipt filed, attendees/capacity, tech contact, last change."""
    rows = overview_rows(event, COLUMNS)
    return render(request, "dashboard/overview.html", {
        "event": event, "stats": summarise(rows, event.registration_deadline),
        "lifecycle": lifecycle_buttons(event), "warnings": event_services.date_warnings(event),
        "table_head": header(COLUMNS), "table_rows": render_rows(rows, event, COLUMNS),
        # the main venue's door page (its code is always `main`), when the event has one
        "main_code": next((r.code for r in rows if r.kind == "main"), ""),
    })


def lifecycle_buttons(event) -> list[dict]:
    """The status changes open to the event now, each with the question asked before it."""
    words = {
        "publish": (_("发布会议"), _("发布后公开通知页、邀请链接和回执填报即开放，分会场联系人可以看到本会议。确定发布？"), ""),
        "close": (_("结束会议"), _("结束后各会场不能再提交或修改回执。确定结束？"), "secondary"),
        "archive": (_("归档"), _("归档后会议只能查看，任何人都不能再修改，且不能撤销。确定归档？"), "secondary"),
    }
    if event.status == "closed":
        words["publish"] = (_("重新开放填报"), _("重新开放后各会场又可以提交和修改回执。确定重新开放？"), "secondary")
    return [{"action": a, "label": words[a][0], "confirm": words[a][1], "css": words[a][2]}
            for a, (sources, _target) in event_services.TRANSITIONS.items() if event.status in sources]


@require_POST
@scoped("event.manage")
def remind(request, event):
    """E-mail a reminder to every venue (every invited main-venue unit) that has not filed yet."""
    from huiwu.receipts.services import remind_unfiled

    try:
        out = remind_unfiled(event, actor=request.user)
    except ApiError as exc:  # a draft (or a closed event): nobody to remind yet
        messages.error(request, exc.message)
        return redirect("dashboard:overview", event.slug)
    messages.success(request, ngettext("已向 %(n)d 个未报会场（单位）发送提醒邮件。", "已向 %(n)d 个未报会场（单位）发送提醒邮件。",
                                       out["sent"]) % {"n": out["sent"]})
    if out["no_address"]:
        messages.warning(request, _("以下会场没有联系人邮箱，未能提醒，请生成邀请链接或电话联系：%(names)s") % {
            "names": _("、").join(out["no_address"])})
    return redirect("dashboard:overview", event.slug)


@require_POST
@scoped("event.manage")
def create_branches(request, event):
    """Create the 37 branch venues (those missing) in the official order, in one action."""
    try:
        capacity = int(request.POST.get("capacity", "30"))
    except ValueError:
        capacity = 0
    if capacity <= 0:
        messages.error(request, _("每个分会场的人数上限必须是正整数，例如 30。"))
    else:
        created = event_services.create_branch_venues(event, capacity, actor=request.user)
        messages.success(request, ngettext("已新建 %(n)d 个分会场。", "已新建 %(n)d 个分会场。", len(created)) % {"n": len(created)})
    return redirect("dashboard:overview", event.slug)
