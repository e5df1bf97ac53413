"""Log in (throttled), log out, and accept an invitation link."""

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from huiwu.core import urls_abs

from . import services
from .forms import AcceptInvitationForm, LoginForm
from .models import Role
from .tenancy import Access, public, scoped


def _ip(request):
    return request.META.get("REMOTE_ADDR")


def _landing(user) -> str:
    """Where a sign-in without `next` goes: door staff straight to their door (on the day, one tap
    less at the entrance), everyone else to their meetings."""
    roles = {m.role for m in Access.for_user(user).memberships}
    return reverse("checkin:home") if roles == {Role.DOOR} else "/"


@public
def login_view(request):
    form = LoginForm(request.POST or None)
    error, blocked = "", False
    if request.method == "POST" and form.is_valid():
        username, ip = form.cleaned_data["username"], _ip(request)
        wait = services.login_wait(username, ip)
        blocked = wait > 0
        if blocked:
            error = _("登录失败次数较多，请 %(seconds)s 秒后再试；忘记密码可联系主办方重置。") % {"seconds": wait}
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                services.note_login_failure(username, ip)
                error = _("用户名或密码不正确。")
            else:
                services.note_login_success(username, ip)
                login(request, user)
                nxt = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                    nxt = _landing(user)
                return redirect(nxt)
    response = render(request, "accounts/login.html", {"form": form, "error": error}, status=429 if blocked else 200)
    if blocked:
        response["Retry-After"] = str(wait)
    return response


def admin_login(request, extra_context=None):
    """The Django admin's login: the same throttled page (the admin's own form has no throttle)."""
    from django.contrib.auth.views import redirect_to_login
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))


@public
@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@public
def accept_invitation(request, token):
    try:
        inv = services.check_invitation(token)
    except services.InvitationError as exc:
        return render(request, "accounts/invitation.html", {"error": str(exc)}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token, form.cleaned_data["username"], form.cleaned_data["password"], form.cleaned_data["display_name"]
            )
        except services.InvitationError as exc:
            form.add_error("username", str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _first_page(request, inv)
    return render(request, "accounts/invitation.html", {"form": form, "inv": inv,
                                                        "duty": services.invitation_duty(inv)})


def _first_page(request, inv):
    """Where a newly set-up account starts: the page of the work it was invited for."""
    event, venue = inv.venue.event, inv.venue
    if inv.role == Role.DOOR:
        messages.success(request, _("账号已设置好，这是本会场的入场核验页面。"))
        return redirect("checkin:door", event.slug, venue.code)
    if inv.role == Role.HEALTH:
        messages.success(request, _("账号已设置好，这是本会议的健康申报审核页面。"))
        return redirect("admission:health", event.slug)
    if inv.role == Role.ORGANIZER:
        messages.success(request, _("账号已设置好，您已是本会议的主办方。"))
        return redirect("dashboard:overview", event.slug)
    messages.success(request, _("账号已设置好，请填报本会场的回执。"))
    return redirect("venues:detail", event.slug, venue.code)


@scoped("event.manage")
def staff(request, event):
    """人员与账号: the event's accounts by role, inviting door staff, health officers and co-organizers
    by link, revoking unused links and taking a role away."""
    from django.core.exceptions import ValidationError

    from huiwu.core.errors import ApiError
    from huiwu.venues.models import Venue

    from .forms import StaffInvitationForm
    from .models import Membership

    venues = list(Venue.objects.filter(event=event).order_by("-kind", "code"))
    form = StaffInvitationForm(request.POST if request.POST.get("action") == "invite" else None, venues=venues)
    link, coordinator_links = "", []
    if request.method == "POST":
        action = request.POST.get("action")
        here = redirect("accounts_manage:staff", event.slug)
        if action == "revoke":
            if services.revoke_unused_invitation(event, request.POST.get("invitation"), actor=request.user):
                messages.success(request, _("邀请链接已撤销，它不能再用来设置账号。"))
            else:
                messages.error(request, _("该链接已被使用或已撤销，无需再撤销。"))
            return here
        if action == "remove":
            m = Membership.objects.filter(pk=request.POST.get("membership") or 0, event=event).first()
            try:
                if m is None:
                    raise ValidationError(_("该角色不属于本会议，或已被移除。"))
                services.remove_role(m, event, request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("已移除 %(user)s 的“%(role)s”角色。") % {
                    "user": m.user, "role": m.get_role_display()})
            return here
        if action == "coordinators":
            try:
                made = services.invite_coordinators(event, actor=request.user, base_url=urls_abs.base_url())
            except ApiError as exc:
                messages.error(request, exc.message)
                return here
            # shown once after the redirect, as a single link is (a reload must not make them again)
            request.session["staff_new_coordinator_links"] = [
                [v.name, v.code, urls_abs.absolute_url(reverse("accounts:invitation", args=[token]))] for v, token in made]
            if made:
                messages.success(request, ngettext("已为 %(n)s 个分会场生成联系人邀请链接。", "已为 %(n)s 个分会场生成联系人邀请链接。",
                                                   len(made)) % {"n": len(made)})
            else:
                messages.info(request, _("所有分会场都已有联系人或有效的邀请链接，没有生成新链接。"))
            return here
        if action == "invite" and form.is_valid():
            data = form.cleaned_data
            try:
                inv, token = services.invite_staff(event, data["role"], venue=data.get("venue"), email=data["email"],
                                                   actor=request.user, base_url=urls_abs.base_url())
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            except ApiError as exc:
                form.add_error(None, exc.message)
            else:
                # shown once after the redirect (a reload of the answer must not make a second link and mail)
                request.session["staff_new_link"] = urls_abs.absolute_url(reverse("accounts:invitation", args=[token]))
                if inv.mailed:
                    messages.success(request, _("邀请邮件已放入发送队列，将发往 %(email)s；下面的链接也可以直接复制转交。") % {
                        "email": inv.email})
                return here
    else:
        link = request.session.pop("staff_new_link", "")
        coordinator_links = request.session.pop("staff_new_coordinator_links", [])
    from django.utils import timezone

    return render(request, "accounts/staff.html", {
        "event": event, "groups": services.event_staff(event), "invitations": services.staff_invitations(event),
        "form": form, "link": link, "now": timezone.now(), "coordinator_links": coordinator_links,
        "all_coordinator_links": "\n".join(_("%(venue)s（%(code)s）：%(link)s") % {"venue": name, "code": code, "link": url}
                                           for name, code, url in coordinator_links),
        "uninvited": services.venues_without_coordinator(event),
    })


@scoped("event.manage")
def invitations(request, event, venue):
    """The organizer's list of a venue's invitation links: create, see use, revoke."""
    from django.utils import timezone

    from .models import Invitation

    link = ""
    if request.method == "POST":
        if request.POST.get("revoke"):
            inv = Invitation.objects.filter(venue=venue, pk=request.POST["revoke"]).first()
            if inv is not None and inv.revoked_at is None:
                services.revoke_invitation(inv, actor=request.user)
                messages.success(request, _("邀请链接已撤销。"))
            return redirect("accounts_manage:invitations", event.slug, venue.code)
        from huiwu.core.errors import ApiError

        try:
            _inv, token = services.create_invitation(venue, actor=request.user, base_url=urls_abs.base_url(),
                                                     email=request.POST.get("email", "").strip())
        except ApiError as exc:
            messages.error(request, exc.message)
            return redirect("accounts_manage:invitations", event.slug, venue.code)
        link = urls_abs.absolute_url(reverse("accounts:invitation", args=[token]))
    rows = Invitation.objects.filter(venue=venue).select_related("used_by").order_by("-created_at")
    return render(request, "accounts/invitations.html", {
        "event": event, "venue": venue, "rows": rows, "link": link, "now": timezone.now(),
    })
