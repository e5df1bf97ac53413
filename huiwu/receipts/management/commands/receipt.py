"""`huiwu receipt template EVENT VENUE --format docx|xlsx -o FILE` and
`huiwu receipt import EVENT FILE... [--venue CODE] [--dry-run] [--accept-partial] --json`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from huiwu.events.models import Event, Unit


class Command(BaseCommand):
    help = "回执模板下载与回执文件导入。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        tpl = sub.add_parser("template", help="生成会场的回执模板（附件1主会场 / 附件2分会场）")
        tpl.add_argument("event")
        tpl.add_argument("venue", help="会场代码：main 或六位行政区划代码")
        tpl.add_argument("--format", dest="fmt", choices=["docx", "xlsx"], default="docx")
        tpl.add_argument("-o", "--output", required=True, help="输出文件")
        tpl.add_argument("--unit", default="", help="主会场：填报单位名称（写入模板标记）")
        imp = sub.add_parser("import", help="导入填好的回执文件（.docx/.xlsx/.csv/.doc/.xls/.wps）")
        imp.add_argument("event")
        imp.add_argument("files", nargs="+")
        imp.add_argument("--venue", default="", help="文件中看不出会场时使用的会场代码")
        imp.add_argument("--unit", default="", help="主会场：填报单位名称")
        imp.add_argument("--dry-run", action="store_true", help="只检查，不保存")
        imp.add_argument("--accept-partial", action="store_true", help="有问题的行跳过，只导入无误的行")
        imp.add_argument("--json", action="store_true", help="输出 JSON 报告")

    def handle(self, *args, action, event, **opts):
        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(f"找不到会议“{event}”。请用 huiwu venues list 查看会议和会场。")
        unit = None
        if opts.get("unit"):
            unit = Unit.objects.filter(name=opts["unit"].strip()).first()
            if unit is None:
                raise CommandError(f"找不到单位“{opts['unit']}”。请填写单位全称。")
        if action == "template":
            from huiwu.receipts.documents.templates import render_template

            venue = ev.venues.filter(code=opts["venue"]).first()
            if venue is None:
                raise CommandError(f"会议中没有代码为“{opts['venue']}”的会场。")
            data = render_template(venue, opts["fmt"], unit=unit)
            Path(opts["output"]).write_bytes(data)
            self.stdout.write(f"已生成 {opts['output']}（{venue.name}，{len(data)} 字节）")
            return
        from huiwu.receipts.documents.importer import import_files

        venue = None
        if opts["venue"]:
            venue = ev.venues.filter(code=opts["venue"]).first()
            if venue is None:
                raise CommandError(f"会议中没有代码为“{opts['venue']}”的会场。")
        reports = import_files([(None, Path(f)) for f in opts["files"]], event=ev, venue=venue, channel="upload",
                               dry_run=opts["dry_run"], accept_partial=opts["accept_partial"], unit=unit,
                               workers=min(os.cpu_count() or 1, 4))["files"]
        if opts["json"]:
            self.stdout.write(json.dumps({"files": reports}, ensure_ascii=False, indent=2))
            return
        labels = {"accepted": "已接收", "rejected": "已退回", "needs_review": "待核对"}
        for r in reports:
            self.stdout.write(f"{r['file']}：{labels[r['status']]}  会场 {r['venue'] or '未知'}  {len(r['attendees'])} 人")
            for e in r["errors"]:
                self.stdout.write(f"  ✗ {e['message']}")
            for w in r["warnings"]:
                self.stdout.write(f"  ! {w}")
