"""Forms of the receipt pages. Attendee rows are plain repeated inputs (see views.rows_from_post)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huiwu.core import widgets
from huiwu.venues.models import Venue


class VenueDetailsForm(forms.Form):
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    room = forms.CharField(label=_("会议室"), max_length=100, required=False)


class ApprovalForm(forms.Form):
    approving_body = forms.CharField(label=_("审批机关"), max_length=200, required=False,
                                     help_text=_("当地疫情联防联控机制（领导小组、指挥部）"))
    approved_on = forms.DateField(label=_("审批日期"), required=False,
                                  widget=widgets.DateInput(),  # ISO: what a date input holds
                                  error_messages={"invalid": _("审批日期格式不正确，请按 2021-11-19 的格式填写。")})
    approval_document = forms.FileField(label=_("审批文件（PDF、JPG 或 PNG）"), required=False,
                                        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def has_input(self) -> bool:
        d = self.cleaned_data
        return bool(d.get("approving_body") or d.get("approved_on") or d.get("approval_document"))


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("审批结论"), choices=Venue.Approval.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label=_("回执延期至"), required=False,
        widget=widgets.DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("时间格式不正确，请按 2021-11-21 16:00 的格式填写。")},
    )
