"""`huiwu admission evaluate|preset|apply-preset`: the admission engine from the command line.

`huiwu admission evaluate --rules RULES.json --declaration DECL.json --event-start ISO
--venue-kind main|branch [--venue-code CODE] [--time-zone TZ] --json` runs the same
`engine.evaluate` as the pages and prints `{"verdict", "reasons": [{"rule", "message"}]}`.
Times without an offset (the start, a sampling time) are read in the event's time zone:
--time-zone, else HUIWU_TIME_ZONE (Asia/Shanghai), whatever offset the start is written with.
RULES.json is a list of rules as `huiwu notice parse --json` gives them under
`admission_rules` (the whole parse output is accepted too). A file named `-` is read from stdin.
DECL.json may also hold a list of declarations: the output is then the list of verdicts, in order.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huiwu.admission import engine

MAX_FILE_BYTES = 1024 * 1024


def _read_json(path: str, what: str) -> Any:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            p = Path(path)
            if not p.is_file():
                raise CommandError(_("找不到%(what)s文件：%(path)s，请检查路径。") % {"what": what, "path": path})
            if p.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(_("%(what)s文件太大（超过1 MB）：%(path)s。") % {"what": what, "path": path})
            raw = p.read_bytes()
    except OSError as exc:
        raise CommandError(_("无法读取%(what)s文件 %(path)s：%(err)s") % {"what": what, "path": path, "err": exc}) from exc
    if len(raw) > MAX_FILE_BYTES:
        raise CommandError(_("%(what)s太大（超过1 MB）。") % {"what": what})
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CommandError(_("%(what)s文件 %(path)s 不是 UTF-8 编码的文本，请另存为 UTF-8。") % {"what": what, "path": path}) from exc
    except RecursionError as exc:
        raise CommandError(_("%(what)s文件 %(path)s 嵌套层数太多，不是规则或申报，请检查文件。") % {
            "what": what, "path": path}) from exc
    except json.JSONDecodeError as exc:
        raise CommandError(_("%(what)s文件 %(path)s 不是有效的 JSON（第%(line)s行第%(col)s列：%(msg)s），请修正后重试。") % {
            "what": what, "path": path, "line": exc.lineno, "col": exc.colno, "msg": exc.msg}) from exc


def read_rules(path: str) -> list[dict[str, Any]]:
    data = _read_json(path, _("规则"))
    if isinstance(data, dict) and "admission_rules" in data:
        data = data["admission_rules"]
    if isinstance(data, dict) and "rules" in data:
        data = data["rules"]
    if data is None:
        data = []
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise CommandError(_("规则文件应为规则列表，例如 [{\"kind\": \"symptoms\", \"window_days\": 14, \"venues\": \"all\"}]。"))
    for i, r in enumerate(data, start=1):
        if not r.get("kind"):
            raise CommandError(_("第%(n)s条规则缺少 kind（规则类型），可选：%(kinds)s。") % {
                "n": i, "kinds": ", ".join(engine.KINDS)})
    return data


def read_declaration(path: str) -> dict[str, Any] | list[dict[str, Any]]:
    """One declaration (an object), or several (a list of objects: judged one by one, in order)."""
    data = _read_json(path, _("申报"))
    if isinstance(data, list) and data and all(isinstance(d, dict) for d in data):
        return data
    if not isinstance(data, dict):
        raise CommandError(_("申报文件应为一个 JSON 对象，例如 {\"symptoms\": false, \"health_code\": \"green\"}"
                             "（或这样的对象组成的列表）。"))
    return data


EXAMPLE = gettext_lazy("huiwu admission evaluate --rules 规则.json --declaration 申报.json "
                       "--event-start 2021-11-23T10:00:00+08:00 --venue-kind main --json")


def argparse_message(message: str) -> str:
    """argparse's own English errors (missing, unknown or bad arguments) in plain Chinese."""
    m = re.match(r"the following arguments are required: (.+)", message)
    if m:
        names = m.group(1).replace("action", "evaluate|preset|apply-preset|links")
        return _("缺少必填参数：%(names)s。完整写法：%(example)s") % {"names": names, "example": EXAMPLE}
    m = re.match(r"argument (\S+?): invalid choice: '?(.*?)'? \(choose from (.*)\)", message)
    if m:
        choices = _("、").join(c.strip(" '\"") for c in m.group(3).split(","))
        return _("参数 %(arg)s 的值“%(value)s”无效，只能是：%(choices)s。") % {
            "arg": m.group(1).split("/")[-1], "value": m.group(2), "choices": choices}
    m = re.match(r"argument (\S+?): expected one argument", message)
    if m:
        return _("参数 %(arg)s 后面缺少取值。完整写法：%(example)s") % {"arg": m.group(1).split("/")[-1], "example": EXAMPLE}
    m = re.match(r"unrecognized arguments: (.+)", message)
    if m:
        return _("无法识别的参数：%(args)s。完整写法：%(example)s") % {"args": m.group(1), "example": EXAMPLE}
    return _("命令参数有误：%(msg)s。完整写法：%(example)s") % {"msg": message, "example": EXAMPLE}


class ChineseParser(CommandParser):
    """A command parser whose own errors are Chinese: on stderr with exit status 2 from the
    command line, a CommandError when called from code."""

    def error(self, message):
        text = argparse_message(message)
        if self.called_from_command_line:
            self.exit(2, _("错误：%(text)s\n") % {"text": text})
        raise CommandError(text)


def parse_start(value: str, tz: str | None) -> datetime:
    try:
        start = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(_("会议开始时间“%(v)s”不是 ISO 8601 格式，请写成 2021-11-23T10:00:00+08:00。") % {"v": value}) from exc
    if not engine.MIN_YEAR <= start.year <= engine.MAX_YEAR:
        raise CommandError(_("会议开始时间“%(v)s”的年份不对，请检查。") % {"v": value})
    if start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo(tz or engine.DEFAULT_TZ))
    return start


class Command(BaseCommand):
    help = gettext_lazy("入场规则：按规则判断一份健康申报（与网页使用同一套判断）。")
    #: `evaluate` is pure and called once per declaration: skip the URL/model checks (≈1 s of imports)
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.__class__ = ChineseParser  # argparse's errors in Chinese, here and in the subcommands
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        cmd = getattr(parser, "called_from_command_line", None)
        ev = sub.add_parser("evaluate", help=_("判断一份申报是否符合入场规则"), called_from_command_line=cmd)
        ev.add_argument("--rules", required=True, help=_("规则 JSON 文件（通知解析结果中的 admission_rules）"))
        ev.add_argument("--declaration", required=True, help=_("申报 JSON 文件"))
        ev.add_argument("--event-start", required=True, help=_("会议开始时间，ISO 8601，如 2021-11-23T10:00:00+08:00"))
        ev.add_argument("--venue-kind", required=True, choices=["main", "branch"], type=lambda v: v.strip().lower(),
                        help=_("会场类型：main（主会场）或 branch（分会场）"))
        ev.add_argument("--venue-code", default=None, help=_("会场代码（按会场设置的规则需要）"))
        ev.add_argument("--time-zone", default=None, help=_("会议所在时区（没有时区的时间按它理解），默认 HUIWU_TIME_ZONE（Asia/Shanghai）"))
        ev.add_argument("--json", action="store_true", help=_("输出 JSON"))
        pr = sub.add_parser("preset", help=_("输出预设规则（seed 或 empty）的 JSON"), called_from_command_line=cmd)
        pr.add_argument("name", choices=sorted(engine.PRESETS))
        ap = sub.add_parser("apply-preset", help=_("把预设规则用于某个会议"), called_from_command_line=cmd)
        ap.add_argument("event", help=_("会议标识（slug）"))
        ap.add_argument("name", choices=sorted(engine.PRESETS))

        ln = sub.add_parser("links", help=_("列出参会人员的健康申报链接和短信内容"), called_from_command_line=cmd)
        ln.add_argument("event", help=_("会议标识（slug）"))
        ln.add_argument("--venue", default=None, help=_("只列出这个会场（会场代码）"))
        ln.add_argument("--base-url", required=True, help=_("系统对外地址，如 https://huiwu.example.org"))
        ln.add_argument("--json", action="store_true", help=_("输出 JSON"))

    def handle(self, *args, **options):
        getattr(self, options["action"].replace("-", "_"))(options)

    def evaluate(self, options):
        rules = read_rules(options["rules"])
        decl = read_declaration(options["declaration"])
        # the event's time zone places naive times (a sampling time without an offset is local
        # time, even when --event-start is written in UTC): --time-zone, else HUIWU_TIME_ZONE
        tz = options["time_zone"] or settings.TIME_ZONE
        if tz:
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise CommandError(_("未知时区“%(tz)s”，请写成 Asia/Shanghai 这样的名称。") % {"tz": tz}) from exc
        start = parse_start(options["event_start"], tz)
        many = isinstance(decl, list)
        verdicts = [engine.evaluate(rules, d, start, options["venue_kind"], options["venue_code"], tz=tz)
                    for d in (decl if many else [decl])]
        for r in verdicts[0].skipped:
            self.stderr.write(_("提示：不认识的规则类型“%(kind)s”，已跳过。") % {"kind": r.get("kind")})
        if options["json"]:
            out = [v.to_dict() for v in verdicts] if many else verdicts[0].to_dict()
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        labels = {engine.ELIGIBLE: _("符合入场条件"), engine.NOT_ELIGIBLE: _("不符合入场条件"), engine.PENDING: _("待定")}
        for i, verdict in enumerate(verdicts, start=1):
            head = f"{i}. " if many else ""
            self.stdout.write(head + _("%(label)s（%(verdict)s）") % {"label": labels[verdict.verdict],
                                                                     "verdict": verdict.verdict})
            for r in verdict.reasons:
                self.stdout.write(f"   - {r['message']}")

    def preset(self, options):
        self.stdout.write(json.dumps(engine.PRESETS[options["name"]], ensure_ascii=False, indent=2))

    def apply_preset(self, options):
        from huiwu.admission.services import apply_preset
        from huiwu.events.models import Event

        event = Event.objects.filter(slug=options["event"]).first()
        if event is None:
            raise CommandError(_("找不到会议“%(slug)s”。") % {"slug": options["event"]})
        rules = apply_preset(event, options["name"])
        self.stdout.write(ngettext("已为%(title)s设置%(n)s条入场规则。", "已为%(title)s设置%(n)s条入场规则。", len(rules))
                          % {"title": event.title, "n": len(rules)})

    def links(self, options):
        from huiwu.admission import services
        from huiwu.audit.services import record
        from huiwu.events.models import Event
        from huiwu.receipts.models import Attendee

        event = Event.objects.filter(slug=options["event"]).first()
        if event is None:
            raise CommandError(_("找不到会议“%(slug)s”。") % {"slug": options["event"]})
        base = options["base_url"].rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise CommandError(_("--base-url 应以 http:// 或 https:// 开头。"))
        qs = Attendee.objects.filter(event=event, status=Attendee.Status.ACTIVE).select_related("event", "venue")
        if options["venue"]:
            if not event.venues.filter(code=options["venue"]).exists():
                raise CommandError(_("会议中没有代码为“%(code)s”的会场。") % {"code": options["venue"]})
            qs = qs.filter(venue__code=options["venue"])
        rows = []
        for a in qs.order_by("venue__order", "order", "id"):
            url = base + services.declaration_path(a)
            rows.append({"venue": a.venue.code, "attendee_id": a.pk, "name": a.name, "url": url,
                         "sms": services.sms_text(a, url)})
        record("admission.links", event=event, after={"count": len(rows), "venue": options["venue"]})
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(f"{r['venue']}\t{r['name']}\t{r['sms']}")
