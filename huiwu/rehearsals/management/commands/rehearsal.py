"""`huiwu rehearsal schedule EVENT [--slot-minutes N] [--reset] --json` and
`huiwu rehearsal invite EVENT [--resend]`."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiwu.events.models import Event


class Command(BaseCommand):
    help = gettext_lazy("视频调试：排定各分会场的调试时段、发送邀请。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sch = sub.add_parser("schedule", help=_("按官方顺序为每个分会场排定调试时段，末尾预留复测时间"))
        sch.add_argument("event")
        sch.add_argument("--slot-minutes", type=int, default=None, help=_("每场时长（分钟）；默认按调试时间和会场数计算"))
        sch.add_argument("--reset", action="store_true", help=_("已发送的时段也重新排（并通知对方）"))
        sch.add_argument("--json", action="store_true", help=_("输出 JSON"))
        inv = sub.add_parser("invite", help=_("向尚未通知的分会场发送调试邀请（邮件、.ics 附件）"))
        inv.add_argument("event")
        inv.add_argument("--resend", action="store_true", help=_("已发送的也再发一次"))

    def handle(self, *args, action, event, **opts):
        from huiwu.rehearsals import services

        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(_("找不到会议“%(slug)s”。请用 huiwu venues list 查看会议。") % {"slug": event})
        if action == "invite":
            n = services.send_invitations(ev, resend=opts["resend"])
            self.stdout.write(_("已向 %(n)d 个分会场发送调试邀请。") % {"n": n})
            return
        try:
            result = services.schedule(ev, opts["slot_minutes"], reset=opts["reset"])
        except ValidationError as exc:
            raise CommandError(_("；").join(exc.messages)) from exc
        tz = services.ZoneInfo(ev.time_zone)
        contacts = services.contacts_by_venue(r.venue_id for r in result.rehearsals)
        slots = [{
            "venue": r.venue.code,
            "starts_at": r.starts_at.astimezone(tz).isoformat(),
            "ends_at": r.ends_at.astimezone(tz).isoformat(),
            "contact": contacts.get(r.venue_id),
        } for r in result.rehearsals]
        if opts["json"]:
            self.stdout.write(json.dumps({
                "event": ev.slug,
                "window": {"starts_at": ev.rehearsal_starts_at.astimezone(tz).isoformat(),
                           "ends_at": ev.rehearsal_ends_at.astimezone(tz).isoformat()},
                "slot_minutes": result.slot_minutes, "reserve_minutes": result.reserve_minutes,
                "slots": slots,
            }, ensure_ascii=False, indent=2))
            return
        for s, r in zip(slots, result.rehearsals, strict=True):
            self.stdout.write(f"{s['starts_at'][11:16]}–{s['ends_at'][11:16]}  {r.venue.code}  {r.venue.name}")
        self.stdout.write(_("共 %(n)d 个时段，每场 %(m)d 分钟，末尾预留 %(r)d 分钟。")
                          % {"n": len(slots), "m": result.slot_minutes, "r": result.reserve_minutes})
