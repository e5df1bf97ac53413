"""`huiwu notice parse FILE [--json]`: read a notice (.txt, .docx, .html) into the event's fields;
`huiwu notice draft EVENT -o FILE.docx`: the event's notice in the GB/T 9704-2012 layout (notices/drafting.py)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.notices.parser import FIELD_PATHS, get_path, parse_with_sources
from huiwu.notices.reading import NoticeFileError, read_notice_file


class Command(BaseCommand):
    help = gettext_lazy("通知：解析通知文件读成会议的各项信息（parse）；按公文格式起草会议通知（draft）。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        p = sub.add_parser("parse", help=_("解析通知文件"), called_from_command_line=getattr(parser, "called_from_command_line", None))
        p.add_argument("file", help=_("通知文件路径（.txt、.docx、.html、.pdf、.doc、.wps）"))
        p.add_argument("--json", action="store_true", help=_("输出 JSON（PRODUCT.md 的格式）"))
        p.add_argument("--sources", action="store_true",
                       help=_("同时输出每项信息在规范化正文中的位置（与 --json 合用）"))
        d = sub.add_parser("draft", help=_("按 GB/T 9704-2012 版式起草会议通知（.docx，含回执附件）"),
                           called_from_command_line=getattr(parser, "called_from_command_line", None))
        d.add_argument("event", help=_("会议标识（slug）"))
        d.add_argument("-o", "--output", required=True, help=_("输出的 .docx 文件"))
        d.add_argument("--no-attachments", action="store_true", help=_("不附回执表（附件1、附件2）"))
        d.add_argument("--pdf", default="", help=_("同时用 LibreOffice 生成 PDF 预览到此文件"))

    def handle(self, *args, **options):
        if options["action"] == "parse":
            self.parse(options)
        elif options["action"] == "draft":
            self.draft(options)

    def draft(self, options):
        from pathlib import Path

        from huiwu.events.models import Event
        from huiwu.notices import drafting

        event = Event.objects.filter(slug=options["event"]).first()
        if event is None:
            raise CommandError(_("找不到会议“%(slug)s”。请用 huiwu venues list 查看会议。") % {"slug": options["event"]})
        data = drafting.draft_docx(event, attachments=not options["no_attachments"])
        Path(options["output"]).write_bytes(data)
        self.stdout.write(_("已起草 %(file)s（%(n)d 字节）") % {"file": options["output"], "n": len(data)})
        missing = drafting.font_notes()
        if missing:
            self.stdout.write(_("提示：文档使用的字体 %(fonts)s 在本机未安装；在装有这些字体的电脑上用 Word 或 WPS 打开即按原字体显示（文档不嵌入字体）。")
                              % {"fonts": _("、").join(missing)})
        if options["pdf"]:
            pdf = drafting.preview_pdf(data)
            if pdf is None:
                raise CommandError(_("无法生成 PDF：服务器未安装 LibreOffice，或转换超时。"))
            Path(options["pdf"]).write_bytes(pdf)
            self.stdout.write(_("已生成 PDF 预览 %(file)s") % {"file": options["pdf"]})

    def parse(self, options):
        try:
            text = read_notice_file(options["file"])
        except NoticeFileError as exc:
            raise CommandError(str(exc)) from exc
        result, spans, norm = parse_with_sources(text)
        if options["json"]:
            out = result
            if options["sources"]:
                out = {"result": result, "sources": {k: list(v) for k, v in spans.items()}}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        from huiwu.notices.forms import FIELD_LABELS

        for path in FIELD_PATHS:
            value = get_path(result, path)
            shown = _("（未找到）") if value in (None, [], "") else json.dumps(value, ensure_ascii=False)
            self.stdout.write(_("%(label)s（%(path)s）：%(value)s") % {"label": FIELD_LABELS[path], "path": path,
                                                                   "value": shown})
