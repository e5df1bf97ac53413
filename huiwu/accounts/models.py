"""People, their roles on events and venues, API tokens and invitation links."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. Attendees never need an account (they use personal links)."""

    #: how the person is addressed in the interface, e.g. 王立
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机"), max_length=11, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    ORGANIZER = "organizer", _("主办方")
    COORDINATOR = "coordinator", _("分会场联系人")
    MAIN_UNIT = "main_unit", _("主会场参会单位")
    DOOR = "door", _("入场核验")
    HEALTH = "health", _("防疫专员")


class Membership(models.Model):
    """What one user may touch: a role on an event, bound to a venue or unit where the role needs it.

    An organizer membership without an event covers every event (the organizing office).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("events.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["coordinator", "door"]) | Q(venue__isnull=False, event__isnull=False),
                name="membership_venue_roles_bound",
            ),
            models.CheckConstraint(
                condition=~Q(role="main_unit") | Q(unit__isnull=False, venue__isnull=False),
                name="membership_main_unit_bound",
            ),
            models.CheckConstraint(
                condition=Q(role="organizer") | Q(event__isnull=False),
                name="membership_event_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    #: first characters of the key, so a person can tell tokens apart
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invitation(models.Model):
    """A per-venue invitation link that lets a coordinator (or main-venue unit) set a password."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.COORDINATOR)
    unit = models.ForeignKey("events.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    email = models.EmailField(_("邮箱"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.venue} {self.role}"


class LoginFailure(models.Model):
    """A failed login, kept in the database so every server worker sees the same count."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
