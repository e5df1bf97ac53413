"""`huiwu receipt template EVENT VENUE --format docx|xlsx -o FILE` and
`huiwu receipt import EVENT FILE... [--venue CODE] [--dry-run] [--accept-partial] --json`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huiwu.events.models import Event, Unit


class Command(BaseCommand):
    help = gettext_lazy("回执模板下载与回执文件导入。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        tpl = sub.add_parser("template", help=_("生成会场的回执模板（附件1主会场 / 附件2分会场）"))
        tpl.add_argument("event")
        tpl.add_argument("venue", help=_("会场代码：main 或六位行政区划代码"))
        tpl.add_argument("--format", dest="fmt", choices=["docx", "xlsx"], default="docx")
        tpl.add_argument("-o", "--output", required=True, help=_("输出文件"))
        tpl.add_argument("--unit", default="", help=_("主会场：填报单位名称（写入模板标记）"))
        imp = sub.add_parser("import", help=_("导入填好的回执文件（.docx/.xlsx/.csv/.doc/.xls/.wps）"))
        imp.add_argument("event")
        imp.add_argument("files", nargs="+")
        imp.add_argument("--venue", default="", help=_("文件中看不出会场时使用的会场代码"))
        imp.add_argument("--unit", default="", help=_("主会场：填报单位名称"))
        imp.add_argument("--dry-run", action="store_true", help=_("只检查，不保存"))
        imp.add_argument("--accept-partial", action="store_true", help=_("有问题的行跳过，只导入无误的行"))
        imp.add_argument("--json", action="store_true", help=_("输出 JSON 报告"))

    def handle(self, *args, action, event, **opts):
        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(_("找不到会议“%(slug)s”。请用 huiwu venues list 查看会议和会场。") % {"slug": event})
        unit = None
        if opts.get("unit"):
            unit = Unit.objects.filter(name=opts["unit"].strip()).first()
            if unit is None:
                raise CommandError(_("找不到单位“%(unit)s”。请填写单位全称。") % {"unit": opts["unit"]})
        if action == "template":
            from huiwu.receipts.documents.templates import render_template

            venue = ev.venues.filter(code=opts["venue"]).first()
            if venue is None:
                raise CommandError(_("会议中没有代码为“%(code)s”的会场。") % {"code": opts["venue"]})
            data = render_template(venue, opts["fmt"], unit=unit)
            Path(opts["output"]).write_bytes(data)
            self.stdout.write(ngettext("已生成 %(file)s（%(venue)s，%(n)d 字节）", "已生成 %(file)s（%(venue)s，%(n)d 字节）",
                                       len(data)) % {"file": opts["output"], "venue": venue.name, "n": len(data)})
            return
        from huiwu.receipts.documents.importer import import_files

        venue = None
        if opts["venue"]:
            venue = ev.venues.filter(code=opts["venue"]).first()
            if venue is None:
                raise CommandError(_("会议中没有代码为“%(code)s”的会场。") % {"code": opts["venue"]})
        reports = import_files([(None, Path(f)) for f in opts["files"]], event=ev, venue=venue, channel="upload",
                               dry_run=opts["dry_run"], accept_partial=opts["accept_partial"], unit=unit,
                               workers=min(os.cpu_count() or 1, 4))["files"]
        if opts["json"]:
            self.stdout.write(json.dumps({"files": reports}, ensure_ascii=False, indent=2))
            return
        labels = {"accepted": _("已接收"), "rejected": _("已退回"), "needs_review": _("待核对")}
        for r in reports:
            n = len(r["attendees"])
            self.stdout.write(ngettext("%(file)s：%(status)s  会场 %(venue)s  %(n)d 人", "%(file)s：%(status)s  会场 %(venue)s  %(n)d 人", n)
                              % {"file": r["file"], "status": labels[r["status"]], "venue": r["venue"] or _("未知"), "n": n})
            for e in r["errors"]:
                self.stdout.write(f"  ✗ {e['message']}")
            for w in r["warnings"]:
                self.stdout.write(f"  ! {w}")
