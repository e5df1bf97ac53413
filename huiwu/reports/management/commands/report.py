"""`huiwu report attendance EVENT --format docx|pdf -o FILE`: the attendance report after the event."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.events.models import Event
from huiwu.reports import roster as rosters
from huiwu.reports.services import attendance_report


class Command(BaseCommand):
    help = gettext_lazy("报告：会后参会情况报告（docx、pdf）。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("attendance", help=_("参会情况报告：各会场应到、实到、迟到、更换、不符合入场条件和视频调试结果，附到会情况图"))
        p.add_argument("event")
        p.add_argument("--format", dest="fmt", choices=("docx", "pdf"), default="docx")
        p.add_argument("-o", "--output", required=True, help=_("输出文件"))

    def handle(self, *args, action, event, fmt, output, **opts):
        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(_("找不到会议“%(slug)s”。请用 huiwu venues list 查看会议和会场。") % {"slug": event})
        try:
            data = attendance_report(ev, fmt, actor_label="cli")
        except rosters.RosterError as exc:
            raise CommandError(str(exc)) from exc
        Path(output).write_bytes(data)
        self.stdout.write(_("已生成 %(file)s（%(n)d 字节）") % {"file": output, "n": len(data)})
