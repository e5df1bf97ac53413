"""Forms of the organizer's event pages: everything the notice gave, editable."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huiwu.core import widgets

from .models import Event

DT_FORMAT = "%Y-%m-%dT%H:%M"


def _dt(label, required=False):
    return forms.DateTimeField(
        label=label, required=required, input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"],
        widget=widgets.DateTimeInput(),
        error_messages={"invalid": _("时间格式不正确，请按 2021-11-23 10:00 的格式填写。"),
                        "required": _("请填写时间。")},
    )


class EventForm(forms.ModelForm):
    """The event's own fields; capacities are set for the main venue and all branches at once."""

    starts_at = _dt(_("会议开始"), required=True)
    ends_at = _dt(_("会议结束"), required=True)
    registration_deadline = _dt(_("回执截止"))
    rehearsal_starts_at = _dt(_("视频调试开始"))
    rehearsal_ends_at = _dt(_("视频调试结束"))
    issued_on = forms.DateField(label=_("发文日期"), required=False,
                                widget=widgets.DateInput(),
                                error_messages={"invalid": _("日期格式不正确，请按 2021-11-19 的格式填写。")})
    main_capacity = forms.IntegerField(label=_("主会场人数上限"), required=False, min_value=1)
    branch_capacity = forms.IntegerField(label=_("每个分会场人数上限"), required=False, min_value=1,
                                         help_text=_("填写后所有分会场统一改为此数；单个会场可在会场页面或 API 单独调整。"))
    main_categories = forms.CharField(label=_("主会场参会人员类别"), required=False, max_length=4000,
                                      widget=forms.Textarea(attrs={"rows": 4}),
                                      help_text=_("每行一类，按通知“参加人员”填写；回执中可选。不填则回执不设类别。"))
    branch_categories = forms.CharField(label=_("分会场参会人员类别"), required=False, max_length=4000,
                                        widget=forms.Textarea(attrs={"rows": 4}),
                                        help_text=_("每行一类。两处都有的一类适用于所有会场。已填报人员的类别按名称保留。"))

    class Meta:
        model = Event
        fields = [
            "title", "doc_number", "issuer", "issued_on", "theme", "addressees", "starts_at", "ends_at",
            "registration_deadline", "registration_email", "rehearsal_starts_at", "rehearsal_ends_at",
            "rehearsal_contact_name", "rehearsal_contact_phone", "arrive_before_minutes", "approval_required",
            "notice_text",
        ]
        widgets = {"addressees": forms.Textarea(attrs={"rows": 2}), "notice_text": forms.Textarea(attrs={"rows": 6})}


class ContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    org = forms.CharField(label=_("单位"), max_length=120, required=False)
    phones = forms.CharField(label=_("电话（多个用逗号分隔）"), max_length=200, required=False)
    fax = forms.CharField(label=_("传真"), max_length=40, required=False)

    def as_contact(self) -> dict:
        d = self.cleaned_data
        # i18n: data (the separators people type between numbers)
        phones = [p for p in d.get("phones", "").replace("，", ",").replace("、", ",").split(",") if p.strip()]
        return {"name": d.get("name", ""), "org": d.get("org", ""), "phones": phones, "fax": d.get("fax", "")}


ContactFormSet = forms.formset_factory(ContactForm, extra=2)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("附件名称"), max_length=200)
    template_kind = forms.ChoiceField(label=_("类别"), required=False, choices=[
        ("", _("其他")), ("main", _("主会场回执")), ("branch", _("分会场回执"))])
    file = forms.FileField(label=_("文件（可选）"), required=False)
