from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(label=_("您的姓名"), max_length=60)
    username = forms.RegexField(label=_("用户名"), regex=r"^[A-Za-z0-9_.@+-]{3,150}$", max_length=150,
                                error_messages={"invalid": _("用户名只能包含字母、数字和 _ . @ + -，至少3位。")})
    password = forms.CharField(label=_("设置密码"), widget=forms.PasswordInput,
                               help_text=_("至少10位，不能全是数字、不能是常见密码、不能与用户名或姓名相近。"))
    password2 = forms.CharField(label=_("再次输入密码"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致，请重新输入。"))
        if data.get("password"):
            try:
                from django.contrib.auth import get_user_model

                who = get_user_model()(username=data.get("username") or "", display_name=data.get("display_name") or "")
                validate_password(data["password"], who)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class StaffInvitationForm(forms.Form):
    """The 人员与账号 page's invitation: door staff for one venue, a health officer or a co-organizer."""

    role = forms.ChoiceField(label=_("角色"), choices=[
        ("door", _("入场核验（签到人员，绑定一个会场）")),
        ("health", _("防疫专员（审核健康申报，全会议）")),
        ("organizer", _("主办方（共同管理本会议）")),
    ])
    venue = forms.ChoiceField(label=_("会场（入场核验人员必选）"), required=False)
    email = forms.EmailField(label=_("邮箱（可选：填写后链接通过邮件发送）"), required=False,
                             error_messages={"invalid": _("邮箱格式不对，请检查，例如 name@example.cn。")})

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._venues = {v.code: v for v in venues}
        self.fields["venue"].choices = [("", _("— 请选择会场 —"))] + [(v.code, v.name) for v in venues]

    def clean(self):
        data = super().clean()
        code = data.get("venue") or ""
        data["venue"] = self._venues.get(code)
        if data.get("role") == "door" and data["venue"] is None:
            self.add_error("venue", _("入场核验人员必须绑定会场，请选择会场。"))
        if data.get("role") != "door":
            data["venue"] = None
        data["email"] = (data.get("email") or "").strip()
        return data
