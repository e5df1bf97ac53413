"""Notice intake forms: paste or upload a notice, then review every extracted field."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huiwu.core import widgets

from .parser import attendee_categories, event_name, find_body

#: each parser field in plain Chinese, for the review page and the list of fields not found
FIELD_LABELS: dict[str, Any] = {
    "title": _("通知标题"), "doc_number": _("文号"), "issuer": _("发文单位"), "issued_on": _("发文日期"),
    "addressees": _("主送单位"), "theme": _("主题"),
    "event.starts_at": _("会议开始"), "event.ends_at": _("会议结束"),
    "format.hybrid": _("线上线下结合"), "format.main_and_branch": _("主会场+分会场"),
    "main_venue.name": _("主会场地点"), "main_venue.capacity": _("主会场人数上限"),
    "main_venue.arrive_before_minutes": _("提前入场（分钟）"),
    "branch_venues.hosts": _("分会场承办单位"), "branch_venues.capacity": _("每个分会场人数上限"),
    "branch_venues.approval_required": _("分会场须经当地审批"),
    "registration.deadline": _("回执截止时间"), "registration.email": _("回执邮箱"),
    "registration.fields": _("回执填报项"),
    "rehearsal.starts_at": _("视频调试开始"), "rehearsal.ends_at": _("视频调试结束"),
    "rehearsal.contact": _("调试联系人"),
    "contacts": _("联系人"), "attachments": _("附件"), "admission_rules": _("入场（防疫）规则"),
}

REG_FIELD_CHOICES = [
    ("name", _("姓名")), ("gender", _("性别")), ("ethnicity", _("民族")), ("unit", _("单位")),
    ("position", _("职务")), ("professional_title", _("职称")), ("phone", _("手机")), ("email", _("邮箱")),
    ("id_number", _("身份证号")), ("tech_contact_name", _("技术联系人姓名")),
    ("tech_contact_phone", _("技术联系人手机")),
]
RULE_KINDS = ("symptoms", "risk_area_contact", "risk_area_stay", "health_code", "itinerary_code", "nucleic_acid_test")
TRI = [("", _("通知未说明")), ("yes", _("是")), ("no", _("否"))]
DT_FORMAT = "%Y-%m-%dT%H:%M"


class NoticeInputForm(forms.Form):
    """Step 1: the notice's text, pasted, or a .txt/.docx/.html/.pdf/.doc/.wps file."""

    text = forms.CharField(label=_("粘贴通知全文"), required=False, widget=forms.Textarea(attrs={"rows": 14}))
    file = forms.FileField(label=_("或上传通知文件（.txt、.docx、.html、.pdf、.doc、.wps，不超过 5 MB）"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("请粘贴通知全文，或选择一个通知文件。"))
        return data


def _dt_widget():
    return widgets.DateTimeInput()


def _dt_field(label, required=False):
    return forms.DateTimeField(label=label, required=required, widget=_dt_widget(),
                               input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"])


def _lines(value: str) -> list[str]:
    return [x.strip() for x in (value or "").splitlines() if x.strip()]


def _tri(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _iso_local(value: str | None) -> str | None:
    """The parser's ISO value as a datetime-local input value; a bare date gives None."""
    if not value or len(value) <= 10:
        return None
    return datetime.fromisoformat(value).strftime(DT_FORMAT)


class ReviewForm(forms.Form):
    """Step 2: every extracted field, editable; its source sentence is shown beside it."""

    source = forms.CharField(widget=forms.HiddenInput, required=False)
    event_title = forms.CharField(label=_("会议名称"), max_length=200)
    title = forms.CharField(label=FIELD_LABELS["title"], max_length=200, required=False)
    doc_number = forms.CharField(label=FIELD_LABELS["doc_number"], max_length=80, required=False)
    issuer = forms.CharField(label=FIELD_LABELS["issuer"], max_length=120, required=False)
    issued_on = forms.DateField(label=FIELD_LABELS["issued_on"], required=False,
                                widget=widgets.DateInput())
    addressees = forms.CharField(label=FIELD_LABELS["addressees"], required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一个单位"))
    theme = forms.CharField(label=FIELD_LABELS["theme"], max_length=200, required=False)
    starts_at = _dt_field(FIELD_LABELS["event.starts_at"], required=True)
    ends_at = _dt_field(FIELD_LABELS["event.ends_at"], required=True)
    hybrid = forms.ChoiceField(label=FIELD_LABELS["format.hybrid"], choices=TRI, required=False)
    main_and_branch = forms.ChoiceField(label=FIELD_LABELS["format.main_and_branch"], choices=TRI, required=False)
    main_name = forms.CharField(label=FIELD_LABELS["main_venue.name"], max_length=200, required=False)
    main_capacity = forms.IntegerField(label=FIELD_LABELS["main_venue.capacity"], min_value=1)
    arrive_before_minutes = forms.IntegerField(label=FIELD_LABELS["main_venue.arrive_before_minutes"],
                                               min_value=0, max_value=600, required=False)
    branch_hosts = forms.CharField(label=FIELD_LABELS["branch_venues.hosts"], required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一类承办单位"))
    branch_capacity = forms.IntegerField(label=FIELD_LABELS["branch_venues.capacity"], min_value=1, required=False)
    approval_required = forms.ChoiceField(label=FIELD_LABELS["branch_venues.approval_required"], choices=TRI,
                                          required=False)
    create_branches = forms.BooleanField(label=_("按主送单位新建分会场（见下方“将新建的分会场”）"),
                                         required=False)
    reg_deadline = _dt_field(FIELD_LABELS["registration.deadline"])
    reg_email = forms.EmailField(label=FIELD_LABELS["registration.email"], required=False)
    reg_fields = forms.MultipleChoiceField(label=FIELD_LABELS["registration.fields"], choices=REG_FIELD_CHOICES,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    reh_starts_at = _dt_field(FIELD_LABELS["rehearsal.starts_at"])
    reh_ends_at = _dt_field(FIELD_LABELS["rehearsal.ends_at"])
    reh_contact_name = forms.CharField(label=_("调试联系人姓名"), max_length=40, required=False)
    reh_contact_phone = forms.CharField(label=_("调试联系人电话"), max_length=40, required=False)
    contacts = forms.CharField(label=FIELD_LABELS["contacts"], required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("每行一人：姓名 | 单位 | 电话（多个用逗号分开） | 传真"))
    attachments = forms.CharField(label=FIELD_LABELS["attachments"], required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}), help_text=_("每行一个附件"))
    main_categories = forms.CharField(label=_("主会场参会人员类别"), required=False, max_length=4000,
                                      widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一类，填报回执时可选"))
    branch_categories = forms.CharField(label=_("分会场参会人员类别"), required=False, max_length=4000,
                                        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一类，填报回执时可选"))
    rules = forms.CharField(label=FIELD_LABELS["admission_rules"], required=False,
                            widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
                            help_text=_("JSON 列表，每条规则一个对象；不需要的规则删去即可"))

    #: form field → parser path, for the source sentence shown beside each field
    SOURCES = {
        "title": "title", "event_title": "title", "doc_number": "doc_number", "issuer": "issuer",
        "issued_on": "issued_on", "addressees": "addressees", "theme": "theme",
        "starts_at": "event.starts_at", "ends_at": "event.ends_at", "hybrid": "format.hybrid",
        "main_and_branch": "format.main_and_branch", "main_name": "main_venue.name",
        "main_capacity": "main_venue.capacity", "arrive_before_minutes": "main_venue.arrive_before_minutes",
        "branch_hosts": "branch_venues.hosts", "branch_capacity": "branch_venues.capacity",
        "approval_required": "branch_venues.approval_required", "create_branches": "branch_venues.hosts",
        "reg_deadline": "registration.deadline", "reg_email": "registration.email",
        "reg_fields": "registration.fields", "reh_starts_at": "rehearsal.starts_at",
        "reh_ends_at": "rehearsal.ends_at", "reh_contact_name": "rehearsal.contact",
        "reh_contact_phone": "rehearsal.contact", "contacts": "contacts", "attachments": "attachments",
        "rules": "admission_rules", "main_categories": "attendee_categories",
        "branch_categories": "attendee_categories",
    }

    @classmethod
    def initial_from(cls, parsed: dict[str, Any], source: str) -> dict[str, Any]:
        """The form's initial values from the parser's result (date-only times are left empty)."""
        ev, fmt = parsed["event"], parsed["format"]
        main, branch = parsed["main_venue"], parsed["branch_venues"]
        reg, reh = parsed["registration"], parsed["rehearsal"]
        deadline = reg["deadline"]
        if deadline and len(deadline) == 10:
            deadline = deadline + "T23:59"  # "11月20日前": through the end of that day
        contact = reh["contact"] or {}
        kinds = attendee_categories(find_body(source))[0] if source else {"main": [], "branch": []}
        return {
            "source": source,
            "event_title": event_name(parsed["title"]) or "",
            "title": parsed["title"] or "", "doc_number": parsed["doc_number"] or "",
            "issuer": parsed["issuer"] or "", "issued_on": parsed["issued_on"],
            "addressees": "\n".join(parsed["addressees"]), "theme": parsed["theme"] or "",
            "starts_at": _iso_local(ev["starts_at"]), "ends_at": _iso_local(ev["ends_at"]),
            "hybrid": _tri(fmt["hybrid"]), "main_and_branch": _tri(fmt["main_and_branch"]),
            "main_name": main["name"] or "", "main_capacity": main["capacity"],
            "arrive_before_minutes": main["arrive_before_minutes"],
            "branch_hosts": "\n".join(branch["hosts"]), "branch_capacity": branch["capacity"],
            "approval_required": _tri(branch["approval_required"]),
            "create_branches": bool(branch["hosts"]) or bool(fmt["main_and_branch"]),
            "reg_deadline": _iso_local(deadline) if deadline and len(deadline) > 10 else None,
            "reg_email": reg["email"] or "", "reg_fields": list(reg["fields"]),
            "reh_starts_at": _iso_local(reh["starts_at"]), "reh_ends_at": _iso_local(reh["ends_at"]),
            "reh_contact_name": contact.get("name", ""), "reh_contact_phone": contact.get("phone", ""),
            "contacts": "\n".join(
                " | ".join([c["name"], c["org"] or "", ", ".join(c["phones"]), c["fax"] or ""]).rstrip(" |")
                for c in parsed["contacts"]
            ),
            "attachments": "\n".join(parsed["attachments"]),
            "main_categories": "\n".join(kinds["main"]), "branch_categories": "\n".join(kinds["branch"]),
            "rules": json.dumps(parsed["admission_rules"], ensure_ascii=False, indent=1) if parsed["admission_rules"] else "",
        }

    def clean_rules(self) -> list[dict[str, Any]]:
        raw = (self.cleaned_data.get("rules") or "").strip()
        if not raw:
            return []
        try:
            rules = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("规则不是有效的 JSON（第 %(line)d 行附近有错），请检查括号和引号。")
                                        % {"line": exc.lineno}) from exc
        if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
            raise forms.ValidationError(_("规则应是一个列表，每条规则是一个对象。"))
        for r in rules:
            if r.get("kind") not in RULE_KINDS:
                raise forms.ValidationError(_("不认识的规则类型“%(kind)s”，可选：%(kinds)s。")
                                            % {"kind": r.get("kind"), "kinds": _("、").join(RULE_KINDS)})
            if r.get("venues", "all") not in ("all", "main", "branch"):
                raise forms.ValidationError(_("规则的 venues 应为 all、main 或 branch。"))
        return rules

    def clean_contacts(self) -> list[dict[str, Any]]:
        out = []
        for i, line in enumerate(_lines(self.cleaned_data.get("contacts") or ""), start=1):
            parts = [p.strip() for p in re.split(r"[|｜]", line)]
            if not parts[0]:
                raise forms.ValidationError(_("联系人第 %(n)d 行缺少姓名。") % {"n": i})
            phones = [p.strip() for p in re.split(r"[,，;；、]", parts[2])] if len(parts) > 2 else []
            out.append({"name": parts[0], "org": (parts[1] if len(parts) > 1 else "") or None,
                        "phones": [p for p in phones if p], "fax": (parts[3] if len(parts) > 3 else "") or None})
        return out

    def clean(self):
        data = super().clean()
        s, e = data.get("starts_at"), data.get("ends_at")
        if s and e and e <= s:
            self.add_error("ends_at", _("结束时间应晚于开始时间。"))
        rs, re_ = data.get("reh_starts_at"), data.get("reh_ends_at")
        if bool(rs) != bool(re_):
            self.add_error("reh_ends_at" if rs else "reh_starts_at", _("视频调试请同时填写开始和结束时间。"))
        elif rs and re_ and re_ <= rs:
            self.add_error("reh_ends_at", _("调试结束时间应晚于开始时间。"))
        if data.get("create_branches") and not data.get("branch_capacity"):
            self.add_error("branch_capacity", _("新建分会场需要每个分会场的人数上限。"))
        return data

    def to_parsed(self) -> dict[str, Any]:
        """The reviewed values in the parser's schema, for create_event_from_notice."""
        d = self.cleaned_data

        def iso(v):
            return v.isoformat() if v else None

        def tri(v):
            return None if v == "" else v == "yes"

        contact = None
        if d.get("reh_contact_name") or d.get("reh_contact_phone"):
            contact = {"name": d.get("reh_contact_name") or "", "phone": d.get("reh_contact_phone") or ""}
        return {
            "event_title": d["event_title"], "title": d.get("title") or None,
            "doc_number": d.get("doc_number") or None, "issuer": d.get("issuer") or None,
            "issued_on": iso(d.get("issued_on")), "addressees": _lines(d.get("addressees")),
            "theme": d.get("theme") or None,
            "event": {"starts_at": iso(d["starts_at"]), "ends_at": iso(d["ends_at"])},
            "format": {"hybrid": tri(d.get("hybrid")), "main_and_branch": tri(d.get("main_and_branch"))},
            "main_venue": {"name": d.get("main_name") or None, "capacity": d["main_capacity"],
                           "arrive_before_minutes": d.get("arrive_before_minutes")},
            "branch_venues": {"hosts": _lines(d.get("branch_hosts")), "capacity": d.get("branch_capacity"),
                              "approval_required": tri(d.get("approval_required"))},
            "registration": {"deadline": iso(d.get("reg_deadline")), "email": d.get("reg_email") or None,
                             "fields": list(d.get("reg_fields") or [])},
            "rehearsal": {"starts_at": iso(d.get("reh_starts_at")), "ends_at": iso(d.get("reh_ends_at")),
                          "contact": contact},
            "contacts": d.get("contacts") or [],
            "attachments": _lines(d.get("attachments")),
            "admission_rules": d.get("rules") or [],
            "attendee_categories": {"main": _lines(d.get("main_categories")),
                                    "branch": _lines(d.get("branch_categories"))},
        }
