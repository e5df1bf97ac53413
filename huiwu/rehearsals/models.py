"""The video rehearsal (视频调试): each branch venue's slot, the checklist results of every attempt,
and the browser self-tests a venue ran before its slot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PENDING = "pending", _("待调试")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")
    RETEST = "retest", _("需复测")


class Quality(models.TextChoices):
    OK = "ok", _("正常")
    POOR = "poor", _("较差")
    NONE = "none", _("无")


class Grade(models.TextChoices):
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class Rehearsal(models.Model):
    """A branch venue's slot in the event's rehearsal window and its current checklist result.

    The current result is repeated here (one row per venue) so the director's board reads one
    table; every marking is also kept as an `Attempt`.
    """

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="rehearsal")
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    #: when the invitation went out; a sent slot is kept when the schedule is made again
    sent_at = models.DateTimeField(_("邀请发送时间"), null=True, blank=True)
    #: iCalendar SEQUENCE: grows each time a sent slot moves, so calendars update the entry
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    video = models.CharField(_("视频"), max_length=4, choices=Quality.choices, null=True, blank=True)
    audio = models.CharField(_("音频"), max_length=4, choices=Quality.choices, null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    reminded_evening_at = models.DateTimeField(null=True, blank=True)
    reminded_soon_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("视频调试")
        verbose_name_plural = _("视频调试")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="rehearsal_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.starts_at:%H:%M}"


class Attempt(models.Model):
    """One marking of a venue's rehearsal on the board or through the API (every attempt is kept)."""

    rehearsal = models.ForeignKey(Rehearsal, on_delete=models.CASCADE, related_name="attempts")
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    video = models.CharField(_("视频"), max_length=4, choices=Quality.choices, null=True, blank=True)
    audio = models.CharField(_("音频"), max_length=4, choices=Quality.choices, null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.rehearsal_id} {self.status}"


class SelfTest(models.Model):
    """One run of the browser self-test for a venue: what was measured and the grade it earned."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="selftests")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    grade = models.CharField(_("评级"), max_length=4, choices=Grade.choices)
    camera = models.JSONField(default=dict)
    microphone = models.JSONField(default=dict)
    speaker = models.JSONField(default=dict)
    network = models.JSONField(default=dict)
    #: the TURN loopback call (loss, RTT, outgoing bitrate); empty when no TURN server is set
    webrtc = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list)
    #: page (signed-in user), link (the technical contact's personal link) or api
    via = models.CharField(max_length=8, default="page")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["venue", "-id"], name="selftest_venue_latest")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.grade}"
