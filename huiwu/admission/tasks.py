"""Background work of admission: the nightly purge of health details.

Coordinator e-mails about not-eligible attendees go through `huiwu.core.mail.queue_mail` (an
outbox row in the same transaction, sent by the queue with retries), see services.notify_not_eligible.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_declarations_task() -> int:
    """Every night: delete declaration details of events that ended more than the retention period ago."""
    from .services import purge_declarations

    return purge_declarations()


@db_periodic_task(crontab(hour="3", minute="27"))
def purge_import_files_task() -> int:
    """Every night: delete the receipt files kept by the organizer's import page (and the names in
    their reports) once the event ended more than the same retention period ago."""
    from huiwu.receipts.bulk import purge_import_files

    return purge_import_files()
