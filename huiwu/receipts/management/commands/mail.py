"""`huiwu mail ingest EVENT --eml FILE... [--mbox FILE] [--reply] --json`, or from IMAP:
`huiwu mail ingest EVENT --imap-host H --imap-user U --imap-password-stdin [--folder INBOX] [--reply] --json`."""

from __future__ import annotations

import json
import sys

from django.core.management import BaseCommand, CommandError

from huiwu.events.models import Event


class Command(BaseCommand):
    help = "回执邮箱：读取邮件中的回执附件并导入。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ing = sub.add_parser("ingest", help="处理邮件（.eml 文件、mbox 或 IMAP 邮箱）")
        ing.add_argument("event")
        ing.add_argument("--eml", nargs="+", default=[], help=".eml 文件")
        ing.add_argument("--mbox", action="append", default=[], help="mbox 文件")
        ing.add_argument("--imap-host", default="")
        ing.add_argument("--imap-port", type=int, default=0)
        ing.add_argument("--imap-user", default="")
        ing.add_argument("--imap-password-stdin", action="store_true", help="从标准输入读取 IMAP 密码")
        ing.add_argument("--imap-no-ssl", action="store_true", help="不用 SSL（仅限本机测试）")
        ing.add_argument("--folder", default="INBOX")
        ing.add_argument("--all", action="store_true", help="IMAP：也处理已读邮件（已处理过的仍会跳过）")
        ing.add_argument("--reply", action="store_true", help="给发件人回信，说明接收结果和需要修改之处")
        ing.add_argument("--json", action="store_true")

    def handle(self, *args, action, event, **opts):
        from huiwu.receipts import mailintake

        ev = Event.objects.filter(slug=event).first()
        if ev is None:
            raise CommandError(f"找不到会议“{event}”。")
        if not (opts["eml"] or opts["mbox"] or opts["imap_host"]):
            raise CommandError("请用 --eml、--mbox 或 --imap-host 指定要处理的邮件。")
        results = []
        if opts["eml"]:
            results += mailintake.ingest_files(ev, opts["eml"], reply=opts["reply"])
        for path in opts["mbox"]:
            results += mailintake.ingest_mbox(ev, path, reply=opts["reply"])
        if opts["imap_host"]:
            if not opts["imap_user"] or not opts["imap_password_stdin"]:
                raise CommandError("IMAP 需要 --imap-user 和 --imap-password-stdin（密码从标准输入读入）。")
            password = sys.stdin.readline().rstrip("\n")
            try:
                results += mailintake.ingest_imap(
                    ev, host=opts["imap_host"], port=opts["imap_port"] or None, user=opts["imap_user"],
                    password=password, folder=opts["folder"], ssl=not opts["imap_no_ssl"], reply=opts["reply"],
                    unseen_only=not opts["all"])
            except Exception as exc:  # noqa: BLE001 - connection or login trouble, said plainly
                raise CommandError(f"无法读取 IMAP 邮箱 {opts['imap_host']}：{exc}") from exc
        if opts["json"]:
            self.stdout.write(json.dumps({"messages": results, "files": [f for r in results for f in r.get("files", [])]},
                                       ensure_ascii=False, indent=2))
            return
        for r in results:
            self.stdout.write(f"{r.get('message_id')}：{r['status']}，{len(r.get('files', []))} 个附件")
            for f in r.get("files", []):
                self.stdout.write(f"  {f['file']}：{f['status']} {f.get('venue') or ''}")
