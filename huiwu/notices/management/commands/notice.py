"""`huiwu notice parse FILE [--json]`: read a notice (.txt, .docx, .html) into the event's fields."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.notices.parser import FIELD_PATHS, get_path, parse_with_sources
from huiwu.notices.reading import NoticeFileError, read_notice_file


class Command(BaseCommand):
    help = gettext_lazy("通知解析：把通知文件（.txt、.docx、.html）读成会议的各项信息。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        p = sub.add_parser("parse", help=_("解析通知文件"), called_from_command_line=getattr(parser, "called_from_command_line", None))
        p.add_argument("file", help=_("通知文件路径（.txt、.docx、.html）"))
        p.add_argument("--json", action="store_true", help=_("输出 JSON（PRODUCT.md 的格式）"))
        p.add_argument("--sources", action="store_true",
                       help=_("同时输出每项信息在规范化正文中的位置（与 --json 合用）"))

    def handle(self, *args, **options):
        if options["action"] == "parse":
            self.parse(options)

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
