"""Check-in (签到): the event's signing key, one arrival per attendee, and every offline scan's nonce.

An attendee's code is not stored: it is derived (signed) from the event's key and the attendee's
ids, so it needs no table; a code stops working when the attendee is no longer active (replaced,
withdrawn, removed) — the roster carries those ids as revocations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EventKey(models.Model):
    """The Ed25519 key pair that signs an event's check-in codes (private half never leaves the server)."""

    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="checkin_key")
    #: raw 32-byte Ed25519 private key
    private_key = models.BinaryField()
    #: raw 32-byte Ed25519 public key (published in every roster)
    public_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("签到密钥")
        verbose_name_plural = _("签到密钥")

    def __str__(self) -> str:
        return f"{self.event_id}"


class CheckIn(models.Model):
    """One attendee's arrival: at most one per attendee (a unique constraint), whichever door was first."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="checkins")
    attendee = models.OneToOneField("receipts.Attendee", on_delete=models.CASCADE, related_name="checkin")
    #: when the person was scanned (the scanner's clock for an offline scan)
    at = models.DateTimeField(_("签到时间"))
    #: when the server learnt of it
    received_at = models.DateTimeField(auto_now_add=True)
    #: after the start minus the arrive-before minutes
    late = models.BooleanField(_("迟到"), default=False)
    #: the verdict shown at the door (eligible / pending)
    verdict = models.CharField(max_length=12, blank=True)
    #: the scanner that made it (a random id each door page keeps) and the scan's nonce
    device = models.CharField(max_length=40, blank=True)
    nonce = models.CharField(max_length=64, blank=True)
    offline = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        indexes = [models.Index(fields=["event", "venue"], name="checkin_event_venue")]

    def __str__(self) -> str:
        return f"{self.attendee_id} {self.at:%H:%M}"


class Scan(models.Model):
    """A scan that came with a nonce (offline queue, retries): its answer, so a repeat changes nothing.

    `duplicate` marks an offline scan of a person another door had already checked in — shown to
    the organizer (two doors let one person in while offline; counted once).
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    attendee = models.ForeignKey("receipts.Attendee", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    nonce = models.CharField(max_length=64)
    device = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=14)
    #: the full answer given the first time (returned again for a repeated nonce)
    result = models.JSONField(default=dict)
    at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    offline = models.BooleanField(default=False)
    duplicate = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("扫码记录")
        verbose_name_plural = _("扫码记录")
        constraints = [models.UniqueConstraint(fields=["event", "nonce"], name="scan_nonce_once")]
        indexes = [models.Index(fields=["event"], name="scan_duplicates", condition=Q(duplicate=True))]

    def __str__(self) -> str:
        return f"{self.nonce} {self.status}"
