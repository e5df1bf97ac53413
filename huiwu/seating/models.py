"""Seating (座次): a venue's room layout, the precedence of its people, and the plans made from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RoomLayout(models.Model):
    """The seats of a venue's room, in metres, as PRODUCT.md's layout JSON.

    `data` is `{"name", "rows": [{"label", "y", "seats": [{"label", "x"}]}], "rostrum": row | null}`:
    rows front to back, `x` grows to the seated audience's right; the rostrum (主席台) is a row in
    front of the first that faces the audience. Removed seats keep their place with `"off": true`
    so the editor can restore them.
    """

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="room_layout")
    data = models.JSONField(default=dict)
    #: 1, 2, 3 … every saved change of the layout; plans remember the version they were made on
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会议室布局")
        verbose_name_plural = _("会议室布局")

    def __str__(self) -> str:
        return str(self.data.get("name") or self.venue)


class PositionRank(models.Model):
    """One line of an event's position-rank table (职务级别): a title and its rank, 1 highest."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="position_ranks")
    title = models.CharField(_("职务"), max_length=40)
    rank = models.PositiveSmallIntegerField(_("级别"))

    class Meta:
        ordering = ["event_id", "rank", "title"]
        verbose_name = _("职务级别")
        verbose_name_plural = _("职务级别")
        constraints = [
            models.UniqueConstraint(fields=["event", "title"], name="positionrank_unique_title"),
            models.CheckConstraint(condition=~Q(title=""), name="positionrank_title_required"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.rank})"


class Precedence(models.Model):
    """The order of a venue's people set by hand (dragging); without one huiwu infers it."""

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="precedence")
    #: attendee ids, first is highest
    order = models.JSONField(default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("座次顺序")
        verbose_name_plural = _("座次顺序")

    def __str__(self) -> str:
        return f"{self.venue}: {len(self.order)}"


class SeatingPlan(models.Model):
    """One assignment of a venue's people to seats; the newest is the venue's current plan."""

    class Mode(models.TextChoices):
        GOV = "gov", _("政务（居中为上、以左为上）")
        INTL = "intl", _("国际（居中为上、以右为上）")

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="seating_plans")
    min_distance = models.DecimalField(_("最小间距（米）"), max_digits=5, decimal_places=2)
    mode = models.CharField(_("礼宾模式"), max_length=4, choices=Mode.choices, default=Mode.GOV)
    #: every seat of the layout: [{"row", "seat", "x", "y", "rostrum", "attendee": id | null}]
    seats = models.JSONField(default=list)
    #: attendee ids that found no seat, in precedence order
    unseated = models.JSONField(default=list)
    #: the most people the room holds at this distance (proven when `optimal`)
    max_seated = models.PositiveIntegerField(default=0)
    #: true only when the solver proved that no plan seats more people
    optimal = models.BooleanField(default=False)
    #: how the count was found ("cp-sat", "greedy: …") and solver figures
    method = models.CharField(max_length=200, blank=True)
    #: SHA-256 of the active attendees' ids and versions when the plan was made
    fingerprint = models.CharField(max_length=64)
    #: the order used, attendee ids first to last
    order = models.JSONField(default=list)
    layout_version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["venue_id", "-created_at", "-id"]
        verbose_name = _("座次方案")
        verbose_name_plural = _("座次方案")
        constraints = [
            models.CheckConstraint(condition=Q(min_distance__gte=0), name="seatingplan_distance_not_negative"),
        ]
        indexes = [models.Index(fields=["venue", "-created_at"], name="seatingplan_venue_newest")]

    def __str__(self) -> str:
        return f"{self.venue} @ {self.created_at:%Y-%m-%d %H:%M}"
