"""Receipts (回执): who attends a venue, who runs its video rehearsal, and every filing's version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Attendee(models.Model):
    """A person filed to attend one venue of an event."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("参会")
        REPLACED = "replaced", _("已更换")
        WITHDRAWN = "withdrawn", _("已撤回")

    #: kept beside venue so one person filed twice in the event is found with one index
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="attendees")
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="attendees")
    #: the unit that filed this person (a main-venue unit, or the branch's host unit)
    filed_by_unit = models.ForeignKey(
        "events.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=40)
    #: the attendee's own work unit as written on the receipt
    unit = models.CharField(_("单位"), max_length=120)
    position = models.CharField(_("职务"), max_length=80, blank=True)
    #: a value of the event's `attendee_categories` (events.categories), or "other": none chosen
    category = models.CharField(_("类别"), max_length=24, default="other")
    #: 11-digit mainland mobile number, normalised; masked for roles that do not need it
    phone = models.CharField(_("手机"), max_length=11, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    #: the attendee this one took the place of (replacement history)
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["venue_id", "order", "id"]
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        indexes = [
            models.Index(fields=["venue", "status"], name="attendee_venue_status"),
            models.Index(fields=["event", "name", "phone"], name="attendee_event_person"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="attendee_name_required"),
            models.CheckConstraint(condition=Q(phone="") | Q(phone__regex=r"^1[0-9]{10}$"), name="attendee_phone_11_digits"),
        ]

    def __str__(self) -> str:
        return self.name


class TechContact(models.Model):
    """The person who runs a venue's video rehearsal (视频调试负责人)."""

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="tech_contact")
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机"), max_length=11)
    email = models.EmailField(_("邮箱"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(phone__regex=r"^1[0-9]{10}$"), name="techcontact_phone_11_digits"),
        ]

    def __str__(self) -> str:
        return self.name


class Receipt(models.Model):
    """One filing by one unit for one venue; every submit is a new version with its difference."""

    class Channel(models.TextChoices):
        WEB = "web", _("网页")
        UPLOAD = "upload", _("上传文件")
        EMAIL = "email", _("电子邮件")
        API = "api", _("接口")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        NEEDS_REVIEW = "needs_review", _("待核对")
        REJECTED = "rejected", _("已退回")

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey("events.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    #: 1, 2, 3 … per venue and unit
    version = models.PositiveIntegerField(_("版本"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    source_file = models.FileField(_("原始文件"), upload_to="receipts/%Y/", blank=True)
    #: SHA-256 of the source file: importing the same file twice changes nothing
    source_sha256 = models.CharField(max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices, default=Status.SUBMITTED)
    #: what was filed: {"attendees": [...], "tech_contact": {...}}
    snapshot = models.JSONField(default=dict)
    #: difference from the previous version: {"added": [...], "removed": [...], "changed": [...]}
    diff = models.JSONField(default=dict)

    class Meta:
        ordering = ["venue_id", "-version"]
        verbose_name = _("回执")
        verbose_name_plural = _("回执")
        constraints = [
            models.UniqueConstraint(fields=["venue", "unit", "version"], name="receipt_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="receipt_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} v{self.version}"


class DuplicateCase(models.Model):
    """One person (name + mobile) refused at a second venue of an event, and whether the organizer allowed it.

    The refusal itself (409 duplicate_person) names nobody of the other venue; this row is what the
    organizer's duplicates report shows. `allowed_at` set means the organizer checked the case and
    lets this person stand on this venue's list too (audited); the next filing then passes.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="duplicate_cases")
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机"), max_length=11)
    #: the venue where the person was refused (the second one)
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    #: the unit that tried to file the person there (main venue: the invited unit)
    unit = models.ForeignKey("events.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    #: where the person already stood when refused
    first_venue = models.ForeignKey("venues.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attempts = models.PositiveIntegerField(default=1)
    first_refused_at = models.DateTimeField(auto_now_add=True)
    last_refused_at = models.DateTimeField(null=True, blank=True)
    allowed_at = models.DateTimeField(_("放行时间"), null=True, blank=True)
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["event_id", "-last_refused_at", "-id"]
        verbose_name = _("重复报名")
        verbose_name_plural = _("重复报名")
        constraints = [
            models.UniqueConstraint(fields=["event", "name", "phone", "venue"], name="duplicatecase_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.venue_id}"


class InboundMail(models.Model):
    """An e-mail taken in by the intake mailbox; its Message-ID makes handling happen once."""

    message_id = models.CharField(max_length=300, unique=True)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    sender = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    #: the import report sent back (and shown to the organizer)
    result = models.JSONField(default=dict)
    replied = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.message_id


class ReceiptDraft(models.Model):
    """A coordinator's unsent edits of one unit's receipt: kept as typed, so a failed submit loses nothing."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="receipt_drafts")
    unit = models.ForeignKey("events.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    #: the attendee rows as typed: [{"name", "unit", "position", "phone", "category"}, ...]
    rows = models.JSONField(default=list, blank=True)
    #: {"name", "phone", "email"} as typed
    tech_contact = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "unit"], name="receiptdraft_unique")]

    def __str__(self) -> str:
        return f"{self.venue} draft"


class OutboxMail(models.Model):
    """An e-mail to send, written in the same transaction as the change it reports (never lost).

    The queue sends it and marks it sent; while the SMTP server is down it stays unsent and is
    retried by the task's retries and by a periodic task that re-queues every unsent row.
    """

    kind = models.CharField(max_length=40, blank=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    #: [{"name", "mimetype", "content_b64"}]
    attachments = models.JSONField(default=list, blank=True)
    event = models.ForeignKey("events.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    venue = models.ForeignKey("venues.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    #: a sender claims the row until this moment, so two workers do not send it twice
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outbox_unsent")]

    def __str__(self) -> str:
        return f"{self.kind} → {', '.join(self.to)}"


def _import_item_path(item: ImportItem, filename: str) -> str:
    """Stored under a neutral name (batch, position, hash): the original name stays in the row only."""
    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"imports/{item.batch_id}/{item.order:03d}-{item.sha256[:16]}.{ext}"


class ImportBatch(models.Model):
    """Receipt files an organizer dropped in at once (the event's import page or the API).

    The files and their reports are kept so the organizer can see what happened, and re-run a
    file that needs review without uploading it again; they are deleted with the other personal
    data HUIWU_PURGE_AFTER_DAYS after the event.
    """

    class Source(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="import_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    source = models.CharField(_("来源"), max_length=4, choices=Source.choices, default=Source.WEB)
    #: only checked, nothing saved (the files may be imported later from the page)
    dry_run = models.BooleanField(_("只检查"), default=False)
    #: when the stored files and the personal data of the reports were deleted
    purged_at = models.DateTimeField(_("清除时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")
        indexes = [models.Index(fields=["event", "-created_at"], name="importbatch_event_created")]

    def __str__(self) -> str:
        return f"{self.event_id} #{self.pk}"


class ImportItem(models.Model):
    """One file of a batch: the file as received, and the importer's latest report on it."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("已接收")
        NEEDS_REVIEW = "needs_review", _("待核对")
        REJECTED = "rejected", _("已退回")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    #: position of the file in the upload (reports come back in the same order)
    order = models.PositiveIntegerField()
    filename = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    #: the file as received; empty when it was over the size limit, or once purged
    file = models.FileField(_("文件"), upload_to=_import_item_path, max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices)
    #: the venue the report names (from the file, or as chosen by the organizer)
    venue = models.ForeignKey("venues.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    #: the venue (and main-venue unit) the organizer chose with "指定会场"; used by later re-runs
    chosen_venue = models.ForeignKey(
        "venues.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_unit = models.ForeignKey("events.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    #: the importer's report (PRODUCT.md's per-file shape)
    report = models.JSONField(default=dict)
    #: how many times the file was imported (1 at upload, +1 per re-run)
    runs = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["batch_id", "order"]
        verbose_name = _("导入文件")
        verbose_name_plural = _("导入文件")
        constraints = [models.UniqueConstraint(fields=["batch", "order"], name="importitem_batch_order")]

    def __str__(self) -> str:
        return self.filename
