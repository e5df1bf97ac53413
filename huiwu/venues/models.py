"""Venues: the main venue and the branch venues of an event, with capacity and local approval."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Venue(models.Model):
    """A place where people attend: the main venue (code `main`) or a branch (region code)."""

    class Kind(models.TextChoices):
        MAIN = "main", _("主会场")
        BRANCH = "branch", _("分会场")

    class Approval(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("未报批")
        PENDING = "pending", _("审批中")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="venues")
    kind = models.CharField(_("类型"), max_length=6, choices=Kind.choices)
    #: `main`, or the host region's six-digit GB/T 2260 code
    code = models.CharField(_("代码"), max_length=20)
    #: the unit that hosts a branch venue (for the main venue: the organizer)
    host_unit = models.ForeignKey(
        "events.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="hosted_venues"
    )
    name = models.CharField(_("名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    room = models.CharField(_("会议室"), max_length=100, blank=True)
    #: most people allowed in the venue at once (the seed: 30)
    capacity = models.PositiveIntegerField(_("容量"))
    approval_status = models.CharField(
        _("审批状态"), max_length=16, choices=Approval.choices, default=Approval.NOT_REQUESTED
    )
    #: the local epidemic-control body that approved the venue (联防联控机制)
    approving_body = models.CharField(_("审批机关"), max_length=200, blank=True)
    approval_document = models.FileField(_("审批文件"), upload_to="approvals/%Y/", blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approval_note = models.CharField(_("审批说明"), max_length=300, blank=True)
    #: the organizer marked the venue as open; only possible once approved (when required)
    is_open = models.BooleanField(_("已开设"), default=False)
    #: set when the venue was opened for an event that does not require approval, so the
    #: database itself can refuse an open branch venue that nobody approved
    approval_waived = models.BooleanField(_("无需审批"), default=False)
    #: a per-venue extension of the registration deadline granted by the organizer
    deadline_extended_to = models.DateTimeField(_("回执延期至"), null=True, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_id", "order", "id"]
        verbose_name = _("会场")
        verbose_name_plural = _("会场")
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="venue_code_unique_per_event"),
            models.UniqueConstraint(
                fields=["event"], condition=Q(kind="main"), name="venue_one_main_per_event"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="venue_capacity_positive"),
            models.CheckConstraint(
                condition=(Q(kind="main") & Q(code="main")) | (Q(kind="branch") & ~Q(code="main")),
                name="venue_code_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="main") | Q(code__regex=r"^[0-9]{6}$"),
                name="venue_branch_code_is_region",
            ),
            models.CheckConstraint(
                condition=Q(is_open=False) | Q(kind="main") | Q(approval_status="approved") | Q(approval_waived=True),
                name="venue_open_only_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VenueUnit(models.Model):
    """A unit invited to file its own attendees at a venue (the main venue's ministries, associations)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="invited_units")
    unit = models.ForeignKey("events.Unit", on_delete=models.PROTECT, related_name="venue_invitations")
    #: how many seats the organizer reserved for this unit (0: no quota, only the venue capacity)
    quota = models.PositiveIntegerField(_("名额"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "unit"], name="venueunit_unique")]

    def __str__(self) -> str:
        return f"{self.venue} · {self.unit}"


class ExtensionRequest(models.Model):
    """A coordinator asks for a later receipt deadline from the venue page; the organizer grants or
    refuses it in one click, and the coordinator is mailed either way."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        GRANTED = "granted", _("已同意")
        REFUSED = "refused", _("未同意")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    #: the deadline the venue asks for
    until = models.DateTimeField(_("申请延期至"))
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("答复"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["venue"], condition=Q(status="pending"), name="extension_one_pending_per_venue"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} → {self.until:%Y-%m-%d %H:%M}"
