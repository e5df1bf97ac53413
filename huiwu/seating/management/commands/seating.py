"""`huiwu seating plan|chart|cards EVENT VENUE …` (PRODUCT.md, "Seating and name cards")."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.core.errors import ApiError
from huiwu.events.models import Event
from huiwu.seating import layouts, paper, services


class Command(BaseCommand):
    help = gettext_lazy("座次：排座（plan）、座次表（chart）、桌签（cards）。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help=_("按最小间距和座次顺序排座"))
        plan.add_argument("event")
        plan.add_argument("venue")
        plan.add_argument("--layout", help=_("会议室布局 JSON 文件（本系统格式或 pretix 座位图）"))
        plan.add_argument("--min-distance", type=float, default=1.0, help=_("最小间距（米，座位中心之间）"))
        plan.add_argument("--order", help=_("座次顺序 JSON 文件：参会人员编号列表"))
        plan.add_argument("--mode", choices=["gov", "intl"], default="gov")
        plan.add_argument("--time-limit", type=float, default=20.0, help=_("求解时间上限（秒）"))
        plan.add_argument("--json", action="store_true")
        chart = sub.add_parser("chart", help=_("座次表（PDF 或 xlsx）"))
        chart.add_argument("event")
        chart.add_argument("venue")
        chart.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
        chart.add_argument("--paper", choices=["A4", "A3"], default="A4")
        chart.add_argument("-o", "--output", required=True)
        cards = sub.add_parser("cards", help=_("桌签 PDF（每人一页）"))
        cards.add_argument("event")
        cards.add_argument("venue")
        cards.add_argument("-o", "--output", required=True)

    def handle(self, *args, action, event, venue, **opts):
        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(_("找不到会议“%(event)s”。") % {"event": event})
        v = ev.venues.filter(code=venue).first()
        if v is None:
            raise CommandError(_("会议“%(event)s”没有代码为“%(venue)s”的会场。") % {"event": event, "venue": venue})
        try:
            if action == "plan":
                self._plan(v, opts)
                return
            plan = services.current_plan(v)
            if plan is None:
                raise CommandError(_("%(venue)s还没有座次方案，请先运行 huiwu seating plan。") % {"venue": v.name})
            if action == "chart":
                data = paper.chart_pdf(plan, paper=opts["paper"]) if opts["format"] == "pdf" else paper.chart_xlsx(plan)
            else:
                data = paper.cards_pdf(plan)
            Path(opts["output"]).write_bytes(data)
            self.stdout.write(_("已写入 %(path)s（%(n)d 字节）。") % {"path": opts["output"], "n": len(data)})
        except ApiError as exc:
            raise CommandError(exc.message) from exc

    def _plan(self, venue, opts) -> None:
        layout = order = None
        if opts.get("layout"):
            layout = layouts.parse_layout_json(_read(opts["layout"]))
        if opts.get("order"):
            from huiwu.core.files import safety

            try:
                order = safety.read_json(_read(opts["order"]), layouts.LAYOUT_LIMITS)
            except safety.UnsafeFile as exc:
                raise CommandError(str(exc)) from exc
            if not isinstance(order, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in order):
                raise CommandError(_("--order 文件应为参会人员编号（整数）的 JSON 列表，例如 [12, 7, 30]。"))
        if layout is not None and services.get_layout(venue) is None:
            services.save_layout(venue, layout, note="cli --layout")
        plan = services.make_plan(venue, min_distance=opts["min_distance"], mode=opts["mode"], order=order,
                                  layout=layout, time_limit=opts["time_limit"])
        out = services.plan_json(plan)
        if opts.get("json"):
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        seated = sum(1 for s in out["seats"] if s["attendee"])
        self.stdout.write(_("已排座 %(n)d 人，未安排 %(u)d 人（%(how)s）。") % {
            "n": seated, "u": len(out["unseated"]), "how": _("已证明最优") if plan.optimal else _("未证明最优")})
        reason = services.unseated_reason(plan, seated + len(out["unseated"]))
        if reason:
            self.stdout.write(reason)


def _read(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise CommandError(_("找不到文件 %(path)s。") % {"path": path})
    if p.stat().st_size > layouts.LAYOUT_LIMITS.max_bytes:
        raise CommandError(_("文件 %(path)s 太大（上限 1 MB）。") % {"path": path})
    return p.read_bytes()
