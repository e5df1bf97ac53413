"""Log in (throttled), log out, and accept an invitation link."""

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huiwu.core import urls_abs

from . import services
from .forms import AcceptInvitationForm, LoginForm
from .tenancy import public, scoped


def _ip(request):
    return request.META.get("REMOTE_ADDR")


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
                    nxt = "/"
                return redirect(nxt)
    response = render(request, "accounts/login.html", {"form": form, "error": error}, status=429 if blocked else 200)
    if blocked:
        response["Retry-After"] = str(wait)
    return response


def admin_login(request, extra_context=None):
    """The Django admin's login: the same throttled page (the admin's own form has no throttle)."""
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

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
            messages.success(request, _("账号已设置好，请填报本会场的回执。"))
            return redirect("venues:detail", inv.venue.event.slug, inv.venue.code)
    return render(request, "accounts/invitation.html", {"form": form, "inv": inv})


@scoped("event.manage")
def invitations(request, event, venue):
    """The organizer's list of a venue's invitation links: create, see use, revoke."""
    from django.urls import reverse
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
