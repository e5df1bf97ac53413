"""The audit trail: who did what to which record, when, from which request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change or one sensitive read (a denied URL guess, a declaration viewed, an export)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: who acted when there is no user: "system", "token:NAME", "attendee-link", "mail:addr"
    actor_label = models.CharField(max_length=120, blank=True)
    #: dotted verb, e.g. attendee.create, venue.approve, tenancy.denied, declaration.view
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    event = models.ForeignKey("events.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    venue = models.ForeignKey("venues.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["venue", "-at"], name="audit_venue_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
