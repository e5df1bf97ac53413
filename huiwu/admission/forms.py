"""Forms of the admission pages (the declaration itself is read by services.clean_answers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReplacementForm(forms.Form):
    """The person who takes the place of a not-eligible attendee."""

    name = forms.CharField(label=_("姓名"), max_length=40)
    unit = forms.CharField(label=_("单位"), max_length=120)
    position = forms.CharField(label=_("职务"), max_length=80, required=False)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    category = forms.ChoiceField(label=_("类别"), required=False)

    def __init__(self, *args, categories: list[tuple[str, str]] = (), **kwargs):
        """`categories`: the event's for the venue (events.categories.of); none chosen is 其他."""
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("other", _("其他（不选）")), *categories]
        if not categories:
            del self.fields["category"]


class AdoptForm(forms.Form):
    """Rules pasted as JSON (e.g. `admission_rules` of `huiwu notice parse --json`)."""

    rules_json = forms.CharField(label=_("规则（JSON）"), widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
                                 max_length=200_000)
