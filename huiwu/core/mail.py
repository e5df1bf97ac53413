"""Queued mail that is never lost: an outbox row first, then the queue sends it.

`queue_mail()` writes an `OutboxMail` row inside the caller's transaction, so the mail exists
exactly when the change it reports exists. After commit, a huey task sends it and marks it
sent; while the SMTP server is down the task fails and is retried (huey retries with a delay),
and a periodic task re-queues every row still unsent, so a mail survives a restart of the
queue, a long SMTP outage or a lost task. A row is claimed before sending so two workers do
not send it twice.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from huiwu.core.bulk import insert_objects

log = logging.getLogger(__name__)

#: how long a sender may hold a row before another one may try it
CLAIM_SECONDS = 120
#: retries of one task; the periodic flush keeps trying after these are spent
TASK_RETRIES = int(os.environ.get("HUIWU_MAIL_RETRIES", "8"))
#: seconds between retries of a failed send (HUIWU_MAIL_RETRY_DELAY; tests shorten it)
TASK_RETRY_DELAY = int(os.environ.get("HUIWU_MAIL_RETRY_DELAY", "30"))


class MailNotSent(Exception):
    """The SMTP server refused or could not be reached; the row stays unsent."""


def _clean_recipients(to: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for addr in to:
        addr = (addr or "").strip()
        if addr and "@" in addr and addr.lower() not in {a.lower() for a in seen}:
            seen.append(addr)
    return seen


def outbox_row(
    to: Iterable[str],
    subject: str,
    body: str | Callable[[], str],
    *,
    kind: str = "",
    event: Any = None,
    venue: Any = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> Any:
    """An unsaved OutboxMail row, or None when there is nobody to send it to.

    `body` may be a function, only called when there is someone to write to.
    """
    from huiwu.receipts.models import OutboxMail

    recipients = _clean_recipients(to)
    if not recipients:
        return None
    return OutboxMail(
        kind=kind, to=recipients, subject=subject[:300], body=body() if callable(body) else body,
        event=event, venue=venue,
        attachments=[
            {"name": name, "mimetype": mimetype, "content_b64": base64.b64encode(content).decode()}
            for name, content, mimetype in (attachments or [])
        ],
    )


def queue_mails(rows: list[Any]) -> list[Any]:
    """Write rows made by `outbox_row` in one INSERT (in the caller's transaction); send after commit."""
    rows = [r for r in rows if r is not None]
    if not rows:
        return []
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        insert_objects(rows)
    pks = [r.pk for r in rows]
    transaction.on_commit(lambda: [send_mail_task(pk) for pk in pks])
    return rows


def queue_mail(to: Iterable[str], subject: str, body: str | Callable[[], str], **options: Any) -> Any:
    """Write the mail to the outbox (in the caller's transaction) and send it after commit.

    Options are outbox_row's. Returns the OutboxMail row, or None when there is nobody to send it to.
    """
    row = outbox_row(to, subject, body, **options)
    return queue_mails([row])[0] if row is not None else None


def _claim(pk: int) -> bool:
    from huiwu.receipts.models import OutboxMail

    now = timezone.now()
    return bool(
        OutboxMail.objects.filter(pk=pk, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )


def send_outbox(pk: int) -> bool:
    """Send one outbox row now. True when sent (or already sent); raises MailNotSent on failure."""
    from huiwu.receipts.models import OutboxMail

    if not _claim(pk):
        return OutboxMail.objects.filter(pk=pk, sent_at__isnull=False).exists()
    row = OutboxMail.objects.get(pk=pk)
    msg = EmailMessage(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, row.to)
    for att in row.attachments:
        msg.attach(att["name"], base64.b64decode(att["content_b64"]), att["mimetype"])
    try:
        msg.send(fail_silently=False)
    except Exception as exc:  # SMTP down, refused, timed out: keep the row and try again later
        OutboxMail.objects.filter(pk=pk).update(
            attempts=row.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:500], claimed_until=None
        )
        log.warning("mail %s not sent: %s", pk, exc)
        raise MailNotSent(str(exc)) from exc
    OutboxMail.objects.filter(pk=pk).update(
        sent_at=timezone.now(), attempts=row.attempts + 1, last_error="", claimed_until=None
    )
    return True


def flush_outbox(limit: int = 500) -> tuple[int, int]:
    """Try every unsent row once, oldest first; returns (sent, failed)."""
    from huiwu.receipts.models import OutboxMail

    sent = failed = 0
    for pk in OutboxMail.objects.filter(sent_at__isnull=True).order_by("created_at").values_list("pk", flat=True)[:limit]:
        try:
            if send_outbox(pk):
                sent += 1
        except MailNotSent:
            failed += 1
    return sent, failed


@db_task(retries=TASK_RETRIES, retry_delay=TASK_RETRY_DELAY)
def send_mail_task(pk: int) -> bool:
    """Queue task: send one outbox row; raising makes huey retry it later."""
    return send_outbox(pk)


@db_periodic_task(crontab(minute="*"))
def flush_outbox_task() -> tuple[int, int]:
    """Every minute: re-send whatever is still unsent (SMTP was down, a task was lost)."""
    return flush_outbox()
