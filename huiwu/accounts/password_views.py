"""Password pages: forgot password (a link by e-mail), set a new one from a link, and the organizer's
list of a venue's accounts with a reset link for each."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import passwords
from .models import Membership
from .tenancy import public, scoped


class ResetRequestForm(forms.Form):
    login = forms.CharField(label=gettext_lazy("用户名或邮箱"), max_length=254)


def _ip(request):
    return request.META.get("REMOTE_ADDR")


@public
def password_reset(request):
    """Forgot password: the link goes to the account's e-mail; the answer never says whether it exists."""
    form = ResetRequestForm(request.POST or None)
    sent, wait = False, 0
    if request.method == "POST" and form.is_valid():
        try:
            passwords.request_reset(form.cleaned_data["login"], ip=_ip(request))
            sent = True
        except passwords.TooManyRequests as exc:
            wait = exc.wait
    response = render(request, "accounts/password_reset.html", {
        "form": form, "sent": sent, "wait_minutes": (wait + 59) // 60}, status=429 if wait else 200)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@public
def password_reset_confirm(request, uidb64, token):
    """Set a new password from a reset link (used once; dies when the password changes)."""
    user = passwords.user_for_link(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_confirm.html", {"invalid": True}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        passwords.set_password(user, form.cleaned_data["new_password1"], ip=_ip(request))
        messages.success(request, _("新密码已设置，请用它登录。"))
        return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "user_": user})


@scoped("event.manage")
def venue_people(request, event, venue):
    """The organizer sees who has an account for this venue and makes a reset link for one of them."""
    members = (Membership.objects.filter(event=event, venue=venue).select_related("user", "unit")
               .order_by("role", "user__username"))
    link, mailed, who = "", False, None
    if request.method == "POST":
        m = members.filter(user_id=request.POST.get("user") or 0).first()
        if m is None:
            messages.error(request, _("请选择本会场的账号。"))
            return redirect("accounts_manage:people", event.slug, venue.code)
        link, mailed = passwords.organizer_reset(m.user, actor=request.user)
        who = m.user
    return render(request, "accounts/venue_people.html", {
        "event": event, "venue": venue, "members": members, "link": link, "mailed": mailed, "who": who,
    })
