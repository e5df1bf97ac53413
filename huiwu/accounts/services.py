"""Accounts: users with roles, API tokens, invitation links, login throttling."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huiwu.audit.services import record
from huiwu.events.models import Event
from huiwu.venues.models import Venue

from .models import ApiToken, Invitation, LoginFailure, Membership, Role

User = get_user_model()
_INVITE_SALT = "huiwu.invitation"
#: roles bound to one venue; the others (organizer, health) cover the whole event
VENUE_ROLES = frozenset({Role.COORDINATOR, Role.DOOR, Role.MAIN_UNIT})


@transaction.atomic
def add_user(
    username: str,
    role: str,
    password: str | None = None,
    *,
    event: Event | None = None,
    venue: Venue | None = None,
    unit: Any = None,
    display_name: str = "",
    email: str = "",
    actor: Any = None,
) -> Any:
    """Create (or extend) a user with one role; roles bound to a venue need `venue`."""
    if role not in Role.values:
        raise ValidationError(_("未知角色“%(role)s”，可选：%(roles)s。") % {"role": role, "roles": ", ".join(Role.values)})
    if role in VENUE_ROLES and venue is None:
        raise ValidationError(_("该角色必须绑定会场，请用 --venue 指定会场代码。"))
    if venue is not None:
        event = venue.event
    if role == Role.MAIN_UNIT and unit is None:
        unit = venue.host_unit
        if unit is None:
            raise ValidationError(_("主会场参会单位必须指定所属单位。"))
    if role != Role.ORGANIZER and event is None:
        raise ValidationError(_("该角色必须绑定会议。"))
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name or username, "email": email}
    )
    if password:
        user.set_password(password)
        user.save()
    elif created:
        user.set_unusable_password()
        user.save()
    membership, _created = Membership.objects.get_or_create(user=user, role=role, event=event, venue=venue, unit=unit)
    record("user.role_granted", actor=actor, event=event, venue=venue, obj=membership,
           after={"user": username, "role": role})
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: Any, name: str = "cli") -> str:
    """Create an API token and return its key; the key itself is never stored."""
    key = "hw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=_hash(key), prefix=key[:8])
    record("token.create", actor=user, obj=token, after={"name": name, "prefix": token.prefix})
    return key


#: a bearer token's user and memberships are kept this long per process (a door scans hundreds of
#: times a second with one token); a revoked token or a removed role stops working in every worker
#: within this time, and at once in the process that made the change (signals in `apps.py`)
TOKEN_TTL = 5.0
_TOKENS: dict[str, tuple[float, Any, list]] = {}


def forget_tokens(**_kwargs: Any) -> None:
    """Drop the tokens kept in memory (a token, user or membership changed in this process)."""
    _TOKENS.clear()


def user_for_token(key: str) -> Any | None:
    """The active user behind a bearer token, or None.

    Kept `TOKEN_TTL` seconds per process with the user's memberships (`tenancy.Access`): each request
    gets its own copy of the user, so nothing one request sets on it leaks into another.
    """
    if not key:
        return None
    digest = _hash(key)
    from .tenancy import Access, clone

    hit = _TOKENS.get(digest)
    if hit is not None and time.monotonic() - hit[0] < TOKEN_TTL:
        user = clone(hit[1])
        # this request's own view of the kept memberships: refreshed (for this request) before a refusal
        user._huiwu_access = Access(user=user, memberships=hit[2], from_cache=True)
        return user
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        _TOKENS.pop(digest, None)
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    memberships = Access.for_user(user).memberships
    if len(_TOKENS) > 10000:
        _TOKENS.clear()
    _TOKENS[digest] = (time.monotonic(), user, memberships)
    return clone(user)


# -- invitation links ------------------------------------------------------------------------
def create_invitation(venue: Venue, *, actor: Any = None, email: str = "", role: str = Role.COORDINATOR,
                      unit: Any = None, days: int | None = None, base_url: str = "") -> tuple[Invitation, str]:
    """A signed, expiring, revocable link that lets one person set a password for this venue.

    With an e-mail address and the site's base URL, the link is mailed through the queue.
    Only a published event invites (a draft does not exist for coordinators yet).
    """
    from huiwu.events.services import check_published

    check_published(venue.event, _("生成邀请链接"))
    days = days or settings.HUIWU_INVITATION_DAYS
    inv = Invitation.objects.create(
        venue=venue, role=role, unit=unit, email=email, created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    token = signing.dumps({"i": inv.pk, "v": venue.pk}, salt=_INVITE_SALT)
    record("invitation.create", actor=actor, venue=venue, obj=inv, after={"role": role, "email": email})
    base_url = base_url or settings.HUIWU_BASE_URL
    #: whether a mail with the link was queued (pages say so only then)
    inv.mailed = bool(email and base_url) and _mail_invitation(
        inv, base_url.rstrip("/") + reverse("accounts:invitation", args=[token])) is not None
    return inv, token


def invitation_duty(inv: Invitation) -> str:
    """What the invited person will do, for the link's page and its mail: 负责深圳市分会场的回执填报."""
    venue = inv.venue
    if inv.role == Role.DOOR:
        return _("负责%(venue)s的入场核验（签到）") % {"venue": venue.name}
    if inv.role == Role.HEALTH:
        return _("担任本次会议的防疫专员（审核健康申报）")
    if inv.role == Role.ORGANIZER:
        return _("作为主办方共同管理本次会议")
    return _("负责%(venue)s的回执填报") % {"venue": venue.name}


def _mail_invitation(inv: Invitation, link: str) -> Any:
    """Queue the invitation mail; the OutboxMail row, or None when nothing was queued."""
    from huiwu.core.mail import queue_mail

    venue = inv.venue
    event = venue.event
    deadline = event.registration_deadline
    days = settings.HUIWU_INVITATION_DAYS
    if inv.role not in (Role.COORDINATOR, Role.MAIN_UNIT):
        body = _("您好！\n\n您受邀在“%(event)s”中%(duty)s。"
                 "请打开下面的链接设置账号和密码（%(days)s天内有效，仅可使用一次）：\n\n%(link)s\n\n"
                 "如有疑问，请联系主办方。\n") % {"event": event.title, "duty": invitation_duty(inv),
                                            "days": days, "link": link}
        return queue_mail([inv.email], _("【账号邀请】%(event)s · %(role)s") % {
            "event": event.title, "role": inv.get_role_display()}, body, kind="invitation", event=event, venue=venue)
    body = ngettext(
        "您好！\n\n您受邀负责“%(event)s”%(venue)s的回执填报。"
        "请打开下面的链接设置账号和密码（%(days)s天内有效，仅可使用一次）：\n\n%(link)s\n\n",
        "您好！\n\n您受邀负责“%(event)s”%(venue)s的回执填报。"
        "请打开下面的链接设置账号和密码（%(days)s天内有效，仅可使用一次）：\n\n%(link)s\n\n",
        days,
    ) % {"event": event.title, "venue": venue.name, "days": days, "link": link}
    if deadline:
        from huiwu.core.dates import long_dt, zone_label

        body += _("回执截止时间：%(deadline)s（%(zone)s）。\n") % {"deadline": long_dt(deadline, event.time_zone),
                                                           "zone": zone_label(event.time_zone)}
    body += _("如有疑问，请联系主办方。\n")
    return queue_mail([inv.email], _("【回执填报邀请】%(event)s · %(venue)s") % {"event": event.title, "venue": venue.name},
               body, kind="invitation", event=event, venue=venue)


class InvitationError(Exception):
    """The link cannot be used; the message says why, in Chinese."""


def check_invitation(token: str) -> Invitation:
    try:
        data = signing.loads(token, salt=_INVITE_SALT, max_age=timedelta(days=60))
    except signing.BadSignature as exc:
        raise InvitationError(_("邀请链接无效，请向主办方索取新的链接。")) from exc
    inv = Invitation.objects.select_related("venue__event", "venue__host_unit").filter(
        pk=data.get("i"), venue_id=data.get("v")
    ).first()
    if inv is None or inv.revoked_at:
        raise InvitationError(_("邀请链接已被撤销，请向主办方索取新的链接。"))
    if inv.used_at:
        raise InvitationError(_("该邀请链接已经使用过，请直接登录。"))
    if inv.expires_at < timezone.now():
        raise InvitationError(_("邀请链接已过期，请向主办方索取新的链接。"))
    return inv


@transaction.atomic
def accept_invitation(token: str, username: str, password: str, display_name: str = "") -> Any:
    inv = check_invitation(token)
    # revoked, used or its event archived meanwhile: seen now, under the lock
    inv = (Invitation.objects.select_for_update(of=("self",)).select_related("venue__event", "venue__host_unit")
           .get(pk=inv.pk))
    event = inv.venue.event
    if inv.revoked_at:
        raise InvitationError(_("邀请链接已被撤销，请向主办方索取新的链接。"))
    if inv.used_at:
        raise InvitationError(_("该邀请链接已经使用过，请直接登录。"))
    if event.status == Event.Status.ARCHIVED:
        raise InvitationError(_("“%(title)s”已归档，不能再接受邀请。") % {"title": event.title})
    if User.objects.filter(username=username).exists():
        raise InvitationError(_("用户名“%(name)s”已被使用，请换一个。") % {"name": username})
    if inv.role in VENUE_ROLES:
        user = add_user(username, inv.role, password, venue=inv.venue, unit=inv.unit,
                        display_name=display_name, email=inv.email)
    else:  # health and organizer are event-wide: the link's venue (the main venue) only carried the event
        user = add_user(username, inv.role, password, event=event, display_name=display_name, email=inv.email)
    inv.used_at = timezone.now()
    inv.used_by = user
    inv.save(update_fields=["used_at", "used_by"])
    record("invitation.accept", actor=user, venue=inv.venue, obj=inv)
    return user


def revoke_invitation(inv: Invitation, actor: Any = None) -> None:
    inv.revoked_at = timezone.now()
    inv.save(update_fields=["revoked_at"])
    record("invitation.revoke", actor=actor, venue=inv.venue, obj=inv)


# -- the organizer's 人员与账号 page ----------------------------------------------------------------
#: roles an organizer invites from the staff page (coordinators and main-venue units are invited per venue)
STAFF_ROLES = (Role.DOOR, Role.HEALTH, Role.ORGANIZER)
#: the order the page lists roles in
ROLE_ORDER = (Role.ORGANIZER, Role.HEALTH, Role.DOOR, Role.COORDINATOR, Role.MAIN_UNIT)


def invite_staff(event: Event, role: str, *, venue: Venue | None = None, email: str = "", actor: Any = None,
                 base_url: str = "") -> tuple[Invitation, str]:
    """An invitation link for door staff (bound to `venue`), a health officer or a co-organizer of `event`.

    An Invitation always names a venue (its link is signed with it): health and organizer links carry
    the event's main venue, and `accept_invitation` gives them an event-wide role, not a venue-bound one.
    """
    if role not in STAFF_ROLES:
        raise ValidationError(_("这里只能邀请入场核验、防疫专员或主办方账号；分会场联系人请在分会场页面邀请。"))
    if role == Role.DOOR:
        if venue is None or venue.event_id != event.pk:
            raise ValidationError(_("请为入场核验人员选择会场。"))
    else:
        venue = Venue.objects.filter(event=event, kind=Venue.Kind.MAIN).first()
        if venue is None:
            raise ValidationError(_("本会议还没有主会场，请先在“编辑会议信息”中添加主会场再邀请。"))
    return create_invitation(venue, actor=actor, email=email, role=role, base_url=base_url)


def venues_without_coordinator(event: Event) -> list[Venue]:
    """The event's branch venues that have neither a coordinator account nor a coordinator link
    still usable (not used, revoked or expired), in the notice's order: the ones to invite."""
    from django.db.models import Exists, OuterRef

    live = Invitation.objects.filter(venue=OuterRef("pk"), role=Role.COORDINATOR, used_at__isnull=True,
                                     revoked_at__isnull=True, expires_at__gt=timezone.now())
    staffed = Membership.objects.filter(venue=OuterRef("pk"), event=event, role=Role.COORDINATOR)
    venues = list(Venue.objects.filter(event=event, kind=Venue.Kind.BRANCH)
                  .exclude(Exists(live)).exclude(Exists(staffed)).order_by("order", "code"))
    for venue in venues:
        venue.event = event  # known: an invitation per venue need not read it again
    return venues


def invite_coordinators(event: Event, *, actor: Any = None, base_url: str = "") -> list[tuple[Venue, str]]:
    """One coordinator link for each branch venue that has no coordinator yet (`venues_without_coordinator`),
    made at once: the organizer hands them out instead of visiting 37 venue pages. The venue and the
    link's token, in order; each link is audited as one made on the venue's page."""
    from huiwu.events.services import check_published

    check_published(event, _("生成邀请链接"))
    with transaction.atomic():
        return [(venue, create_invitation(venue, actor=actor, base_url=base_url)[1])
                for venue in venues_without_coordinator(event)]


def staff_invitations(event: Event) -> Any:
    """The event's invitation links, newest first, with their venue and who made and used them."""
    return (Invitation.objects.filter(venue__event=event).select_related("venue", "created_by", "used_by")
            .order_by("-created_at"))


def event_staff(event: Event) -> list[dict[str, Any]]:
    """Everyone with a role on `event` (office-wide organizers included), grouped by role in ROLE_ORDER.

    Each row: the membership, its user and venue, and who invited them and when (the accepted
    Invitation; None for accounts made on the command line).
    """
    from django.db.models import Q

    memberships = list(
        Membership.objects.filter(Q(event=event) | Q(role=Role.ORGANIZER, event__isnull=True))
        .select_related("user", "venue", "unit").order_by("venue__code", "user__username")
    )
    used = {
        (inv.used_by_id, inv.role, inv.venue_id if inv.role in VENUE_ROLES else None): inv
        for inv in Invitation.objects.filter(venue__event=event, used_by__in={m.user_id for m in memberships})
        .select_related("created_by").order_by("used_at")
    }
    groups = []
    for role in ROLE_ORDER:
        rows = [{"m": m, "user": m.user, "venue": m.venue, "invitation": used.get((m.user_id, m.role, m.venue_id))}
                for m in memberships if m.role == role]
        groups.append({"role": role, "label": Role(role).label, "rows": rows})
    return groups


def revoke_unused_invitation(event: Event, pk: Any, actor: Any = None) -> bool:
    """Revoke one of `event`'s links that nobody has used yet; False when there is no such link."""
    inv = Invitation.objects.select_related("venue").filter(
        venue__event=event, pk=pk, used_at__isnull=True, revoked_at__isnull=True).first()
    if inv is None:
        return False
    revoke_invitation(inv, actor=actor)
    return True


@transaction.atomic
def remove_role(membership: Membership, event: Event, actor: Any) -> None:
    """Take one role on `event` away from an account (the account itself stays, with its other roles).

    Refused: a role on another event, an office-wide organizer (it covers every event, not this page's
    to take), and the organizer's own last organizer role on this event (nobody would be left to undo it).
    """
    membership = Membership.objects.select_for_update(of=("self",)).select_related("user", "venue").filter(pk=membership.pk).first()
    if membership is None or membership.event_id != event.pk:
        raise ValidationError(_("该角色不属于本会议，或已被移除。"))
    if membership.role == Role.ORGANIZER and membership.user_id == getattr(actor, "pk", None):
        from django.db.models import Q

        others = Membership.objects.filter(Q(event=event) | Q(event__isnull=True), user=actor,
                                           role=Role.ORGANIZER).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(_("不能移除您自己在本会议的最后一个主办方角色；请由另一位主办方操作。"))
    before = {"user": membership.user.username, "role": membership.role,
              "venue": membership.venue.code if membership.venue else None}
    membership.delete()
    record("user.role_removed", actor=actor, event=event, venue=membership.venue, obj=membership.user,
           before=before)


# -- login throttling --------------------------------------------------------------------------
#: failures a (name, address) pair may make before it has to wait, and the same for one address
#: trying many names; each failure after that doubles the wait (2 s, 4 s, 8 s … up to the window)
FREE_FAILURES_PER_PAIR = 2
FREE_FAILURES_PER_ADDRESS = 20


def _delay(failures: int, free: int, cap: int) -> int:
    return 0 if failures <= free else min(2 ** (failures - free), cap)


#: LoginFailure rows of password-reset requests carry this before the name asked for (a user name
#: cannot hold a colon, so they never mix with a login's failures)
RESET_PREFIX = "reset:"
#: reset requests one name (or e-mail address) may make within the window, and one address of any names
FREE_RESETS_PER_NAME = 3
FREE_RESETS_PER_ADDRESS = 10


def _whole_window(count: int, free: int, cap: int) -> int:
    return cap if count >= free else 0


def _wait(checks: list[tuple[Any, int]], now: Any, window: int, delay: Any = _delay) -> int:
    """Seconds to wait given (recent rows, rows allowed free) pairs: by default each row past the
    free ones doubles the wait after the latest row, up to the window."""
    wait = 0.0
    for qs, free in checks:
        stats = qs.aggregate(n=Count("id"), last=Max("at"))
        if stats["n"]:
            until = stats["last"] + timedelta(seconds=delay(stats["n"], free, window))
            wait = max(wait, (until - now).total_seconds())
    return int(wait + 0.999)


def login_wait(username: str, ip: str | None) -> int:
    """Seconds this name must still wait before trying again from this address (0: go ahead).

    Failures count per (name, address): someone guessing an office's password from elsewhere
    slows down their own address only, never the office's login, and a correct password from an
    address that never failed is never refused. Growing delays, not a lock-out.
    """
    window = settings.HUIWU_LOGIN_WINDOW_SECONDS
    now = timezone.now()
    recent = LoginFailure.objects.filter(at__gte=now - timedelta(seconds=window))
    return _wait([(recent.filter(username=username, ip=ip), FREE_FAILURES_PER_PAIR),
                  (recent.filter(ip=ip).exclude(username__startswith=RESET_PREFIX), FREE_FAILURES_PER_ADDRESS)],
                 now, window)


def _reset_key(login: str) -> str:
    return (RESET_PREFIX + login.strip().lower())[:150]


def reset_wait(login: str, ip: str | None) -> int:
    """Seconds before another password-reset request for `login` (or from `ip`) is taken (0: go ahead).

    The login throttle's rows: a few requests per name and per address pass within the window,
    then the next waits a whole window after the latest (each would be a mail in someone's box).
    Counted whether or not the account exists, so the answer tells nothing.
    """
    window = settings.HUIWU_LOGIN_WINDOW_SECONDS
    now = timezone.now()
    recent = LoginFailure.objects.filter(at__gte=now - timedelta(seconds=window), username__startswith=RESET_PREFIX)
    return _wait([(recent.filter(username=_reset_key(login)), FREE_RESETS_PER_NAME),
                  (recent.filter(ip=ip), FREE_RESETS_PER_ADDRESS)], now, window, _whole_window)


def _forget_old_rows() -> None:
    """Rows older than the window count for nothing (neither throttle looks further back)."""
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(seconds=settings.HUIWU_LOGIN_WINDOW_SECONDS)).delete()


def note_reset_request(login: str, ip: str | None) -> None:
    """Count a password-reset request for reset_wait."""
    _forget_old_rows()
    LoginFailure.objects.create(username=_reset_key(login), ip=ip)


def login_blocked(username: str, ip: str | None) -> bool:
    """Whether this name must wait before trying again from this address (see login_wait)."""
    return login_wait(username, ip) > 0


def note_login_failure(username: str, ip: str | None) -> None:
    _forget_old_rows()
    LoginFailure.objects.create(username=username[:150], ip=ip)
    record("login.failed", actor_label=username[:100], ip=ip)


def note_login_success(username: str, ip: str | None) -> None:
    """A correct password clears this pair's failures (the address's others keep counting)."""
    LoginFailure.objects.filter(username=username[:150], ip=ip).delete()
