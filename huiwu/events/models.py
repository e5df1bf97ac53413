"""Units (organisations) and events: the top of every tenancy chain."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An organisation: a provincial education department, a ministry department, an association.

    A region has one unit per authority, not one unit in all: 北京市教育委员会 hosts Beijing's venue of
    an education notice, 北京市卫生健康委员会 that of a health commission's notice. So a regional unit
    is unique by (region code, name), and `notices.branches` names it after the notice's addressees
    (`events.divisions.host_name`). The 37 units of the data migration stay as they are.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省级行政区")
        CITY = "city", _("计划单列市")
        CORPS = "corps", _("新疆生产建设兵团")
        MINISTRY = "ministry", _("部委司局")
        ASSOCIATION = "association", _("协会/学会")
        INTERNATIONAL = "international", _("国际组织")
        OTHER = "other", _("其他")

    #: official name of the organisation, e.g. 北京市教育委员会
    name = models.CharField(_("名称"), max_length=120)
    #: the region's name as used in lists (北京市) — empty for non-regional units
    region_name = models.CharField(_("地区"), max_length=40, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    #: GB/T 2260 six-digit code for regional units (110000, 210200, 660000 for the XPCC)
    region_code = models.CharField(_("行政区划代码"), max_length=6, blank=True, default="")
    #: position in the official order of lists (provinces, then the five cities, then the XPCC)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "name"], condition=~Q(region_code=""), name="unit_region_code_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(region_code="") | Q(region_code__regex=r"^[0-9]{6}$"),
                name="unit_region_code_six_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One conference (会议): a notice, a main venue and its branch venues."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已结束")
        ARCHIVED = "archived", _("已归档")

    #: address of the event in URLs and the API
    slug = models.SlugField(_("标识"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    #: the notice's document number, e.g. 教职成厅函〔2021〕24号
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    #: the issuing office, e.g. 教育部办公厅
    issuer = models.CharField(_("发文单位"), max_length=120, blank=True)
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    theme = models.CharField(_("主题"), max_length=200, blank=True)
    #: the notice's body as published, shown on the public notice page
    notice_text = models.TextField(_("通知正文"), blank=True)
    addressees = models.TextField(_("主送单位"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    #: the event's own time zone: deadlines and rule windows are counted in it
    time_zone = models.CharField(_("时区"), max_length=40, default="Asia/Shanghai")
    #: receipts are due by this moment unless a venue has an extension
    registration_deadline = models.DateTimeField(_("回执截止时间"), null=True, blank=True)
    #: where receipts were e-mailed in the paper process; the intake mailbox address
    registration_email = models.EmailField(_("回执邮箱"), blank=True)
    rehearsal_starts_at = models.DateTimeField(_("视频调试开始"), null=True, blank=True)
    rehearsal_ends_at = models.DateTimeField(_("视频调试结束"), null=True, blank=True)
    rehearsal_contact_name = models.CharField(_("技术联系人"), max_length=40, blank=True)
    rehearsal_contact_phone = models.CharField(_("技术联系电话"), max_length=40, blank=True)
    #: attendees are asked to be seated this many minutes before the start
    arrive_before_minutes = models.PositiveSmallIntegerField(_("提前入场（分钟）"), default=0)
    #: a branch venue opens only after the local authority approves it
    approval_required = models.BooleanField(_("分会场须经审批"), default=True)
    #: the notice's 参加人员 categories: [{"value", "label", "venues": all|main|branch}] (events.categories)
    attendee_categories = models.JSONField(_("参会人员类别"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(rehearsal_starts_at__isnull=True)
                | Q(rehearsal_ends_at__gt=models.F("rehearsal_starts_at")),
                name="event_rehearsal_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EventContact(models.Model):
    """A person the notice names for questions (联系人)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=40)
    org = models.CharField(_("单位"), max_length=120, blank=True)
    #: phone numbers as the notice writes them (landlines keep their area code)
    phones = models.JSONField(_("电话"), default=list, blank=True)
    fax = models.CharField(_("传真"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")

    def __str__(self) -> str:
        return self.name


class EventAttachment(models.Model):
    """An attachment of the notice (附件), e.g. the receipt forms."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("名称"), max_length=200)
    #: which receipt template this attachment stands for, if any: main / branch
    template_kind = models.CharField(max_length=10, blank=True)
    file = models.FileField(upload_to="attachments/", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title
