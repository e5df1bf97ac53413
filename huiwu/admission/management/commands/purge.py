"""`huiwu purge [--days N] [--event SLUG]`: delete health declaration details after the event.

A declaration's answers and reason texts are deleted once its event ended more than N days ago
(default: settings.HUIWU_PURGE_AFTER_DAYS, 14, from HUIWU_PURGE_AFTER_DAYS); the verdict and the
names of the rules behind it stay, so attendance and eligibility lists still work. The receipt
files kept by the organizer's import page go at the same time (huiwu.receipts.bulk). The queue
runs the same purges every night (huiwu/admission/tasks.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huiwu.admission.services import purge_declarations
from huiwu.events.models import Event


class Command(BaseCommand):
    help = gettext_lazy("删除会议结束满规定天数的健康申报内容（保留入场结论）。")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=_("会议结束多少天后删除（默认 %(d)s，可用 HUIWU_PURGE_AFTER_DAYS 设置）") % {
                                "d": settings.HUIWU_PURGE_AFTER_DAYS})
        parser.add_argument("--event", default=None, help=_("只处理这个会议（slug）"))

    def handle(self, *args, **options):
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError(_("--days 不能为负数。"))
        event = None
        if options["event"]:
            event = Event.objects.filter(slug=options["event"]).first()
            if event is None:
                raise CommandError(_("找不到会议“%(slug)s”。") % {"slug": options["event"]})
        n = purge_declarations(days, event=event)
        used = settings.HUIWU_PURGE_AFTER_DAYS if days is None else days
        self.stdout.write(ngettext("已删除%(n)s份健康申报的内容（会议结束满%(days)s天），入场结论仍保留。",
                                   "已删除%(n)s份健康申报的内容（会议结束满%(days)s天），入场结论仍保留。", n)
                          % {"n": n, "days": used})
        from huiwu.receipts.bulk import purge_import_files

        files = purge_import_files(days, event=event)
        self.stdout.write(ngettext("已删除%(n)s个批量导入时保存的回执文件（及结果中的名单）。",
                                   "已删除%(n)s个批量导入时保存的回执文件（及结果中的名单）。", files) % {"n": files})
