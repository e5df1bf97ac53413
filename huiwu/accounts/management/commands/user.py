"""`huiwu user add NAME --role R [--venue CODE] [--event SLUG] --password-stdin`."""

import sys

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.accounts.models import Role
from huiwu.accounts.services import add_user
from huiwu.events.models import Event


class Command(BaseCommand):
    help = gettext_lazy("管理用户。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help=_("新增用户并授予角色"))
        add.add_argument("name")
        add.add_argument("--role", required=True, choices=[*Role.values, "main-unit"])
        add.add_argument("--venue", help=_("会场代码（main 或六位行政区划代码）"))
        add.add_argument("--event", help=_("会议标识；缺省为最近的会议"))
        add.add_argument("--password-stdin", action="store_true", help=_("从标准输入读取密码"))
        add.add_argument("--display-name", default="")

    def handle(self, *args, action, name, role, venue=None, event=None, password_stdin=False,
               display_name="", **opts):
        role = role.replace("-", "_")
        password = sys.stdin.readline().rstrip("\n") if password_stdin else None
        if password is not None:
            # Django's validators (length ≥ 10, common passwords, similarity to the name, all digits)
            from django.contrib.auth import get_user_model
            from django.contrib.auth.password_validation import validate_password

            try:
                validate_password(password, get_user_model()(username=name, display_name=display_name))
            except ValidationError as exc:
                raise CommandError(_("密码不符合要求：%(why)s") % {"why": _("；").join(exc.messages)}) from exc
        ev = None
        if event or venue or role != Role.ORGANIZER:
            qs = Event.objects.all()
            ev = qs.filter(slug=event).first() if event else qs.order_by("-starts_at").first()
            if ev is None:
                raise CommandError(_("找不到会议“%(event)s”。请先运行 huiwu init，或用 --event 指定会议标识。")
                                   % {"event": event or ""})
        v = None
        if venue:
            v = ev.venues.filter(code=venue).first()
            if v is None:
                raise CommandError(_("会议 %(event)s 没有代码为“%(venue)s”的会场。") % {"event": ev.slug, "venue": venue})
        try:
            add_user(name, role, password, event=ev if role != Role.ORGANIZER or event else None, venue=v,
                     display_name=display_name)
        except ValidationError as exc:
            raise CommandError(_("；").join(exc.messages)) from exc
        self.stdout.write(_("已添加用户 %(name)s（%(role)s）。") % {"name": name, "role": Role(role).label})
