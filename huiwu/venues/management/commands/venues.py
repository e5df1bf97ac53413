"""`huiwu venues create-branches EVENT [--capacity N] [--codes C,C]` and `huiwu venues list EVENT`."""

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huiwu.events.models import Event
from huiwu.events.services import create_branch_venues


class Command(BaseCommand):
    help = gettext_lazy("会场管理。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create-branches", help=_("按官方顺序一次新建37个分会场（已存在的跳过）"))
        create.add_argument("event")
        create.add_argument("--capacity", type=int, default=30)
        create.add_argument("--codes", default="", help=_("只建这些代码，逗号分隔"))
        ls = sub.add_parser("list", help=_("列出会议的会场"))
        ls.add_argument("event")

    def handle(self, *args, action, event, **opts):
        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(_("找不到会议“%(event)s”。") % {"event": event})
        if action == "create-branches":
            if opts["capacity"] <= 0:
                raise CommandError(_("--capacity 必须是正整数，例如 30。"))
            codes = [c.strip() for c in opts["codes"].split(",") if c.strip()] or None
            created = create_branch_venues(ev, opts["capacity"], codes=codes)
            made = ngettext("已新建 %(n)s 个分会场；", "已新建 %(n)s 个分会场；", len(created)) % {"n": len(created)}
            total = ev.venues.count()
            self.stdout.write(made + ngettext("会议共有 %(n)s 个会场。", "会议共有 %(n)s 个会场。", total) % {"n": total})
        else:
            for v in ev.venues.select_related("host_unit").order_by("order", "id"):
                self.stdout.write(f"{v.code}\t{v.name}\t{v.capacity}\t{v.get_approval_status_display()}")
