"""Admission: the event's rules as data, attendees' health declarations, and replacements.

Privacy: a declaration's answers and reason texts are health details, seen only by the attendee
(through their personal link) and the health role; everyone else sees the verdict and the names of
the rules behind it. `purge_declarations` deletes the details after the event and keeps the verdict.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import engine


class AdmissionRule(models.Model):
    """One rule of who may enter, in the kinds the notice parser reads (see engine.py)."""

    class Kind(models.TextChoices):
        SYMPTOMS = "symptoms", _("疑似症状")
        RISK_AREA_CONTACT = "risk_area_contact", _("中高风险地区人员接触史")
        RISK_AREA_STAY = "risk_area_stay", _("中高风险地区驻留史")
        HEALTH_CODE = "health_code", _("健康码")
        ITINERARY_CODE = "itinerary_code", _("行程码")
        NUCLEIC_ACID_TEST = "nucleic_acid_test", _("核酸检测")

    class Scope(models.TextChoices):
        ALL = "all", _("所有会场")
        MAIN = "main", _("主会场")
        BRANCH = "branch", _("分会场")

    #: the event the rule belongs to
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="admission_rules")
    #: what the rule checks (engine.KINDS)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    #: the kind's parameters as the parser gives them: window_days; color, issuer; window_hours, applies_to
    params = models.JSONField(_("参数"), default=dict, blank=True)
    #: which venues of the event the rule covers by kind
    venue_scope = models.CharField(_("适用会场"), max_length=6, choices=Scope.choices, default=Scope.ALL)
    #: set for a rule that holds at one venue only (e.g. a branch's local rule); else null
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, null=True, blank=True, related_name="admission_rules")
    #: position in the list shown to people (the parser's order)
    order = models.PositiveIntegerField(_("排序"), default=0)
    #: a disabled rule is kept but not applied
    enabled = models.BooleanField(_("启用"), default=True)
    #: where the rule came from: preset:seed, notice, manual
    source = models.CharField(_("来源"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_id", "order", "id"]
        verbose_name = _("入场规则")
        verbose_name_plural = _("入场规则")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=list(engine.KINDS)), name="admissionrule_kind_known"),
            models.CheckConstraint(condition=Q(venue_scope__in=list(engine.SCOPES)), name="admissionrule_scope_known"),
            models.UniqueConstraint(fields=["event", "kind", "venue_scope"], condition=Q(venue__isnull=True),
                                    name="admissionrule_one_per_kind_scope"),
            models.UniqueConstraint(fields=["event", "kind", "venue"], condition=Q(venue__isnull=False),
                                    name="admissionrule_one_per_kind_venue"),
        ]

    def __str__(self) -> str:
        return self.title

    def as_dict(self) -> dict:
        """The rule in the engine's (and the notice parser's) shape."""
        out = {"kind": self.kind, **{k: v for k, v in (self.params or {}).items()
                                     if k not in ("kind", "venues", "venue_codes", "enabled")},
               "venues": self.venue_scope}
        if self.venue_id:
            out["venue_codes"] = [self.venue.code]
        if not self.enabled:
            out["enabled"] = False
        return out

    @property
    def title(self) -> str:
        return engine.rule_title(self.as_dict())


class Declaration(models.Model):
    """One health declaration by one attendee; a new one replaces the current one, history is kept."""

    class Verdict(models.TextChoices):
        ELIGIBLE = "eligible", _("符合入场条件")
        NOT_ELIGIBLE = "not_eligible", _("不符合入场条件")
        PENDING = "pending", _("待定")

    class Channel(models.TextChoices):
        LINK = "link", _("个人链接")
        STAFF = "staff", _("工作人员代填")

    #: the person declaring (one attendee may declare several times; `current` marks the last)
    attendee = models.ForeignKey("receipts.Attendee", on_delete=models.CASCADE, related_name="declarations")
    #: kept beside the attendee so purging and listing by event need no join
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="declarations")
    #: the answers (health details): null once purged
    answers = models.JSONField(_("申报内容"), null=True, blank=True)
    #: the engine's reasons with their plain messages (health details): null once purged
    reasons = models.JSONField(_("原因"), null=True, blank=True)
    #: eligible / not_eligible / pending, as judged when submitted; kept after the purge
    verdict = models.CharField(_("结论"), max_length=12, choices=Verdict.choices)
    #: the kinds of the rules behind the verdict (names only, no detail); kept after the purge
    verdict_rules = models.JSONField(_("相关规则"), default=list, blank=True)
    #: the names of those rules as they read when judged (a local 粤康码 rule, not the event's); kept
    verdict_titles = models.JSONField(_("相关规则名称"), default=list, blank=True)
    #: the attendee's last declaration
    current = models.BooleanField(default=True)
    channel = models.CharField(_("渠道"), max_length=6, choices=Channel.choices, default=Channel.LINK)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    #: when the details were deleted (answers and reasons); null while they are kept
    purged_at = models.DateTimeField(_("清除时间"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("健康申报")
        verbose_name_plural = _("健康申报")
        indexes = [models.Index(fields=["event", "purged_at"], name="declaration_event_purged")]
        constraints = [
            models.CheckConstraint(condition=Q(verdict__in=list(engine.VERDICTS)), name="declaration_verdict_known"),
            models.UniqueConstraint(fields=["attendee"], condition=Q(current=True), name="declaration_one_current"),
            models.CheckConstraint(
                condition=Q(purged_at__isnull=True) | (Q(answers__isnull=True) & Q(reasons__isnull=True)),
                name="declaration_purged_has_no_details",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee_id} {self.verdict}"


class Replacement(models.Model):
    """Who replaced whom at a venue, under which rule, named by whom, when."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="replacements")
    #: the attendee who may not enter; replaced once at most
    replaced = models.OneToOneField("receipts.Attendee", on_delete=models.CASCADE, related_name="replacement_record")
    #: the attendee who took the place
    replacement = models.OneToOneField("receipts.Attendee", on_delete=models.CASCADE, related_name="replacing_record")
    #: the kind of the rule the replaced person did not meet (a name, never a health detail)
    rule = models.CharField(_("规则"), max_length=20)
    #: the rule's name as shown then (rules may change later)
    rule_title = models.CharField(_("规则名称"), max_length=120, blank=True)
    #: the declaration that led to the replacement
    declaration = models.ForeignKey(Declaration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("人员更换")
        verbose_name_plural = _("人员更换")
        constraints = [
            models.CheckConstraint(condition=~Q(replaced=models.F("replacement")), name="replacement_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.replaced_id} → {self.replacement_id}"


class LinkSend(models.Model):
    """A declaration link handed to its attendee (mailed through the outbox, or marked as sent by
    SMS or on the printed QR sheet): the links page shows who still needs theirs. No health detail."""

    class Channel(models.TextChoices):
        MAIL = "mail", _("邮件")
        SMS = "sms", _("短信")
        PRINT = "print", _("二维码打印")

    attendee = models.ForeignKey("receipts.Attendee", on_delete=models.CASCADE, related_name="link_sends")
    channel = models.CharField(_("方式"), max_length=6, choices=Channel.choices)
    #: the address mailed (mail only)
    to = models.EmailField(_("邮箱"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("申报链接发送")
        verbose_name_plural = _("申报链接发送")

    def __str__(self) -> str:
        return f"{self.attendee_id} {self.channel}"


class DeclarationProof(models.Model):
    """A screenshot (行程码, 健康宝) a rule asks for, attached to one declaration: a health detail,
    seen only by the health role (each view audited) and deleted by the purge with the answers."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="proofs")
    #: kept beside the declaration so the purge finds proofs by event without a join
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    #: the rule kind that asked for it: itinerary_code or health_code
    kind = models.CharField(_("类型"), max_length=20)
    file = models.FileField(_("截图"), upload_to="proofs/%Y/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("申报证明")
        verbose_name_plural = _("申报证明")

    def __str__(self) -> str:
        return f"{self.declaration_id} {self.kind}"
