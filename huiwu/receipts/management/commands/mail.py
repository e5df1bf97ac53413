"""`huiwu mail ingest EVENT --eml FILE... [--mbox FILE] [--reply] --json`, or from IMAP:
`huiwu mail ingest EVENT --imap-host H --imap-user U --imap-password-stdin [--folder INBOX] [--reply] --json`."""

from __future__ import annotations

import json
import sys

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huiwu.events.models import Event


class Command(BaseCommand):
    help = gettext_lazy("回执邮箱：读取邮件中的回执附件并导入。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ing = sub.add_parser("ingest", help=_("处理邮件（.eml 文件、mbox 或 IMAP 邮箱）"))
        ing.add_argument("event")
        ing.add_argument("--eml", nargs="+", default=[], help=_(".eml 文件"))
        ing.add_argument("--mbox", action="append", default=[], help=_("mbox 文件"))
        ing.add_argument("--imap-host", default="")
        ing.add_argument("--imap-port", type=int, default=0)
        ing.add_argument("--imap-user", default="")
        ing.add_argument("--imap-password-stdin", action="store_true", help=_("从标准输入读取 IMAP 密码"))
        ing.add_argument("--imap-no-ssl", action="store_true", help=_("不用 SSL（仅限本机测试）"))
        ing.add_argument("--folder", default="INBOX")
        ing.add_argument("--all", action="store_true", help=_("IMAP：也处理已读邮件（已处理过的仍会跳过）"))
        ing.add_argument("--reply", action="store_true", help=_("给发件人回信，说明接收结果和需要修改之处"))
        ing.add_argument("--json", action="store_true")

    def handle(self, *args, action, event, **opts):
        from huiwu.receipts import mailintake

        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(_("找不到会议“%(slug)s”。") % {"slug": event})
        if not (opts["eml"] or opts["mbox"] or opts["imap_host"]):
            raise CommandError(_("请用 --eml、--mbox 或 --imap-host 指定要处理的邮件。"))
        results = []
        if opts["eml"]:
            results += mailintake.ingest_files(ev, opts["eml"], reply=opts["reply"])
        for path in opts["mbox"]:
            results += mailintake.ingest_mbox(ev, path, reply=opts["reply"])
        if opts["imap_host"]:
            if not opts["imap_user"] or not opts["imap_password_stdin"]:
                raise CommandError(_("IMAP 需要 --imap-user 和 --imap-password-stdin（密码从标准输入读入）。"))
            password = sys.stdin.readline().rstrip("\n")
            try:
                results += mailintake.ingest_imap(
                    ev, host=opts["imap_host"], port=opts["imap_port"] or None, user=opts["imap_user"],
                    password=password, folder=opts["folder"], ssl=not opts["imap_no_ssl"], reply=opts["reply"],
                    unseen_only=not opts["all"])
            except Exception as exc:  # noqa: BLE001 - connection or login trouble, said plainly
                raise CommandError(_("无法读取 IMAP 邮箱 %(host)s：%(error)s")
                                   % {"host": opts["imap_host"], "error": exc}) from exc
        if opts["json"]:
            self.stdout.write(json.dumps({"messages": results, "files": [f for r in results for f in r.get("files", [])]},
                                       ensure_ascii=False, indent=2))
            return
        for r in results:
            n = len(r.get("files", []))
            self.stdout.write(ngettext("%(id)s：%(status)s，%(n)d 个附件", "%(id)s：%(status)s，%(n)d 个附件", n)
                              % {"id": r.get("message_id"), "status": r["status"], "n": n})
            for f in r.get("files", []):
                self.stdout.write(_("  %(file)s：%(status)s %(venue)s")
                                  % {"file": f["file"], "status": f["status"], "venue": f.get("venue") or ""})
