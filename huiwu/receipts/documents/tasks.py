"""Queue tasks of the mail intake: poll the IMAP intake mailbox now, and every few minutes.

The mailbox comes from the environment, never from task arguments (the queue stores those):
HUIWU_IMAP_URL = imaps://USER:PASSWORD@HOST[:PORT]/FOLDER (imap:// for a plain local server),
HUIWU_IMAP_EVENT = the event's slug, HUIWU_IMAP_REPLY = 1 to answer senders.
Import this module from the app's tasks.py so the consumer registers the tasks.
"""

from __future__ import annotations

import logging
import os
from urllib.parse import unquote, urlparse

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)


def imap_config() -> dict | None:
    url = os.environ.get("HUIWU_IMAP_URL", "")
    slug = os.environ.get("HUIWU_IMAP_EVENT", "")
    if not url or not slug:
        return None
    u = urlparse(url)
    return {
        "event": slug, "host": u.hostname or "", "port": u.port, "user": unquote(u.username or ""),
        "password": unquote(u.password or ""), "folder": unquote(u.path.lstrip("/")) or "INBOX",
        "ssl": u.scheme != "imap", "reply": os.environ.get("HUIWU_IMAP_REPLY", "") == "1",
    }


def poll_imap() -> int:
    """Handle new messages of the configured mailbox; returns how many were looked at."""
    from huiwu.events.models import Event
    from huiwu.receipts.mailintake import ingest_imap

    cfg = imap_config()
    if cfg is None:
        return 0
    event = Event.objects.filter(slug=cfg["event"]).first()
    if event is None:
        log.warning("HUIWU_IMAP_EVENT names no event: %s", cfg["event"])
        return 0
    results = ingest_imap(event, host=cfg["host"], port=cfg["port"], user=cfg["user"], password=cfg["password"],
                          folder=cfg["folder"], ssl=cfg["ssl"], reply=cfg["reply"])
    return len(results)


@db_task(retries=3, retry_delay=60)
def poll_imap_task() -> int:
    """Poll the intake mailbox now (e.g. from the organizer's page)."""
    return poll_imap()


@db_periodic_task(crontab(minute="*/5"))
def poll_imap_periodic() -> int:
    """Every five minutes when HUIWU_IMAP_URL and HUIWU_IMAP_EVENT are set; otherwise nothing."""
    return poll_imap()
