"""Queue tasks of the rehearsal: reminders the evening before and 30 minutes before a slot."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def rehearsal_reminders_task() -> int:
    """Every minute: queue the reminders that have come due (each slot's reminders go out once)."""
    from .services import send_due_reminders

    return send_due_reminders()
