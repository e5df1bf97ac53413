"""Password reset without phoning anyone: a link by e-mail, or one the organizer makes for a person.

Django's token machinery (PasswordResetTokenGenerator: tied to the password hash and last login, so
a link works once and dies when the password changes; valid PASSWORD_RESET_TIMEOUT). Mail goes
through the outbox (`core.mail.queue_mail`); links come from the site's address (`core.urls_abs`),
never from the request's Host header.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from huiwu.audit.services import record
from huiwu.core import urls_abs

User = get_user_model()


def reset_link(user: Any) -> str:
    """An absolute one-time link that lets `user` set a new password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return urls_abs.absolute_url(reverse("accounts:password_reset_confirm", args=[uid, token]))


def user_for_link(uidb64: str, token: str) -> Any | None:
    """The user a reset link stands for, or None when it is wrong, used or expired."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User.objects.filter(pk=pk, is_active=True).first()
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def _hours() -> int:
    from django.conf import settings

    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


def _mail(user: Any, link: str, *, by_organizer: bool = False) -> Any:
    from huiwu.core.mail import queue_mail

    names = {"name": user.display_name or user.username, "username": user.username, "link": link, "hours": _hours()}
    body = _("%(name)s您好！\n\n") % names
    body += (_("主办方为您的账号（用户名：%(username)s）生成了密码重置链接。") if by_organizer
             else _("有人（可能是您本人）为账号“%(username)s”申请了重置密码。")) % names
    body += _("请在 %(hours)s 小时内打开下面的链接设置新密码（仅可使用一次）：\n\n%(link)s\n\n"
              "如果不是您本人申请，请忽略本邮件，原密码仍然有效。\n") % names
    return queue_mail([user.email], _("【会务】重置密码"), body, kind="password.reset")


class TooManyRequests(Exception):
    """Reset requests for this name or from this address came too often: try again in `wait` seconds."""

    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


def request_reset(login: str, *, ip: str | None = None) -> bool:
    """Mail a reset link to the account named by user name or e-mail, if it has an address.

    Returns whether a mail was queued; the page says the same either way, so nobody learns
    which accounts exist. Requests are throttled per name and per address with the login
    throttle's rows (`services.reset_wait`), counted for unknown names too: TooManyRequests.
    """
    from . import services

    login = (login or "").strip()
    if not login:
        return False
    wait = services.reset_wait(login, ip)
    if wait:
        record("password.reset_throttled", actor=None, actor_label=login[:100], ip=ip, after={"wait": wait})
        raise TooManyRequests(wait)
    services.note_reset_request(login, ip)
    users = User.objects.filter(is_active=True).exclude(email="")
    users = users.filter(email__iexact=login) if "@" in login else users.filter(username=login)
    sent = False
    with transaction.atomic():
        for user in users[:5]:
            sent = _mail(user, reset_link(user)) is not None or sent
            record("password.reset_requested", actor=None, obj=user, ip=ip, after={"mailed": True})
    return sent


@transaction.atomic
def organizer_reset(user: Any, *, actor: Any) -> tuple[str, bool]:
    """The organizer makes a reset link for a person (and mails it when the account has an address).

    Returns (link, mailed); the organizer may pass the link on by other means.
    """
    link = reset_link(user)
    mailed = bool(user.email) and _mail(user, link, by_organizer=True) is not None
    record("password.reset_link", actor=actor, obj=user, after={"user": user.username, "mailed": mailed})
    return link, mailed


@transaction.atomic
def set_password(user: Any, password: str, *, ip: str | None = None) -> None:
    """Set the new password (validated by the form); the link dies with the old password hash."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record("password.reset_done", actor=user, obj=user, ip=ip)
