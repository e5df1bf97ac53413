"""`huiwu token create NAME`: print a new API token for user NAME."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.accounts.services import create_token


class Command(BaseCommand):
    help = gettext_lazy("管理 API 令牌。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("为用户生成 API 令牌并打印"))
        create.add_argument("name", help=_("用户名"))
        create.add_argument("--label", default="cli")

    def handle(self, *args, action, name, label, **opts):
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(_("没有用户“%(name)s”。请先用 huiwu user add 添加。") % {"name": name})
        self.stdout.write(create_token(user, label))
