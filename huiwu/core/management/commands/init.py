"""`huiwu init`: migrate, load the demo event into an empty database, print a one-time login."""

import secrets

from django.core.management import BaseCommand, call_command
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huiwu.accounts.models import Membership, Role
from huiwu.accounts.services import add_user
from huiwu.events.models import Event
from huiwu.events.services import DEMO_SLUG, load_demo_event


def restrict_data_dir() -> None:
    """The data dir and what is in it (secret key, SQLite files, uploads, outbox, queue) for the
    owner only, also when an older version or another umask created them."""
    import os
    import stat

    from django.conf import settings

    root = settings.DATA_DIR
    for dirpath, _dirnames, filenames in os.walk(root):
        if os.path.relpath(dirpath, root).split(os.sep)[0] == "static":
            continue  # collected static files are public anyway
        os.chmod(dirpath, 0o700)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, stat.S_IMODE(os.stat(path).st_mode) & 0o600 or 0o600)


class Command(BaseCommand):
    help = gettext_lazy("迁移数据库；数据库为空时载入演示会议，并打印一次性的主办方登录信息。")

    def add_arguments(self, parser):
        parser.add_argument("--historical", action="store_true", help=_("演示会议使用2021年的原始日期"))
        parser.add_argument("--no-demo", action="store_true", help=_("不载入演示会议"))

    def handle(self, *args, historical=False, no_demo=False, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        restrict_data_dir()
        if not no_demo and not Event.objects.exists():
            event = load_demo_event(historical=historical)
            n = event.venues.count()
            self.stdout.write(ngettext("已载入演示会议：%(title)s（%(slug)s），%(n)s 个会场。",
                                       "已载入演示会议：%(title)s（%(slug)s），%(n)s 个会场。", n)
                              % {"title": event.title, "slug": DEMO_SLUG, "n": n})
        demo = Event.objects.filter(slug=DEMO_SLUG).first()
        if demo is not None:  # the notice's six admission rules, also for a demo loaded before they came
            from huiwu.notices.services import adopt_demo_rules

            rules = adopt_demo_rules(demo)
            if rules:
                self.stdout.write(ngettext("演示会议已采用通知中的 %(n)d 条入场规则。", "演示会议已采用通知中的 %(n)d 条入场规则。",
                                           rules) % {"n": rules})
        if not Membership.objects.filter(role=Role.ORGANIZER).exists():
            password = secrets.token_urlsafe(12)
            add_user("organizer", Role.ORGANIZER, password, display_name=_("主办方"))
            self.stdout.write(_("主办方账号（仅显示这一次，请妥善保存）："))
            self.stdout.write(_("  用户名：%(name)s\n  密码：%(password)s") % {"name": "organizer", "password": password})
