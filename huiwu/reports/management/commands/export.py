"""`huiwu export roster EVENT [--venue CODE] --format xlsx|csv|docx|pdf -o FILE [--columns a,b,…]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.events.models import Event
from huiwu.reports import roster as rosters
from huiwu.reports.services import export_roster


class Command(BaseCommand):
    help = gettext_lazy("导出：参会人员名单（xlsx、csv、docx、pdf）。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("roster", help=_("导出参会人员名单（整个会议或一个会场）"))
        p.add_argument("event")
        p.add_argument("--venue", default="", help=_("只导出这个会场（代码：main 或六位行政区划代码）"))
        p.add_argument("--format", dest="fmt", choices=rosters.FORMATS, default="xlsx")
        p.add_argument("-o", "--output", required=True, help=_("输出文件"))
        p.add_argument("--columns", default="",
                       help=_("要导出的列，逗号分隔（默认 %(default)s；可选 %(all)s）")
                       % {"default": ",".join(rosters.DEFAULT_COLUMNS), "all": ",".join(rosters.COLUMNS)})

    def handle(self, *args, action, event, **opts):
        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(_("找不到会议“%(slug)s”。请用 huiwu venues list 查看会议和会场。") % {"slug": event})
        venue = None
        if opts["venue"]:
            venue = ev.venues.filter(code=opts["venue"]).first()
            if venue is None:
                raise CommandError(_("会议中没有代码为“%(code)s”的会场。") % {"code": opts["venue"]})
        try:
            data = export_roster(ev, opts["fmt"], venue=venue, columns=opts["columns"], actor_label="cli")
        except rosters.RosterError as exc:
            raise CommandError(str(exc)) from exc
        Path(opts["output"]).write_bytes(data)
        self.stdout.write(_("已导出 %(file)s（%(what)s，%(n)d 字节）") % {
            "file": opts["output"], "what": venue.name if venue else ev.title, "n": len(data)})
