"""Queue tasks of receipts; huey's Django integration imports every app's `tasks` module.

The mail tasks live in huiwu.core.mail; importing them here registers them with the consumer
that `huiwu up` starts.
"""

from huiwu.core.mail import flush_outbox_task, send_mail_task  # noqa: F401
from huiwu.receipts.documents.tasks import poll_imap_periodic, poll_imap_task  # noqa: E402,F401  (IMAP intake)
