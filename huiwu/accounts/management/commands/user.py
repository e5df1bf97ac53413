"""`huiwu user add NAME --role R [--venue CODE] [--event SLUG] --password-stdin`."""

import sys

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from huiwu.accounts.models import Role
from huiwu.accounts.services import add_user
from huiwu.events.models import Event


class Command(BaseCommand):
    help = "管理用户。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新增用户并授予角色")
        add.add_argument("name")
        add.add_argument("--role", required=True, choices=[*Role.values, "main-unit"])
        add.add_argument("--venue", help="会场代码（main 或六位行政区划代码）")
        add.add_argument("--event", help="会议标识；缺省为最近的会议")
        add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
        add.add_argument("--display-name", default="")

    def handle(self, *args, action, name, role, venue=None, event=None, password_stdin=False,
               display_name="", **opts):
        role = role.replace("-", "_")
        password = sys.stdin.readline().rstrip("\n") if password_stdin else None
        ev = None
        if event or venue or role != Role.ORGANIZER:
            qs = Event.objects.all()
            ev = qs.filter(slug=event).first() if event else qs.order_by("-starts_at").first()
            if ev is None:
                raise CommandError(f"找不到会议“{event or ''}”。请先运行 huiwu init，或用 --event 指定会议标识。")
        v = None
        if venue:
            v = ev.venues.filter(code=venue).first()
            if v is None:
                raise CommandError(f"会议 {ev.slug} 没有代码为“{venue}”的会场。")
        try:
            add_user(name, role, password, event=ev if role != Role.ORGANIZER or event else None, venue=v,
                     display_name=display_name)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已添加用户 {name}（{Role(role).label}）。")
